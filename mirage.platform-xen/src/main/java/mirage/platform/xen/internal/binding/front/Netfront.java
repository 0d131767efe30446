package mirage.platform.xen.internal.binding.front;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.platform.xen.internal.binding.NetCounters;
import mirage.platform.xen.internal.binding.xenstore.XenbusNode;
import mirage.platform.xen.internal.binding.xenstore.XenstoreException;
import mirage.platform.xen.internal.engine.FrontRing;
import mirage.platform.xen.internal.engine.Rings;
import mirage.platform.xen.internal.engine.xenbus.FrontendHandshake;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.hypervisor.Page;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.XenbusState;

/**
 * netfront: a guest's PV network device as a {@link mirage.net.Netif} (io/netif.h).
 *
 * <h2>Buffers</h2>
 * 256 receive pages are granted to the back end (writable) once and stay posted: the back end
 * copies each received packet into them ({@code feature-rx-copy}, the only receive mode
 * supported) and the front end reposts each page after delivering what it holds. 256 transmit
 * pages are granted read-only once; a frame is copied into as many of them as it needs (one
 * slot per page: scatter-gather, {@code NETTXF_more_data}) and they are freed when the back end
 * answers. Nothing is allocated per frame.
 *
 * <h2>Handshake</h2>
 * MAC and MTU come from the front end's xenstore directory (the MTU also from the back end's,
 * else 1500). At the back end's {@code InitWait} the front end reads its features, publishes
 * its rings, event channel, {@code request-rx-copy}, {@code feature-sg},
 * {@code feature-no-csum-offload} and goes {@code Connected} (as Linux's netfront); frames
 * flow once the back end is {@code Connected}. A back end that closes takes the device down
 * (frames sent meanwhile are dropped and counted) and, when it offers {@code InitWait} again,
 * the front end reconnects.
 *
 * <h2>Trust</h2>
 * Every response is checked: a receive response must be in the slot of its request (Linux's
 * rule) and lie inside its page; a transmit response must name a slot in flight; packets
 * longer than 64 KiB are dropped. Bad responses are counted as receive or transmit errors.
 * A back end that moves a ring's index beyond what it may makes the device fail for good:
 * sends then throw {@code DISCONNECTED}.
 *
 * <h2>Threading</h2>
 * {@link #send} from any thread (serialised by a lock); receiving on the domain's event thread.
 */
public final class Netfront implements mirage.net.Netif, Device {
    /** Receive slots, and pages posted. */
    public static final int RX_SLOTS = mirage.platform.xen.internal.wire.Netif.RX_RING_SIZE;
    /** Transmit slots, and pages. */
    public static final int TX_SLOTS = mirage.platform.xen.internal.wire.Netif.TX_RING_SIZE;
    /** The longest packet received: 64 KiB and an Ethernet header. */
    public static final int MAX_PACKET = 65_535 + HEADER_LENGTH;
    /**
     * The largest MTU: a frame, VLAN tag included, whose length fits a transmit request's 16-bit
     * size field (it then takes at most 17 slots, within the back end's minimum of 18).
     */
    public static final int MAX_MTU = 0xffff - HEADER_LENGTH - 4;

    private static final int PAGE = Layouts.PAGE_SIZE;

    private final FrontContext ctx;
    private final String name;
    private final int handle;
    private final int devid;
    private final XenbusNode node;
    private final String token;
    private final String backend;
    private final int backendId;
    private final MacAddress mac;
    private final int mtu;
    private final Page txRingPage;
    private final Page rxRingPage;
    private final int txRingRef;
    private final int rxRingRef;
    private final Page[] txPages = new Page[TX_SLOTS];
    private final Page[] rxPages = new Page[RX_SLOTS];
    private final int[] txRefs = new int[TX_SLOTS];
    private final int[] rxRefs = new int[RX_SLOTS];
    private final ByteBuffer[] txBuffers = new ByteBuffer[TX_SLOTS];
    private final ByteBuffer[] rxViews = new ByteBuffer[RX_SLOTS];
    private final int port;
    private final FrontendHandshake handshake = new FrontendHandshake(true);
    private final Object txLock = new Object();
    private final NetCounters counters = new NetCounters();
    private final ByteBuffer assembly = ByteBuffer.allocateDirect(MAX_PACKET + PAGE);
    private final ByteBuffer assemblyView = assembly.asReadOnlyBuffer();

