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
}
