package mirage.platform.xen.internal.binding.event;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import mirage.core.spi.EventLoop;

/**
 * How a domain's code waits for something its event handlers will bring about (a xenstore
 * reply, a block response, a free ring slot). On the domain's event thread a wait cannot park,
 * or no handler would run: it pumps instead (the {@link Pump}: wait for an upcall, dispatch).
 * On any other thread (an application task) it waits on an {@link EventLoop.Waiter} that
 * {@link #signalAll()} wakes: a parking one on the real clock, a simulation's on virtual time.
 *
 * <p>Thread-safe.
 */
public final class Blocker {
    /** Runs the domain's events on the calling (event) thread until a deadline. */
    @FunctionalInterface
    public interface Pump {
        /** Waits for an upcall or the deadline, then dispatches what is pending. */
        void pumpOnce(long deadlineNanos) throws InterruptedException;
    }

    private final LongSupplier clock;
    private final Supplier<EventLoop.Waiter> waiters;
    private final Pump pump;
    private volatile Thread eventThread;
    private final List<EventLoop.Waiter> waiting = new ArrayList<>();

    /**
     * @param clock the domain's monotonic clock, the one deadlines are given in
     * @param waiters makes a waiter for a thread that is not the event thread
     * @param pump how the event thread waits; null if the event thread must never wait (a
     *     simulation's loop)
     */
    public Blocker(LongSupplier clock, Supplier<EventLoop.Waiter> waiters, Pump pump) {
        this.clock = clock;
        this.waiters = waiters;
        this.pump = pump;
    }

    /** Declares the calling thread the domain's event thread (where handlers run). */
    public void eventThreadIsCurrent() {
        eventThread = Thread.currentThread();
    }

    /** Whether the calling thread is the event thread. */
    public boolean onEventThread() {
        return Thread.currentThread() == eventThread;
    }

    public long now() {
        return clock.getAsLong();
    }

    /**
     * Waits until {@code done} holds or the clock reaches {@code deadlineNanos}.
     *
     * @return whether {@code done} holds
     * @throws InterruptedException if interrupted
     * @throws IllegalStateException on an event thread that cannot pump
     */
    public boolean await(BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        if (done.getAsBoolean()) {
            return true;
        }
        if (onEventThread()) {
            if (pump == null) {
                throw new IllegalStateException("blocking on the domain's event thread would stall it");
            }
            while (!done.getAsBoolean()) {
                if (clock.getAsLong() >= deadlineNanos) {
                    return false;
                }
                pump.pumpOnce(deadlineNanos);
            }
            return true;
        }
        EventLoop.Waiter w = waiters.get();
        synchronized (waiting) {
            waiting.add(w);
        }
        try {
            while (!done.getAsBoolean()) {
                if (!w.await(deadlineNanos) && !done.getAsBoolean()) {
                    return false;
                }
            }
            return true;
        } finally {
            synchronized (waiting) {
                waiting.remove(w);
            }
        }
    }

    /** Wakes every waiter to look again; call after changing what they may wait for. Any thread. */
    public void signalAll() {
        synchronized (waiting) {
            for (int i = 0; i < waiting.size(); i++) {
                waiting.get(i).signal();
            }
        }
    }
}
