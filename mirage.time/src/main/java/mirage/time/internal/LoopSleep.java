package mirage.time.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import mirage.core.spi.EventLoop;
import mirage.time.Sleep;

/** Sleep as a loop timer that completes a future the sleeping thread waits on. */
public final class LoopSleep implements Sleep {
    private final EventLoop loop;

    public LoopSleep(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (loop.inLoop()) {
            throw new IllegalStateException("sleep on the event loop's thread would stall it");
        }
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        long now = loop.now();
        long deadline = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
        CompletableFuture<Void> done = new CompletableFuture<>();
        EventLoop.Timer timer = loop.schedule(deadline, new Wake(done));
        try {
            done.get();
        } catch (InterruptedException e) {
            timer.cancel();
            throw e;
        } catch (ExecutionException e) {
            throw new AssertionError("the timer completes normally", e);
        }
    }

    /** Completes the sleeper's future on the loop. A class rather than a lambda, for start-up. */
    private record Wake(CompletableFuture<Void> done) implements Runnable {
        @Override
        public void run() {
            done.complete(null);
        }
    }
}
