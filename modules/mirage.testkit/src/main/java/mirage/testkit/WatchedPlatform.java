package mirage.testkit;

import mirage.core.spi.Platform;
import mirage.testkit.internal.WatchingPlatform;

/**
 * A real platform, watched: everything goes to the platform it wraps; a test can wait until the
 * loop first blocks with no deadline ({@link #awaitIdle}), count the wakes handed to it
 * ({@link #wakes}: each is a system call on a real platform) and see whether it was closed. For
 * tests of a real platform (its clocks, its yield) under the real loop.
 */
public interface WatchedPlatform extends Platform {

    /** {@code inner}, watched. */
    static WatchedPlatform of(Platform inner) {
        return new WatchingPlatform(inner);
    }

    /** Waits until a yield without a deadline has begun (the loop has nothing to do). */
    void awaitIdle() throws InterruptedException;

    /** Whether {@link #close} was called. */
    boolean closed();

    /** How many times {@link #wake} has been called so far. */
    long wakes();
}
