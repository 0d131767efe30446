package mirage.testkit;

import java.util.List;
import mirage.core.spi.EventLoop;
import mirage.testkit.internal.ManualEventLoop;

/**
 * The test kit's event loop, on virtual time and driven by the test: nothing runs until the test
 * calls {@link #runPending} or {@link #advanceTo}, on its own thread, which is then the loop's
 * thread ({@link #inLoop}). {@link #sleepUntil} records the deadline and returns at once without
 * moving the clock (a task cannot block on a loop that no thread runs): the test reads
 * {@link #sleeps()} and moves time itself. For code that needs an {@link EventLoop} to hand work
 * to, without a platform; a whole unikernel on virtual time uses {@link VirtualPlatform} with the
 * real loop, or {@code mirage.time.Simulation}.
 */
public interface ManualLoop extends EventLoop {

    /** A loop whose clock stands at 0. */
    static ManualLoop create() {
        return new ManualEventLoop(0);
    }

    /** A loop whose clock stands at {@code now}. */
    static ManualLoop create(long now) {
        return new ManualEventLoop(now);
    }

    /** The deadlines {@link #sleepUntil} was called with, in order. */
    List<Long> sleeps();

    /** Runs the actions given to {@link #execute} (and those they give) and the timers due now; how many ran. */
    int runPending();

    /**
     * Moves the clock to {@code deadline} (never back), running the timers in deadline order as
     * their time comes and the actions given to {@link #execute} between them, on the calling
     * thread; how many actions and timers ran.
     */
    int advanceTo(long deadline);
}
