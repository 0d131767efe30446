package mirage.core.internal;

import java.util.concurrent.locks.LockSupport;
import mirage.core.spi.EventLoop;

/**
 * {@link EventLoop#call}'s default: the action runs on the loop's thread while the caller parks
 * (cheaply, on a virtual thread) until the loop has run it.
 */
public final class Handoff<T, X extends Exception> implements Runnable {
    private final EventLoop.Action<T, X> action;
    private final Thread caller = Thread.currentThread();
    private volatile boolean done;
    private T result;
    private Throwable failure;

    private Handoff(EventLoop.Action<T, X> action) {
        this.action = action;
    }

    /** Runs {@code action} on {@code loop} (at once if on its thread) and returns its result. */
    public static <T, X extends Exception> T call(EventLoop loop, EventLoop.Action<T, X> action) throws X {
        if (loop.inLoop()) {
            return action.run();
        }
        Handoff<T, X> h = new Handoff<>(action);
        loop.execute(h);
        boolean interrupted = false;
        while (!h.done) {
            LockSupport.park(h);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = h.failure;
        if (f == null) {
            return h.result;
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        X x = (X) f; // action.run() declares only X besides unchecked exceptions
        throw x;
    }

    @Override
    public void run() {
        try {
            result = action.run();
        } catch (Throwable t) {
            failure = t;
        } finally {
            done = true;
            LockSupport.unpark(caller);
        }
    }
}
