package mirage.net.internal.host;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import mirage.core.spi.EventLoop;

/** An event loop on one platform thread of the host, on its monotonic clock: for tests with real sockets. */
final class ThreadLoop implements EventLoop, AutoCloseable {
    private volatile Thread thread;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = Thread.ofPlatform().daemon().name("test-loop").unstarted(r);
        thread = t;
        return t;
    });

    @Override
    public long now() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable action) {
        executor.execute(action);
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable action) {
        ScheduledFuture<?> f = executor.schedule(action, deadlineNanos - now(), TimeUnit.NANOSECONDS);
        return new Timer() {
            @Override
            public long deadline() {
                return deadlineNanos;
            }

            @Override
            public boolean cancel() {
                return f.cancel(false);
            }
        };
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        while (now() < deadlineNanos) {
            LockSupport.parkNanos(deadlineNanos - now());
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
