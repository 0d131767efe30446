package mirage.core.spi;

/**
 * A device the platform has bound, by the name the manifest gives it. Closing releases it;
 * close is idempotent and never throws.
 */
public interface Device extends AutoCloseable {

    /** The manifest name. */
    String name();

    /** The kind. */
    DeviceKind kind();

    /**
     * The device's handle, 0 to 62: bit {@code handle} is set in the set {@link Platform#yield}
     * returns when the device has input ready.
     */
    int handle();

    @Override
    void close();
}
