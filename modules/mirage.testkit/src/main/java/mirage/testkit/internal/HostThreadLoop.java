package mirage.testkit.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import mirage.testkit.HostLoop;

/** {@link HostLoop}: a one-thread scheduled executor. */
public final class HostThreadLoop implements HostLoop {
    private volatile Thread thread;
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = Thread.ofPlatform().daemon().name("testkit-host-loop").unstarted(r);
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
        if (inLoop()) {
            throw new IllegalStateException("sleepUntil on the loop's own thread would stall it");
        }
        for (long left = deadlineNanos - now(); left > 0; left = deadlineNanos - now()) {
            LockSupport.parkNanos(left);
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
