package mirage.platform.xen.internal.binding.back;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.platform.xen.internal.binding.NetCounters;
import mirage.platform.xen.internal.binding.xenstore.XenbusNode;
import mirage.platform.xen.internal.engine.BackRing;
import mirage.platform.xen.internal.engine.Rings;
import mirage.platform.xen.internal.engine.xenbus.BackendHandshake;
import mirage.platform.xen.internal.hypervisor.HypervisorException;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.Netif;
import mirage.platform.xen.internal.wire.XenbusState;

/**
 * netback: the control domain's end of a guest's PV network device (io/netif.h), seen in the
 * control domain as a {@link mirage.net.Netif} (Linux's {@code vifD.N}): frames the guest
 * transmits are received here, frames sent here are the guest's received frames. Bridge it to
 * a host TAP, or run a stack on it.
 *
 * <h2>Protocol</h2>
 * Features published: {@code feature-sg}, {@code feature-rx-copy} (only copying receive).
 * At the front end's {@code Initialised} or {@code Connected} it maps both rings, binds the
 * event channel and goes {@code Connected}. Transmit requests are copied out of the guest's
 * grants ({@code GNTTABOP_copy}), a packet's slots together; receive requests are filled by
 * copying into the guest's grants, one slot per page (several only if the front end has
 * {@code feature-sg}). Nothing is allocated per frame.
 *
 * <h2>Trust</h2>
 * A front end is checked as Linux's netback checks it: a packet of more than
 * {@value #MAX_SLOTS} slots, a fragment crossing its page, sizes that do not add up, a grant
 * that does not permit the copy: the packet gets {@code NETIF_RSP_ERROR} and is dropped. A
 * ring index beyond the ring is fatal: the back end disconnects and closes.
 *
 * <h2>Threading</h2>
 * Handlers and the handshake run on the control domain's loop; {@link #send} from any thread
 * (one lock for the receive ring).
 */
public final class Netback implements mirage.net.Netif, AutoCloseable {
    /** Slots one transmitted packet may use: {@code XEN_NETIF_NR_SLOTS_MIN}. */
    public static final int MAX_SLOTS = Netif.NR_SLOTS_MIN;
    /** The longest packet accepted from a guest. */
    public static final int MAX_PACKET = 65_535 + HEADER_LENGTH;

    private static final int PAGE = Layouts.PAGE_SIZE;

    private final BackContext ctx;
    private final int guest;
    private final int devid;
    private final XenbusNode node;
    private final String token;
    private final MacAddress mac;
    private final int mtu;
    private final BackendHandshake handshake = new BackendHandshake();
    private final NetCounters counters = new NetCounters();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment txFrame = arena.allocate(MAX_PACKET + PAGE, 64);
    private final ByteBuffer txView = txFrame.asByteBuffer().asReadOnlyBuffer();
    private final MemorySegment rxStage = arena.allocate(MAX_PACKET + PAGE, 64);
    private final ByteBuffer rxStageBuffer = rxStage.asByteBuffer();
    private final Object rxLock = new Object();
    private final int[] fragId = new int[MAX_SLOTS + 8];
    private final int[] fragRef = new int[MAX_SLOTS + 8];
    private final int[] fragOff = new int[MAX_SLOTS + 8];
    private final int[] fragSize = new int[MAX_SLOTS + 8];

    private String frontend;
    private XenbusState frontendState;
    // connection, guarded by rxLock for the receive side
    private BackRing tx;
    private BackRing rx;
    private int txRingRef = -1;
    private int rxRingRef = -1;
    private int port = -1;
    private boolean frontSg;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile FrameReceiver receiver;

    private Netback(BackContext ctx, int guest, int devid, MacAddress mac, int mtu) {
        this.ctx = ctx;
        this.guest = guest;
        this.devid = devid;
        this.mac = mac;
        this.mtu = mtu;
        this.node = new XenbusNode(ctx.xs(), ctx.backendDir("vif", guest, devid));
        this.token = XenbusNode.token("netback/" + guest + "/" + devid);
    }

    /**
     * Starts the back end of {@code guest}'s vif {@code devid}, whose back-end directory the
     * toolstack wrote: publishes features and InitWait, then follows the front end.
     *
     * @param mac this interface's own address in the control domain
     */
    public static Netback start(BackContext ctx, int guest, int devid, MacAddress mac, int mtu) {
        Netback nb = new Netback(ctx, guest, devid, mac, mtu);
        nb.onLoop(nb::begin);
        return nb;
    }

