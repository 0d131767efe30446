package mirage.time;

import java.time.Duration;
import mirage.core.spi.EventLoop;
import mirage.time.internal.LoopSleep;

/**
 * Suspends the calling virtual thread (MirageOS's {@code Mirage_sleep}). Thread-safe; must not
 * be called on the event loop's thread, which it would stall.
 */
public interface Sleep {

    /**
     * Returns once at least {@code duration} has passed on the loop's monotonic clock; at once
     * for a zero duration (a simulation may let other ready tasks run first).
     *
     * @throws InterruptedException if the thread is interrupted while sleeping; the timer is
     *     cancelled
     * @throws IllegalArgumentException if the duration is negative, or longer than
     *     {@link Long#MAX_VALUE} nanoseconds (about 292 years)
     * @throws IllegalStateException if called on the event loop's thread
     */
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps by timers of {@code loop}. */
    static Sleep on(EventLoop loop) {
        return new LoopSleep(loop);
    }
}
