package mirage.platform.xen.internal.binding.event;

import java.util.concurrent.atomic.AtomicBoolean;
import mirage.core.spi.EventLoop;

/**
 * Runs a domain's event dispatch as an action of an {@link EventLoop} whenever an upcall is
 * raised, one pending action at a time: how a domain whose loop does not wait in the
 * hypervisor (a simulation's) gets its events. Install with {@link #install}.
 */
public final class LoopDispatcher implements Runnable {
    private final EventLoop loop;
    private final DomainEvents events;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable upcall = this::upcall;

    private LoopDispatcher(EventLoop loop, DomainEvents events) {
        this.loop = loop;
        this.events = events;
    }

    /** Makes {@code events}' domain dispatch on {@code loop} after each upcall. */
    public static LoopDispatcher install(EventLoop loop, DomainEvents events) {
        LoopDispatcher d = new LoopDispatcher(loop, events);
        events.hypervisor().onUpcall(d.upcall);
        return d;
    }

    private void upcall() {
        if (!scheduled.getAndSet(true)) {
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled.set(false);
        events.dispatch();
    }
}