    // guarded by txLock
    private FrontRing tx;
    private final int[] txFree = new int[TX_SLOTS];
    private int txFreeCount;
    private final boolean[] txInFlight = new boolean[TX_SLOTS];

    // the event thread's
    private FrontRing rx;
    private int assembled = -1;
    private boolean assemblyBad;
    private boolean skippingExtra;
    private boolean publishing;

    private volatile boolean txOpen;
    private volatile boolean closed;
    private volatile String failure;
    private volatile FrameReceiver receiver;

    private Netfront(FrontContext ctx, String name, int handle, int devid, String dir, String backend, int backendId,
            MacAddress mac, int mtu) throws HypervisorException {
        this.ctx = ctx;
        this.name = name;
        this.handle = handle;
        this.devid = devid;
        this.node = new XenbusNode(ctx.xs(), dir);
        this.token = XenbusNode.token(getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "/" + dir);
        this.backend = backend;
        this.backendId = backendId;
        this.mac = mac;
        this.mtu = mtu;
        var hv = ctx.hv();
        txRingPage = hv.allocatePage();
        rxRingPage = hv.allocatePage();
        txRingRef = hv.grantAccess(backendId, txRingPage, false);
        rxRingRef = hv.grantAccess(backendId, rxRingPage, false);
        for (int i = 0; i < TX_SLOTS; i++) {
            txPages[i] = hv.allocatePage();
            txRefs[i] = hv.grantAccess(backendId, txPages[i], true);
            txBuffers[i] = txPages[i].memory().asByteBuffer();
        }
        for (int i = 0; i < RX_SLOTS; i++) {
            rxPages[i] = hv.allocatePage();
            rxRefs[i] = hv.grantAccess(backendId, rxPages[i], false);
            rxViews[i] = rxPages[i].memory().asByteBuffer().asReadOnlyBuffer();
        }
        port = hv.allocUnbound(backendId);
    }

    /**
     * Connects device {@code devid} ({@code device/vif/<devid>}) and waits, until
     * {@code timeout}, for the back end to be connected.
     *
     * @param handle the device's handle in the platform's ready set
     * @throws XenDeviceException naming what is missing, malformed or refused, or the state the
     *     handshake was left in at the deadline
     */
    public static Netfront open(FrontContext ctx, String name, int handle, int devid, Duration timeout)
            throws XenDeviceException, InterruptedException {
        String dir = ctx.deviceDir("vif", devid);
        String backend;
        int backendId;
        MacAddress mac;
        int mtu;
        try {
            backend = required(ctx, dir + "/backend");
            backendId = (int) domid(required(ctx, dir + "/backend-id"), dir + "/backend-id");
            String macText = required(ctx, dir + "/mac");
            try {
                mac = MacAddress.parse(macText);
            } catch (IllegalArgumentException e) {
                throw new XenDeviceException(dir + "/mac is not a MAC address: " + e.getMessage());
            }
            if (!mac.isUnicast()) {
                throw new XenDeviceException(dir + "/mac " + mac + " is multicast; an interface needs a unicast address");
            }
            String mtuText = ctx.xs().readOrNull(dir + "/mtu");
            if (mtuText == null) {
                mtuText = ctx.xs().readOrNull(backend + "/mtu");
            }
            long m = mtuText == null ? 1500 : XenbusNode.number(mtuText.strip());
            if (m < 68 || m > MAX_MTU) {
                throw new XenDeviceException("MTU '" + mtuText + "' of vif " + devid + " is not a number from 68 to " + MAX_MTU);
            }
            mtu = (int) m;
        } catch (XenstoreException e) {
            throw new XenDeviceException("cannot read vif " + devid + "'s xenstore nodes: " + e.getMessage(), e);
        }
        Netfront nf;
        try {
            nf = new Netfront(ctx, name, handle, devid, dir, backend, backendId, mac, mtu);
        } catch (HypervisorException e) {
            throw new XenDeviceException("cannot set up vif " + devid + ": " + e.getMessage(), e);
        }
        ctx.events().bind(nf.port, nf::event);
        nf.node.watchState(backend + "/state", nf.token(), nf::backendState);
        long deadline = ctx.blocker().now() + timeout.toNanos();
        if (!ctx.blocker().await(() -> nf.txOpen || nf.failure != null, deadline)) {
            nf.close();
            throw new XenDeviceException("vif " + devid + ": the back end " + backend + " did not connect within " + timeout
                    + " (front end " + nf.handshake.state() + ")");
        }
        if (nf.failure != null) {
            nf.close();
            throw new XenDeviceException("vif " + devid + ": " + nf.failure);
        }
        return nf;
    }

