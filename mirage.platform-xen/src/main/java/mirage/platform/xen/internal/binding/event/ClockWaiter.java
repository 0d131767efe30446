package mirage.platform.xen.internal.binding.event;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import mirage.core.spi.EventLoop;

/**
 * A permit for one waiting thread at a time, on a real clock: {@link #await} parks until
 * {@link #signal} or the clock reaches the deadline. What a domain on the real clock blocks on.
 */
public final class ClockWaiter implements EventLoop.Waiter {
    private final LongSupplier clock;
    private final AtomicBoolean permit = new AtomicBoolean();
    private volatile Thread waiting;

    /** @param clock monotonic nanoseconds, the clock deadlines are given in */
    public ClockWaiter(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public boolean await(long deadlineNanos) throws InterruptedException {
        waiting = Thread.currentThread();
        try {
            while (!permit.getAndSet(false)) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (deadlineNanos == Long.MAX_VALUE) {
                    LockSupport.park(this);
                    continue;
                }
                long now = clock.getAsLong();
                if (deadlineNanos <= now) {
                    return false;
                }
                LockSupport.parkNanos(this, deadlineNanos - now);
            }
            return true;
        } finally {
            waiting = null;
        }
    }

    @Override
    public void signal() {
        permit.set(true);
        Thread t = waiting;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