    private void onLoop(Runnable r) {
        if (ctx.loop().inLoop()) {
            r.run();
        } else {
            ctx.loop().execute(r);
        }
    }

    private void begin() {
        node.read(List.of("frontend"), v -> {
            frontend = v.get("frontend");
            if (frontend == null) {
                ctx.log().accept(this + ": no frontend node in " + node.path());
                return;
            }
            publishFeatures();
            node.watchState(frontend + "/state", token(), s -> onLoop(() -> frontendChanged(s)));
        });
    }

    private String token() {
        return token;
    }

    private void publishFeatures() {
        node.write("feature-sg", "1");
        node.write("feature-rx-copy", "1");
        node.write("feature-rx-flip", "0");
        node.write("feature-gso-tcpv4", "0");
        node.write("mtu", Integer.toString(mtu));
        handshake.featuresPublished();
        node.state(handshake.state());
    }

    private void frontendChanged(XenbusState s) {
        frontendState = s;
        if (closed) {
            return;
        }
        switch (handshake.frontendChanged(s)) {
            case CONNECT -> connect();
            case DISCONNECT -> {
                disconnect();
                BackStates.disconnected(node, handshake, frontendState);
            }
            case CLOSED -> node.state(XenbusState.CLOSED);
            case REINITIALISE -> publishFeatures();
            case WAIT -> { }
        }
    }

    /** Reads the front end's transport, maps the rings, binds the port. */
    private void connect() {
        node.read(List.of(frontend + "/tx-ring-ref", frontend + "/rx-ring-ref", frontend + "/event-channel",
                frontend + "/request-rx-copy", frontend + "/feature-sg"), v -> onLoop(() -> {
                    if (closed || handshake.state() != XenbusState.INIT_WAIT) {
                        return;
                    }
                    long txRef = XenbusNode.number(v.get(frontend + "/tx-ring-ref"));
                    long rxRef = XenbusNode.number(v.get(frontend + "/rx-ring-ref"));
                    long evtchn = XenbusNode.number(v.get(frontend + "/event-channel"));
                    if (txRef < 0 || rxRef < 0 || evtchn <= 0 || txRef > Integer.MAX_VALUE || rxRef > Integer.MAX_VALUE
                            || evtchn > Integer.MAX_VALUE) {
                        fatal("the front end published no valid tx-ring-ref, rx-ring-ref and event-channel");
                        return;
                    }
                    if (!"1".equals(v.get(frontend + "/request-rx-copy"))) {
                        fatal("the front end did not request rx-copy (page flipping is not supported)");
                        return;
                    }
                    try {
                        MemorySegment txPage = ctx.hv().mapGrant(guest, (int) txRef, true);
                        txRingRef = (int) txRef;
                        MemorySegment rxPage = ctx.hv().mapGrant(guest, (int) rxRef, true);
                        rxRingRef = (int) rxRef;
                        port = ctx.hv().bindInterdomain(guest, (int) evtchn);
                        synchronized (rxLock) {
                            tx = BackRing.attach(txPage, Netif.TX_ENTRY);
                            rx = BackRing.attach(rxPage, Netif.RX_ENTRY);
                            frontSg = "1".equals(v.get(frontend + "/feature-sg"));
                        }
                    } catch (HypervisorException e) {
                        fatal("cannot connect to the front end's rings: " + e.getMessage());
                        return;
                    }
                    ctx.events().bind(port, this::event);
                    handshake.connected();
                    connected = true;
                    node.state(XenbusState.CONNECTED);
                    node.write("hotplug-status", "connected");
                    event(port);
                }));
    }

    /** Stops using the rings: unbinds the port, unmaps the rings. */
    private void disconnect() {
        synchronized (rxLock) {
            connected = false;
            tx = null;
            rx = null;
        }
        if (port > 0) {
            ctx.events().unbind(port);
            ctx.hv().close(port);
            port = -1;
        }
        if (txRingRef >= 0) {
            ctx.hv().unmapGrant(guest, txRingRef, true);
            txRingRef = -1;
        }
        if (rxRingRef >= 0) {
            ctx.hv().unmapGrant(guest, rxRingRef, true);
            rxRingRef = -1;
        }
    }

    /** A misbehaving front end: disconnect and close the device. */
    private void fatal(String why) {
        ctx.log().accept(this + ": " + why + "; disabling the device");
        handshake.close();
        disconnect();
        node.state(XenbusState.CLOSING);
        node.state(XenbusState.CLOSED);
    }

    // ------------------------------------------------------------------ guest transmit (loop)

