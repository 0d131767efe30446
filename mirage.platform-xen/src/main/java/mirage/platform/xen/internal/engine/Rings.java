package mirage.platform.xen.internal.engine;

/** What ring operations return for a peer's index beyond what the ring can hold. */
public final class Rings {
    /** Returned instead of a count when the other end's index is impossible. */
    public static final int OVERFLOW = -1;

    private Rings() {}
}
