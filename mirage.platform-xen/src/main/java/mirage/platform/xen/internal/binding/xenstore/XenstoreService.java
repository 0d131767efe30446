package mirage.platform.xen.internal.binding.xenstore;

import java.util.HashMap;
import java.util.Map;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.hypervisor.Hypervisor;
import mirage.platform.xen.internal.wire.XsError;
import mirage.platform.xen.internal.wire.XsMessage;

/**
 * xenstored in the control domain: one {@link XsServer} behind one lock, reachable over each
 * introduced domain's ring ({@link RingConnection}), over a UNIX socket
 * ({@link XenstoreSocketServer}, what the {@code xenstore-*} tools connect to with
 * {@code XENSTORED_PATH}), and in-process by the control domain's own code
 * ({@link #connectLocal}).
 *
 * <p>Thread-safe: every call into the server holds this object's lock.
 */
public final class XenstoreService implements AutoCloseable {
    private final Hypervisor dom0;
    private final DomainEvents events;
    private final EventLoop loop;
    private final XsServer server;
    private final Map<Integer, RingConnection> rings = new HashMap<>();
    private boolean closed;

    /**
     * @param dom0 the control domain, where xenstored runs
     * @param events its event dispatch (ring connections bind their ports there)
     * @param loop its loop, where events for in-process clients are delivered
     */
    public XenstoreService(Hypervisor dom0, DomainEvents events, EventLoop loop, XsServer.Limits limits) {
        this.dom0 = dom0;
        this.events = events;
        this.loop = loop;
        this.server = new XsServer(new Domains(), limits);
    }

    /** Runs {@code action} on the server under the lock (for tests and introspection). */
    public synchronized <T> T inspect(java.util.function.Function<XsServer, T> action) {
        return action.apply(server);
    }

    /** A new server connection for {@code domid}, its output {@code out}; under the lock. */
    synchronized XsServer.Connection connect(int domid, XsServer.Output out) {
        return server.connect(domid, out);
    }

    /** Hands {@code m} to {@code c} under the lock. */
    synchronized void receive(XsServer.Connection c, XsMessage m) {
        if (!closed) {
            c.receive(m);
        }
    }

    /** Closes {@code c} under the lock. */
    synchronized void disconnect(XsServer.Connection c) {
        c.close();
    }

    /**
     * A client for the control domain's own code, connected in-process as domain 0: requests
     * are answered at once on the calling thread; watch events caused by other connections
     * are delivered on {@code loop}.
     */
    public XenstoreClient connectLocal() {
        return XenstoreClient.local(this, loop);
    }

    /** A client connected in-process as domain {@code domid} (tests of permissions). */
    public XenstoreClient connectLocal(int domid) {
        return XenstoreClient.local(this, loop, domid);
    }

    /** What INTRODUCE and RELEASE do: connect to or leave a domain's ring. Called under the lock. */
    private final class Domains implements XsServer.Domains {
        @Override
        public XsError introduce(int domid, long frame, int port) {
            try {
                RingConnection r = RingConnection.open(XenstoreService.this, dom0, events, domid, port);
                rings.put(domid, r);
                return null;
            } catch (mirage.platform.xen.internal.hypervisor.HypervisorException e) {
                return XsError.EINVAL;
            }
        }

        @Override
        public void release(int domid) {
            RingConnection r = rings.remove(domid);
            if (r != null) {
                r.close();
            }
        }
    }

    /** Stops serving every ring. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RingConnection r : rings.values()) {
            r.close();
        }
        rings.clear();
    }
}