    private long event(int ignored) {
        BackRing t = tx;
        if (t == null || !connected) {
            return 0;
        }
        boolean notify = false;
        do {
            while (true) {
                int n = t.unconsumedRequests();
                if (n == Rings.OVERFLOW) {
                    fatal("the front end moved the transmit ring's producer beyond the ring");
                    return 0;
                }
                int slots = packetSlots(t, n);
                if (slots <= 0) {
                    if (slots < 0) {
                        fatal("the front end sent a packet of more than " + MAX_SLOTS + " slots");
                        return 0;
                    }
                    break;
                }
                transmitPacket(t, slots);
            }
            notify |= t.pushResponses();
        } while (t.finalCheckForRequests() && tx == t);
        if (notify && port > 0) {
            kick();
        }
        return 0;
    }

    /**
     * Slots the next packet takes (first request, extras, fragments): 0 if they have not all
     * been published yet, -1 if more than {@link #MAX_SLOTS}.
     */
    private int packetSlots(BackRing t, int available) {
        if (available == 0) {
            return 0;
        }
        MemorySegment ring = t.memory();
        int k = 0;
        boolean more;
        boolean extra;
        {
            long at = t.peekRequest(0);
            int flags = Layouts.u16(ring, at + Netif.TX_REQ_FLAGS);
            more = (flags & Netif.NETTXF_MORE_DATA) != 0;
            extra = (flags & Netif.NETTXF_EXTRA_INFO) != 0;
        }
        k = 1;
        while (extra) {
            if (k >= available) {
                return 0;
            }
            extra = (Layouts.u8(ring, t.peekRequest(k) + Netif.EXTRA_FLAGS) & Netif.EXTRA_FLAG_MORE) != 0;
            k++;
            if (k > MAX_SLOTS + 4) {
                return -1;
            }
        }
        while (more) {
            if (k >= available) {
                return 0;
            }
            more = (Layouts.u16(ring, t.peekRequest(k) + Netif.TX_REQ_FLAGS) & Netif.NETTXF_MORE_DATA) != 0;
            k++;
            if (k > MAX_SLOTS + 4) {
                return -1;
            }
        }
        return k;
    }

    /** Consumes one packet's {@code slots} requests, copies it out, answers each slot, delivers it. */
    private void transmitPacket(BackRing t, int slots) {
        MemorySegment ring = t.memory();
        int frags = 0;
        int extras = 0;
        boolean bad = slots > MAX_SLOTS;
        int total = 0;
        boolean inExtras = false;
        for (int s = 0; s < slots; s++) {
            long at = t.takeRequest();
            if (s > 0 && inExtras) {
                // an extra-info slot: its own MORE flag says whether another follows
                inExtras = (Layouts.u8(ring, at + Netif.EXTRA_FLAGS) & Netif.EXTRA_FLAG_MORE) != 0;
                extras++;
                continue;
            }
            int flags = Layouts.u16(ring, at + Netif.TX_REQ_FLAGS);
            if (frags >= fragId.length) {
                bad = true;
                continue;
            }
            fragRef[frags] = Layouts.u32(ring, at + Netif.TX_REQ_GREF);
            fragOff[frags] = Layouts.u16(ring, at + Netif.TX_REQ_OFFSET);
            fragId[frags] = Layouts.u16(ring, at + Netif.TX_REQ_ID);
            fragSize[frags] = Layouts.u16(ring, at + Netif.TX_REQ_SIZE);
            if (s == 0) {
                total = fragSize[0];
                inExtras = (flags & Netif.NETTXF_EXTRA_INFO) != 0;
                if (inExtras) {
                    bad = true; // GSO and other extras are not negotiated
                }
            }
            frags++;
        }
        // sizes: the first request's size is the packet's; the others are their fragments'
        int rest = 0;
        for (int f = 1; f < frags; f++) {
            rest += fragSize[f];
        }
        int firstLength = total - rest;
        if (frags > 0) {
            fragSize[0] = firstLength;
        }
        if (total < HEADER_LENGTH || total > MAX_PACKET || firstLength < 0) {
            bad = true;
        }
        for (int f = 0; f < frags && !bad; f++) {
            if (fragOff[f] + fragSize[f] > PAGE) {
                bad = true;
            }
        }
        int at = 0;
        for (int f = 0; f < frags && !bad; f++) {
            try {
                ctx.hv().copyFromGrant(guest, fragRef[f], fragOff[f], txFrame, at, fragSize[f]);
            } catch (HypervisorException e) {
                bad = true;
            }
            at += fragSize[f];
        }
        int status = bad ? Netif.RSP_ERROR : Netif.RSP_OKAY;
        // one response per slot, in order: the first, the extras (NULL), the fragments
        for (int f = 0; f < frags; f++) {
            Netif.txResponse(ring, t.nextResponse(), fragId[f], status);
            if (f == 0) {
                for (int e = 0; e < extras; e++) {
                    Netif.txResponse(ring, t.nextResponse(), 0, Netif.RSP_NULL);
                }
            }
        }
        if (bad) {
            counters.rxError();
            return;
        }
        deliver(total);
    }

