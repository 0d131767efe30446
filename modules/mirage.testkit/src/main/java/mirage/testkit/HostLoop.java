package mirage.testkit;

import mirage.core.spi.EventLoop;
import mirage.testkit.internal.HostThreadLoop;

/**
 * An event loop on one platform thread of the host and the host's monotonic clock, for tests
 * against real sockets and processes (where virtual time cannot hold). Close it to stop the
 * thread.
 */
public interface HostLoop extends EventLoop, AutoCloseable {

    /** A new loop with its thread started on first use. */
    static HostLoop start() {
        return new HostThreadLoop();
    }

    /** Stops the loop's thread; actions not yet run are dropped. */
    @Override
    void close();
}
