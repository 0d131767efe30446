package mirage.platform.solo5.internal.host;

/**
 * A host device the {@link HostPoller} waits on. The poller calls every method on the event
 * loop's thread, except {@link #release}, which it calls while no poll is in progress.
 */
public interface Pollable {

    /** The device's handle, its bit in the set {@code yield} returns. */
    int handle();

    /** The file descriptor to poll, or -1 when the device is closed or failed. */
    int fd();

    /** The {@code poll} events wanted: {@code POLLIN}, and {@code POLLOUT} while output waits. */
    short interest();

    /** Whether input is already buffered in the process, so that the poll must not block. */
    boolean buffered();

    /**
     * Reads and delivers a bounded amount of input and flushes waiting output.
     *
     * @param revents what {@code poll} reported for {@link #fd()} (0 if only {@link #buffered()})
     * @return whether the device had input
     */
    boolean service(short revents);

    /** Closes the file descriptor. Idempotent. */
    void release();
}