    private void deliver(int length) {
        FrameReceiver r = receiver;
        if (r == null || closed) {
            counters.rxDropped();
            return;
        }
        txView.limit(length).position(0);
        try {
            r.receive(txView);
        } catch (RuntimeException e) {
            counters.rxDropped();
            ctx.log().accept(this + ": receiver failed: " + e);
            return;
        }
        counters.rx(length);
    }

    private void kick() {
        try {
            ctx.hv().notify(port);
        } catch (HypervisorException e) {
            // disconnected meanwhile
        }
    }

    // ------------------------------------------------------------------ guest receive (any thread)

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
                    + " on " + this);
        }
        if (closed) {
            throw new NetException(NetException.Reason.DISCONNECTED, this + " is closed");
        }
        boolean notify;
        int p;
        synchronized (rxLock) {
            BackRing r = rx;
            if (!connected || r == null) {
                counters.txDropped();
                return;
            }
            int slots = frontSg ? (length + PAGE - 1) / PAGE : 1;
            if (!frontSg && length > PAGE) {
                counters.txDropped();
                return;
            }
            int available = r.unconsumedRequests();
            if (available == Rings.OVERFLOW) {
                counters.txError();
                onLoop(() -> fatal("the front end moved the receive ring's producer beyond the ring"));
                return;
            }
            if (available < slots) {
                counters.txDropped();
                return;
            }
            rxStageBuffer.put(0, frame, pos, length);
            MemorySegment ring = r.memory();
            boolean failed = false;
            for (int s = 0; s < slots; s++) {
                long at = r.takeRequest();
                int id = Layouts.u16(ring, at + Netif.RX_REQ_ID);
                int gref = Layouts.u32(ring, at + Netif.RX_REQ_GREF);
                int chunk = Math.min(PAGE, length - s * PAGE);
                int status = chunk;
                try {
                    ctx.hv().copyToGrant(rxStage, (long) s * PAGE, guest, gref, 0, chunk);
                } catch (HypervisorException e) {
                    status = Netif.RSP_ERROR;
                    failed = true;
                }
                int flags = (s < slots - 1 ? Netif.NETRXF_MORE_DATA : 0) | Netif.NETRXF_DATA_VALIDATED;
                Netif.rxResponse(ring, r.nextResponse(), id, 0, flags, status);
            }
            if (failed) {
                counters.txError();
            } else {
                counters.tx(length);
            }
            notify = r.pushResponses();
            p = port;
        }
        if (notify && p > 0) {
            try {
                ctx.hv().notify(p);
            } catch (HypervisorException e) {
                // disconnected meanwhile
            }
        }
    }

    // ------------------------------------------------------------------ Netif and control

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

    /** Whether the rings are connected. */
    public boolean connected() {
        return connected;
    }

    /** The back end's published state (for tests). */
    public XenbusState state() {
        return handshake.state();
    }

    /**
     * Closes the device from the back end (the device is going away, or a test closes it
     * mid-run): publishes Closing, disconnects, then Closed once the front end has closed.
     * On the loop. Idempotent.
     */
    public void shutdown() {
        onLoop(() -> {
            if (handshake.close() == BackendHandshake.Step.DISCONNECT) {
                disconnect();
                BackStates.disconnected(node, handshake, frontendState);
            }
        });
    }

    /** Reconfiguring, for tests of the front end: publishes Reconfiguring, Reconfigured, then Connected. */
    public void reconfigure(Runnable between) {
        onLoop(() -> {
            handshake.reconfigure();
            node.state(XenbusState.RECONFIGURING);
            between.run();
            handshake.reconfigured();
            node.state(XenbusState.RECONFIGURED);
            handshake.resumed();
            node.state(XenbusState.CONNECTED);
        });
    }

    /** Stops the back end: disconnects without waiting for the front end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onLoop(() -> {
            if (frontend != null) {
                node.unwatch(frontend + "/state", token());
            }
            disconnect();
        });
    }

    @Override
    public String toString() {
        return "netback vif" + guest + "." + devid;
    }
}
