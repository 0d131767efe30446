package mirage.time.internal;

import java.time.Duration;
import java.util.Objects;
import mirage.core.spi.EventLoop;
import mirage.time.Sleep;

/** Sleep on an event loop's clock: the loop blocks the task (see {@link EventLoop#sleepUntil}). */
public final class LoopSleep implements Sleep {
    private final EventLoop loop;

    public LoopSleep(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        loop.sleepUntil(Durations.deadline(loop.now(), duration));
    }

    /** A waiter nobody signals, awaited with no deadline: no timer, only an interrupt ends it. */
    @Override
    public void forever() throws InterruptedException {
        EventLoop.Waiter never = loop.waiter();
        while (true) {
            never.await(Long.MAX_VALUE); // wake-ups carry no meaning: wait again
        }
    }
}