    private static String required(FrontContext ctx, String path) throws XenstoreException, XenDeviceException {
        String v = ctx.xs().readOrNull(path);
        if (v == null) {
            throw new XenDeviceException("xenstore node " + path + " is missing: the toolstack writes it");
        }
        return v;
    }

    private static long domid(String text, String what) throws XenDeviceException {
        long d = XenbusNode.number(text);
        if (d < 0 || d > 0x7fef) {
            throw new XenDeviceException(what + " '" + text + "' is not a domain id");
        }
        return d;
    }

    private String token() {
        return token;
    }

    // ------------------------------------------------------------------ handshake (event thread)

    private void backendState(XenbusState state) {
        if (closed) {
            return;
        }
        switch (handshake.backendChanged(state)) {
            case PUBLISH -> publish();
            case REINITIALISE -> {
                node.state(XenbusState.INITIALISING); // as Linux's front ends do, so that its back ends reconnect
                publish();
            }
            case CONNECT -> {
                handshake.connected();
                txOpen = true;
                ctx.blocker().signalAll();
            }
            case PAUSE -> txOpen = false;
            case RESUME -> txOpen = true;
            case CLOSE -> {
                down();
                FrontStates.closeOut(node, handshake);
            }
            case WAIT -> { }
        }
    }

    /** Reads the back end's features, then sets up fresh rings and publishes them. */
    private void publish() {
        if (publishing) {
            return;
        }
        publishing = true;
        node.read(List.of(backend + "/feature-rx-copy", backend + "/feature-sg"), f -> {
            publishing = false;
            if (closed) {
                return;
            }
            if (!"1".equals(f.get(backend + "/feature-rx-copy"))) {
                fail("the back end lacks feature-rx-copy (page flipping is not supported)");
                return;
            }
            initRings();
            node.write("tx-ring-ref", Integer.toString(txRingRef));
            node.write("rx-ring-ref", Integer.toString(rxRingRef));
            node.write("event-channel", Integer.toString(port));
            node.write("request-rx-copy", "1");
            node.write("feature-rx-notify", "1");
            node.write("feature-sg", "1");
            node.write("feature-no-csum-offload", "1");
            handshake.published();
            node.state(handshake.state());
        });
    }

    /** Fresh rings: both initialised, every receive page posted. */
    private void initRings() {
        synchronized (txLock) {
            tx = FrontRing.init(txRingPage.memory(), mirage.platform.xen.internal.wire.Netif.TX_ENTRY);
            txFreeCount = 0;
            for (int i = TX_SLOTS - 1; i >= 0; i--) {
                txFree[txFreeCount++] = i;
                txInFlight[i] = false;
            }
        }
        rx = FrontRing.init(rxRingPage.memory(), mirage.platform.xen.internal.wire.Netif.RX_ENTRY);
        MemorySegment ring = rx.memory();
        for (int i = 0; i < RX_SLOTS; i++) {
            long at = rx.nextRequest();
            mirage.platform.xen.internal.wire.Netif.rxRequest(ring, at, i, rxRefs[i]);
        }
        rx.pushRequests();
        assembled = -1;
        skippingExtra = false;
    }

