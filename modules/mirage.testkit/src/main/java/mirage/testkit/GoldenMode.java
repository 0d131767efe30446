package mirage.testkit;

/** Whether a golden check fails on a difference or rewrites the golden file. */
public enum GoldenMode {
    /** Fail with a diff when the golden file differs (the default). */
    CHECK,
    /** Rewrite the golden file when it differs; never fail on a difference. */
    UPDATE;

    /** {@link #UPDATE} when the system property {@value ModuleSurface#UPDATE_PROPERTY} is {@code true}. */
    public static GoldenMode fromSystemProperties() {
        return Boolean.getBoolean(ModuleSurface.UPDATE_PROPERTY) ? UPDATE : CHECK;
    }
}
