package mirage.platform.xen.internal.binding.xenstore;

import java.util.ArrayDeque;
import mirage.platform.xen.internal.binding.event.Blocker;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.engine.ByteRing;
import mirage.platform.xen.internal.engine.xenstore.XsFramer;
import mirage.platform.xen.internal.hypervisor.Hypervisor;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.hypervisor.StartInfo;
import mirage.platform.xen.internal.wire.ByteRingLayout;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.XsFormatException;
import mirage.platform.xen.internal.wire.XsMessage;

/**
 * A guest's xenstore transport: the ring page and port of its start info. Requests are
 * written to {@code req} (what does not fit waits for xenstored to consume); replies and
 * events are read from {@code rsp} when the port fires, on the domain's event thread.
 */
public final class XenstoreRing implements XenstoreClient.Transport {
    private final Hypervisor hv;
    private final DomainEvents events;
    private final int port;
    private final ByteRing req;
    private final ByteRing rsp;
    private final XsFramer framer = new XsFramer();
    private final byte[] chunk = new byte[ByteRingLayout.XENSTORE_RING_SIZE];
    private final ArrayDeque<byte[]> out = new ArrayDeque<>();
    private final XenstoreClient client;
    private final java.lang.foreign.MemorySegment page;
    private int outOffset;
    private boolean failed;

    private XenstoreRing(Hypervisor hv, DomainEvents events, StartInfo start, XenstoreClient client) {
        this.hv = hv;
        this.events = events;
        this.port = start.storePort();
        this.page = start.store();
        this.req = new ByteRing(start.store(), ByteRingLayout.XENSTORE_REQ);
        this.rsp = new ByteRing(start.store(), ByteRingLayout.XENSTORE_RSP);
        this.client = client;
    }

    /** A client over this domain's xenstore ring, its waits through {@code blocker}. */
    public static XenstoreClient connect(Hypervisor hv, DomainEvents events, Blocker blocker) {
        XenstoreClient client = new XenstoreClient(blocker);
        XenstoreRing ring = new XenstoreRing(hv, events, hv.startInfo(), client);
        client.transport(ring);
        events.bind(ring.port, ring::event);
        return client;
    }

    @Override
    public void send(XsMessage m) {
        synchronized (this) {
            if (failed) {
                return;
            }
            out.add(m.encode());
            if (!flush()) {
                return;
            }
        }
        kick();
    }

    /** Writes what fits; under this. Returns whether anything was written. */
    private boolean flush() {
        boolean wrote = false;
        while (!out.isEmpty()) {
            byte[] head = out.peek();
            int n = req.write(head, outOffset, head.length - outOffset);
            if (n <= 0) {
                if (n < 0) {
                    failed = true;
                }
                break;
            }
            wrote = true;
            outOffset += n;
            if (outOffset == head.length) {
                out.poll();
                outOffset = 0;
            }
        }
        return wrote;
    }

    private void kick() {
        try {
            hv.notify(port);
        } catch (HypervisorException e) {
            fail();
        }
    }

    /** The port's handler: replies and events in, then what waited for room out. */
    private long event(int ignored) {
        boolean kick = false;
        boolean lost = false;
        synchronized (this) {
            if (failed) {
                return 0;
            }
            if (Layouts.u32(page, ByteRingLayout.XENSTORE_ERROR) != 0) {
                failed = true;
                lost = true;
            }
        }
        int n;
        while (!lost && (n = readSome()) != 0) {
            if (n < 0) {
                lost = true;
                break;
            }
            kick = true;
            try {
                framer.feed(chunk, 0, n, client::deliver);
            } catch (XsFormatException e) {
                lost = true;
            }
        }
        synchronized (this) {
            if (!lost) {
                kick |= flush();
            }
        }
        if (lost) {
            fail();
        } else if (kick) {
            kick();
        }
        return 0;
    }

    private synchronized int readSome() {
        return rsp.read(chunk, 0, chunk.length);
    }

    private void fail() {
        synchronized (this) {
            failed = true;
            out.clear();
        }
        client.lost();
    }

    @Override
    public void close() {
        events.unbind(port);
        synchronized (this) {
            failed = true;
            out.clear();
        }
    }
}
