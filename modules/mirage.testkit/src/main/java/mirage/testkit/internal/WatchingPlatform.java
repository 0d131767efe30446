package mirage.testkit.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import mirage.core.ArgumentException;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.testkit.WatchedPlatform;

/** {@link WatchedPlatform}: forwards to the inner platform, counts down a latch on the first idle yield, counts wakes. */
public final class WatchingPlatform implements WatchedPlatform {
    private final Platform inner;
    private final CountDownLatch idle = new CountDownLatch(1);
    private volatile boolean closed;
    private final AtomicLong wakes = new AtomicLong();

    public WatchingPlatform(Platform inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** Waits until a yield without a deadline has begun (the loop has nothing to do). */
    @Override
    public void awaitIdle() throws InterruptedException {
        idle.await();
    }

    /** Whether {@link #close} was called. */
    @Override
    public boolean closed() {
        return closed;
    }

    @Override public String name() { return inner.name(); }
    @Override public Console console() { return inner.console(); }
    @Override public Entropy entropy() { return inner.entropy(); }
    @Override public long monotonicNanos() { return inner.monotonicNanos(); }
    @Override public long wallClockNanos() { return inner.wallClockNanos(); }
    @Override public Manifest manifest() { return inner.manifest(); }
    @Override public List<String> bind(List<String> argv) throws ArgumentException { return inner.bind(argv); }
    @Override public Optional<Device> device(String name) { return inner.device(name); }
    @Override
    public long wakes() {
        return wakes.get();
    }

    @Override
    public void wake() {
        wakes.incrementAndGet();
        inner.wake();
    }

    @Override
    public long yield(long deadlineNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            idle.countDown();
        }
        return inner.yield(deadlineNanos);
    }

    @Override
    public void close() {
        closed = true;
        inner.close();
    }
}
