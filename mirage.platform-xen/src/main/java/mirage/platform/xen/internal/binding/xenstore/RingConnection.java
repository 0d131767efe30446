package mirage.platform.xen.internal.binding.xenstore;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.engine.ByteRing;
import mirage.platform.xen.internal.engine.xenstore.XsFramer;
import mirage.platform.xen.internal.engine.xenstore.XsServer;
import mirage.platform.xen.internal.hypervisor.Hypervisor;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.wire.ByteRingLayout;
import mirage.platform.xen.internal.wire.GrantEntryV1;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;

/**
 * xenstored's end of one domain's xenstore ring: the page mapped through grant
 * {@code GNTTAB_RESERVED_XENSTORE}, the domain's port bound. Requests are read from the
 * {@code req} ring as they arrive; replies and watch events are written to {@code rsp}, and
 * what does not fit waits until the guest consumes. A guest that moves an index further than
 * the ring holds, or announces a payload over the limit, gets the {@code error} field set
 * ({@code XENSTORE_ERROR_RINGIDX}, {@code _PROTO}) and is no longer served.
 *
 * <p>All methods run under the service's lock.
 */
final class RingConnection {
    /** Replies and events queued for a guest that does not read, at most. */
    static final int MAX_QUEUED = 256 * 1024;

    private final XenstoreService service;
    private final Hypervisor dom0;
    private final DomainEvents events;
    private final int domid;
    private final MemorySegment page;
    private final int port;
    private final ByteRing req;
    private final ByteRing rsp;
    private final XsFramer framer = new XsFramer();
    private final XsServer.Connection connection;
    private final ArrayDeque<byte[]> queued = new ArrayDeque<>();
    private int queuedBytes;
    private int queuedOffset;
    private final byte[] chunk = new byte[ByteRingLayout.XENSTORE_RING_SIZE];
    private boolean broken;
    private boolean closed;

    private RingConnection(XenstoreService service, Hypervisor dom0, DomainEvents events, int domid, MemorySegment page,
            int port) {
        this.service = service;
        this.dom0 = dom0;
        this.events = events;
        this.domid = domid;
        this.page = page;
        this.port = port;
        this.req = new ByteRing(page, ByteRingLayout.XENSTORE_REQ);
        this.rsp = new ByteRing(page, ByteRingLayout.XENSTORE_RSP);
        this.connection = service.connect(domid, this::send);
    }

    /** Maps {@code domid}'s ring and binds to its port {@code remotePort}. Under the service lock. */
    static RingConnection open(XenstoreService service, Hypervisor dom0, DomainEvents events, int domid, int remotePort)
            throws HypervisorException {
        MemorySegment page = dom0.mapGrant(domid, GrantEntryV1.RESERVED_XENSTORE, true);
        int port;
        try {
            port = dom0.bindInterdomain(domid, remotePort);
        } catch (HypervisorException e) {
            dom0.unmapGrant(domid, GrantEntryV1.RESERVED_XENSTORE, true);
            throw e;
        }
        Layouts.u32(page, ByteRingLayout.XENSTORE_SERVER_FEATURES, ByteRingLayout.XENSTORE_FEATURE_ERROR);
        RingConnection r = new RingConnection(service, dom0, events, domid, page, port);
        events.bind(port, r::event);
        return r;
    }

    /** The port's handler: on the control domain's event thread. */
    private long event(int ignored) {
        synchronized (service) {
            if (closed || broken) {
                return 0;
            }
            boolean consumed = false;
            int n;
            while ((n = req.read(chunk, 0, chunk.length)) > 0) {
                consumed = true;
                try {
                    framer.feed(chunk, 0, n, m -> connection.receive(m));
                } catch (XsFormatException e) {
                    fail(ByteRingLayout.XENSTORE_ERROR_PROTO);
                    return 0;
                }
                if (closed || broken) {
                    return 0;
                }
            }
            if (n < 0) {
                fail(ByteRingLayout.XENSTORE_ERROR_RINGIDX);
                return 0;
            }
            boolean wrote = flush();
            if (consumed || wrote) {
                kick();
            }
        }
        return 0;
    }

    /** The connection's output: a reply or event for the guest. */
    private void send(XsMessage m) {
        if (closed || broken) {
            return;
        }
        if (queuedBytes + m.size() > MAX_QUEUED) {
            // a guest that never reads its replies: stop serving it rather than grow without bound
            fail(ByteRingLayout.XENSTORE_ERROR_COMM);
            return;
        }
        queued.add(m.encode());
        queuedBytes += m.size();
        if (flush()) {
            kick();
        }
    }

    /** Writes queued bytes into the response ring while it has room; returns whether any were written. */
    private boolean flush() {
        boolean wrote = false;
        while (!queued.isEmpty()) {
            byte[] head = queued.peek();
            int n = rsp.write(head, queuedOffset, head.length - queuedOffset);
            if (n < 0) {
                fail(ByteRingLayout.XENSTORE_ERROR_RINGIDX);
                return wrote;
            }
            if (n == 0) {
                break;
            }
            wrote = true;
            queuedOffset += n;
            if (queuedOffset == head.length) {
                queued.poll();
                queuedBytes -= head.length;
                queuedOffset = 0;
            }
        }
        return wrote;
    }

    private void kick() {
        try {
            dom0.notify(port);
        } catch (HypervisorException e) {
            closed = true;
        }
    }

    private void fail(int error) {
        broken = true;
        Layouts.u32(page, ByteRingLayout.XENSTORE_ERROR, error);
        queued.clear();
        kick();
    }

    int domid() {
        return domid;
    }

    /** Leaves the ring: port closed, page unmapped, the server connection dropped. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.unbind(port);
        dom0.close(port);
        dom0.unmapGrant(domid, GrantEntryV1.RESERVED_XENSTORE, true);
        service.disconnect(connection);
    }
}