    /** Stops using the rings: sends drop, nothing is received. */
    private void down() {
        synchronized (txLock) {
            txOpen = false;
            tx = null;
        }
        rx = null;
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
            ctx.log().accept("netfront " + name + " (vif " + devid + "): " + why);
        }
        if (handshake.state() != XenbusState.CLOSED) {
            down();
            handshake.close();
            FrontStates.closeOut(node, handshake);
        }
        ctx.blocker().signalAll();
    }

    // ------------------------------------------------------------------ receive (event thread)

    private long event(int ignored) {
        FrontRing r = rx;
        if (r == null || failure != null) {
            return 0;
        }
        boolean got = false;
        do {
            int n = r.unconsumedResponses();
            if (n == Rings.OVERFLOW) {
                fail("the back end moved the receive ring's producer beyond the requests posted");
                return 0;
            }
            for (int i = 0; i < n; i++) {
                got |= receiveOne(r);
            }
            if (n > 0 && r.pushRequests()) {
                notifyBackend();
            }
        } while (r.finalCheckForResponses());
        reclaim();
        return got ? 1L << handle : 0;
    }

    /** Consumes one receive response, delivers a completed packet, reposts the page. */
    private boolean receiveOne(FrontRing r) {
        int index = r.responseConsumer();
        long at = r.takeResponse();
        MemorySegment ring = r.memory();
        int slot = index & (RX_SLOTS - 1);
        int id = Layouts.u16(ring, at + mirage.platform.xen.internal.wire.Netif.RX_RSP_ID);
        int offset = Layouts.u16(ring, at + mirage.platform.xen.internal.wire.Netif.RX_RSP_OFFSET);
        int flags = Layouts.u16(ring, at + mirage.platform.xen.internal.wire.Netif.RX_RSP_FLAGS);
        int status = Layouts.s16(ring, at + mirage.platform.xen.internal.wire.Netif.RX_RSP_STATUS);
        boolean delivered = false;
        if (skippingExtra) {
            // an extra-info slot overlaying this response (not negotiated: the packet is dropped)
            skippingExtra = (Layouts.u8(ring, at + 1) & mirage.platform.xen.internal.wire.Netif.EXTRA_FLAG_MORE) != 0;
        } else {
            boolean more = (flags & mirage.platform.xen.internal.wire.Netif.NETRXF_MORE_DATA) != 0;
            if ((flags & mirage.platform.xen.internal.wire.Netif.NETRXF_EXTRA_INFO) != 0) {
                skippingExtra = true;
                assemblyBad = true;
            }
            boolean bad = id != slot || status < 0 || offset + status > PAGE;
            if (bad) {
                assemblyBad = true;
                if (status == mirage.platform.xen.internal.wire.Netif.RSP_DROPPED && id == slot) {
                    counters.rxDropped();
                    assemblyBad = false;
                    assembled = -1;
                    repost(r, slot);
                    return false;
                }
            }
            if (!more && assembled < 0 && !assemblyBad) {
                delivered = deliver(rxViews[slot], offset, status);
            } else {
                if (assembled < 0) {
                    assembled = 0;
                }
                if (!assemblyBad && assembled + status <= MAX_PACKET) {
                    assembly.put(assembled, rxViews[slot], offset, status);
                    assembled += status;
                } else {
                    assemblyBad = true;
                }
                if (!more) {
                    if (assemblyBad) {
                        counters.rxError();
                    } else {
                        delivered = deliver(assemblyView, 0, assembled);
                    }
                    assembled = -1;
                    assemblyBad = false;
                }
            }
            if (!more && !skippingExtra && assemblyBad) {
                counters.rxError();
                assemblyBad = false;
                assembled = -1;
            }
        }
        repost(r, slot);
        return delivered;
    }

    private void repost(FrontRing r, int slot) {
        long at = r.nextRequest();
        int id = (r.requestProducer() - 1) & (RX_SLOTS - 1);
        mirage.platform.xen.internal.wire.Netif.rxRequest(r.memory(), at, id, rxRefs[id]);
    }

    private boolean deliver(ByteBuffer from, int offset, int length) {
        if (length < HEADER_LENGTH || length > MAX_PACKET) {
            counters.rxError();
            return false;
        }
        FrameReceiver rcv = receiver;
        if (rcv == null || closed) {
            counters.rxDropped();
            return false;
        }
        from.limit(offset + length).position(offset);
        try {
            rcv.receive(from);
        } catch (RuntimeException e) {
            counters.rxDropped();
            ctx.log().accept("netfront " + name + ": receiver failed: " + e);
            return false;
        }
        counters.rx(length);
        return true;
    }

    // ------------------------------------------------------------------ transmit

    @Override
    public void send(ByteBuffer frame) throws NetException {
        int length = frame.remaining();
        if (length < HEADER_LENGTH) {
            throw new IllegalArgumentException("a frame has at least " + HEADER_LENGTH + " bytes, not " + length);
        }
        int pos = frame.position();
        boolean tagged = (frame.get(pos + 12) & 0xff) == 0x81 && frame.get(pos + 13) == 0;
        if (length > mtu + HEADER_LENGTH + (tagged ? 4 : 0)) {
            throw new NetException(NetException.Reason.MESSAGE_TOO_LONG, "frame of " + length + " bytes exceeds MTU " + mtu
                    + " on " + name);
        }
        if (closed || failure != null) {
            throw new NetException(NetException.Reason.DISCONNECTED, "net device " + name + " is "
                    + (closed ? "closed" : "failed: " + failure));
        }
        boolean notify;
        synchronized (txLock) {
            FrontRing t = tx;
            if (!txOpen || t == null) {
                counters.txDropped();
                return;
            }
            reclaimLocked(t);
            int slots = (length + PAGE - 1) / PAGE;
            if (txFreeCount < slots || t.freeRequests() < slots) {
                counters.txDropped();
                return;
            }
            MemorySegment ring = t.memory();
            for (int s = 0; s < slots; s++) {
                int id = txFree[--txFreeCount];
                int chunk = Math.min(PAGE, length - s * PAGE);
                txBuffers[id].put(0, frame, pos + s * PAGE, chunk);
                txInFlight[id] = true;
                long at = t.nextRequest();
                int flags = s < slots - 1 ? mirage.platform.xen.internal.wire.Netif.NETTXF_MORE_DATA : 0;
                mirage.platform.xen.internal.wire.Netif.txRequest(ring, at, txRefs[id], 0, flags, id, s == 0 ? length : chunk);
            }
            counters.tx(length);
            notify = t.pushRequests();
        }
        if (notify) {
            notifyBackend();
        }
    }

    private void reclaim() {
        synchronized (txLock) {
            FrontRing t = tx;
            if (t != null) {
                reclaimLocked(t);
            }
        }
    }

    /** Frees the slots the back end answered. Under {@link #txLock}. */
    private void reclaimLocked(FrontRing t) {
        int n = t.unconsumedResponses();
        if (n == Rings.OVERFLOW) {
            txOpen = false;
            failure = "the back end moved the transmit ring's producer beyond the requests sent";
            ctx.log().accept("netfront " + name + " (vif " + devid + "): " + failure);
            return;
        }
        MemorySegment ring = t.memory();
        for (int i = 0; i < n; i++) {
            long at = t.takeResponse();
            int id = Layouts.u16(ring, at + mirage.platform.xen.internal.wire.Netif.TX_RSP_ID);
            int status = Layouts.s16(ring, at + mirage.platform.xen.internal.wire.Netif.TX_RSP_STATUS);
            if (status == mirage.platform.xen.internal.wire.Netif.RSP_NULL) {
                continue;
            }
            if (id >= TX_SLOTS || !txInFlight[id]) {
                counters.txError();
                continue;
            }
            txInFlight[id] = false;
            txFree[txFreeCount++] = id;
            if (status == mirage.platform.xen.internal.wire.Netif.RSP_ERROR) {
                counters.txError();
            } else if (status == mirage.platform.xen.internal.wire.Netif.RSP_DROPPED) {
                counters.txDropped();
            }
        }
    }

    private void notifyBackend() {
        try {
            ctx.hv().notify(port);
        } catch (HypervisorException e) {
            // the port is gone: the device is closing
        }
    }

    // ------------------------------------------------------------------ Netif, Device

    @Override
    public MacAddress mac() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void listen(FrameReceiver receiver) {
        this.receiver = java.util.Objects.requireNonNull(receiver, "receiver");
    }

    @Override
    public Stats stats() {
        return counters.snapshot();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeviceKind kind() {
        return DeviceKind.NET_BASIC;
    }

    @Override
    public int handle() {
        return handle;
    }

    /** The front end's published state (for tests). */
    public XenbusState frontendState() {
        return handshake.state();
    }

    /** Whether frames flow now. */
    public boolean connected() {
        return txOpen;
    }

    /** Why the device failed for good, or null. */
    public String failure() {
        return failure;
    }

    /** The event channel (for tests). */
    public int port() {
        return port;
    }

    /**
     * Closes the device: the front end publishes Closing and Closed, stops using its rings and
     * leaves its port. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        down();
        node.unwatch(backend + "/state", token());
        if (handshake.state() != XenbusState.CLOSED) {
            handshake.close();
            FrontStates.closeOut(node, handshake);
        }
        ctx.events().unbind(port);
        ctx.hv().close(port);
        ctx.blocker().signalAll();
    }

    @Override
    public String toString() {
        return "netfront " + name + " (vif " + devid + ", " + mac + ", back end " + backend + ")";
    }
}
