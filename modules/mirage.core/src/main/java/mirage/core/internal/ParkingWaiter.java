package mirage.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import mirage.core.spi.EventLoop;

/**
 * {@link EventLoop.Waiter} for a loop on real threads: the task parks (cheaply, on a virtual
 * thread); a signal sets the permit and unparks it; a deadline is a loop timer that unparks it.
 */
public final class ParkingWaiter implements EventLoop.Waiter {
    private final EventLoop loop;
    private final AtomicBoolean permit = new AtomicBoolean();
    private volatile Thread waiting;

    public ParkingWaiter(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public boolean await(long deadlineNanos) throws InterruptedException {
        if (permit.getAndSet(false)) {
            return true;
        }
        if (loop.inLoop()) {
            throw new IllegalStateException("waiting on the event loop's thread would stall it");
        }
        Thread self = Thread.currentThread();
        waiting = self;
        EventLoop.Timer timer = deadlineNanos == Long.MAX_VALUE ? null : loop.schedule(deadlineNanos, () -> LockSupport.unpark(self));
        try {
            while (true) {
                if (permit.getAndSet(false)) {
                    return true;
                }
                if (deadlineNanos != Long.MAX_VALUE && loop.now() - deadlineNanos >= 0) {
                    return false;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LockSupport.park(this);
            }
        } finally {
            waiting = null;
            if (timer != null) {
                timer.cancel();
            }
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
