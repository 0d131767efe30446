package mirage.platform.xen.internal.binding.event;

import mirage.platform.xen.internal.hypervisor.Hypervisor;

/**
 * A domain's event-channel dispatch: which handler each bound port runs. Whoever owns the
 * domain's event thread calls {@link #dispatch()} after an upcall (a guest platform's
 * {@code yield}, the control domain's loop, a simulation's loop action). Allocation-free.
 *
 * <p>{@link #bind} and {@link #unbind} from any thread; {@link #dispatch} on the event thread
 * only, and handlers run there.
 */
public final class DomainEvents {
    /** What a port's event does. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles an event on {@code port}; must not block.
         *
         * @return the set of device handles that got input (bit {@code h}), for a platform's
         *     {@code yield}; 0 for none
         */
        long event(int port);
    }

    private final Hypervisor hv;
    private final Handler[] handlers = new Handler[Hypervisor.NR_PORTS];
    private final int[] fired = new int[64];
    private long dispatched;

    public DomainEvents(Hypervisor hv) {
        this.hv = hv;
    }

    public Hypervisor hypervisor() {
        return hv;
    }

    /** Runs {@code handler} for events on {@code port}, replacing any other. */
    public void bind(int port, Handler handler) {
        synchronized (handlers) {
            handlers[port] = handler;
        }
    }

    /** Stops handling {@code port}; its events are dropped. */
    public void unbind(int port) {
        synchronized (handlers) {
            handlers[port] = null;
        }
    }

    /**
     * Takes the pending ports and runs their handlers until none is pending.
     *
     * @return the union of what the handlers returned
     */
    public long dispatch() {
        long ready = 0;
        int n;
        while ((n = hv.pendingPorts(fired)) > 0) {
            for (int i = 0; i < n; i++) {
                Handler h;
                synchronized (handlers) {
                    h = handlers[fired[i]];
                }
                if (h != null) {
                    dispatched++;
                    ready |= h.event(fired[i]);
                }
            }
        }
        return ready;
    }

    /** Events handled so far. */
    public long dispatched() {
        return dispatched;
    }
}
