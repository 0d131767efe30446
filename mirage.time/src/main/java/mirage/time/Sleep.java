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

    /**
     * Blocks the calling task until it is interrupted: how a unikernel that serves until it is
     * stopped ends its {@code start} (MirageOS's {@code fst (Lwt.wait ())}). Unlike a
     * {@code CountDownLatch} that nobody counts down, it blocks through the loop, so that a
     * simulation runs the unikernel's other tasks on virtual time while it waits; on a loop
     * it arms no timer (the loop sees the unikernel idle).
     *
     * @throws InterruptedException when the task is interrupted (never returns otherwise)
     * @throws IllegalStateException if called on the event loop's thread
     */
    default void forever() throws InterruptedException {
        while (true) {
            sleep(Duration.ofDays(365));
        }
    }

    /** Sleeps by timers of {@code loop}. */
    static Sleep on(EventLoop loop) {
        return new LoopSleep(loop);
    }
}
