package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Rng;
import mirage.core.spi.EventLoop;
import mirage.net.Arp;
import mirage.net.DirectStack;
import mirage.net.EtherType;
import mirage.net.Ethernet;
import mirage.net.Icmpv4;
import mirage.net.IpAddress;
import mirage.net.IpProtocol;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.Tcp;
import mirage.net.Udp;
import mirage.net.internal.engine.arp.ArpConfig;
import mirage.net.internal.engine.arp.ArpEngine;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.engine.icmp.Icmpv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.engine.ipv4.Route;
import mirage.net.internal.engine.tcp.TcpConfig;
import mirage.net.internal.engine.tcp.TcpEngine;
import mirage.net.internal.engine.udp.UdpEngine;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.TcpSegmenter;

/**
 * The direct stack: the binding (DESIGN.md section 3) that drives the Ethernet, ARP, IPv4, ICMP
 * and UDP engines from a {@link Netif} and an {@link EventLoop}.
 *
 * <h2>How the loop drives the engines</h2>
 * Received frames arrive on the loop's thread ({@link Netif#listen}) and go straight into the
 * Ethernet engine with the loop's {@code now}. After every event (a frame, a call from the
 * application, a timer) {@link #settle} asks the engines for their next deadline and keeps one
 * loop timer armed at the earliest: nothing polls on a period, and an idle stack costs nothing.
 * The timer is re-armed only when the deadline moves earlier, so the steady state of a busy
 * stack schedules nothing and allocates nothing per packet.
 *
 * <h2>Threading</h2>
 * Engines are owned by the loop and never locked. Every method of the layers goes through
 * {@link EventLoop#call}: on the loop's thread (a receiver answering a datagram) it runs at
 * once; from an application thread it is handed to the loop and the caller waits.
 */
public final class Direct implements DirectStack {

    /**
     * ARP for an interface of {@code mtu}: addresses given by the operator or a DHCP server are
     * announced at once (RFC 5227 section 2.3), not probed first; a whole fragmented datagram (an
     * 8000-byte ping is six frames, a 64 KiB one 45) may wait for one resolution. The queue holds
     * frames of up to the MTU, about 96 KiB in all (Linux keeps some 200 KiB per neighbour), and
     * never fewer than 8 (an interface with a 64 KiB MTU, for passt, rarely fragments). See
     * docs/decisions/0025-direct-stack.md.
     */
    /**
     * TCP of the direct stack: the engine's defaults with 128 KiB buffers each way per
     * connection (a 1 Gbit/s path with 1 ms of round trip needs 125 KiB in flight; 256 KiB
     * doubled the memory of 1,000 connections for nothing on a LAN) and 4,096 connections.
     */
    static final TcpConfig TCP = TcpConfig.DEFAULT.withBuffers(128 * 1024, 128 * 1024).withMaxConnections(4096);

    static ArpConfig arpConfig(int mtu) {
        int total = Math.max(8, Math.min(64, 96 * 1024 / mtu));
        return ArpConfig.DEFAULTS.withAddressStart(ArpConfig.AddressStart.ANNOUNCE).withQueue(Math.min(48, total), total);
    }

    private final Netif netif;
    private final NetConfig config;
    private final EventLoop loop;
    private final EthernetEngine ethernetEngine;
    private final ArpEngine arpEngine;
    private final Ipv4Engine ipEngine;
    private final Icmpv4Engine icmpEngine;
    private final UdpEngine udpEngine;
    private final TcpEngine tcpEngine;
    private final TcpBinding tcp;
    /** Set by TCP activity: the TCP engine's deadlines may have moved; poll it within a delayed-ACK time. */
    private boolean tcpDirty;
    /** The TCP engine's next deadline, as its last poll said. */
    private long tcpNext = Long.MAX_VALUE;
    private final Addressing dhcp;
    private final Runnable onTimer = this::timer;
    /** Cuts segmented datagrams whose next hop awaits ARP; made on first need. */
    private TcpSegmenter segmenter;

    private final EthernetLayer ethernet = new EthernetLayer();
    private final ArpLayer arp = new ArpLayer();
    private final Ipv4Layer ipv4 = new Ipv4Layer();
    private final IcmpLayer icmp = new IcmpLayer();
    private final UdpLayer udp = new UdpLayer();

    private EventLoop.Timer timer;
    private long armedAt = Long.MAX_VALUE;
    private volatile boolean closed;
    private long transmitFailures;
    private Optional<Ipv4Address> gateway;
    private Ipv4.AddressListener addressListener = (addresses, gw) -> { };

    private Direct(Netif netif, NetConfig config, EventLoop loop, Rng rng) {
        this.netif = netif;
        this.config = config;
        this.loop = loop;
        this.ethernetEngine = new EthernetEngine(netif.mac(), netif.mtu(), this::transmit);
        this.arpEngine = new ArpEngine(ethernetEngine, arpConfig(netif.mtu()), rng);
        Netif.TcpSegmentation offload = netif.tcpSegmentation().orElse(null);
        if (offload != null && offload.maxFrame() > EthernetFrame.HEADER_LENGTH + netif.mtu()) {
            ethernetEngine.segmentation(Math.min(offload.maxFrame(), EthernetFrame.HEADER_LENGTH + 0xffff),
                    (frame, segmentSize) -> transmitSegmented(offload, frame, segmentSize));
        }
        Ipv4Link link = new Ipv4Link() {
            @Override
            public int mtu() {
                return netif.mtu();
            }

            @Override
            public void transmit(long now, Ipv4Address nextHop, ByteBuffer packet) {
                arpEngine.output(now, nextHop, packet);
            }

            @Override
            public int maxSegmentedDatagram() {
                return ethernetEngine.maxSegmentedPayload();
            }

            @Override
            public void transmitSegmented(long now, Ipv4Address nextHop, ByteBuffer packet, int segmentSize) {
                long mac = arpEngine.resolve(now, nextHop.bits());
                if (mac != ArpEngine.UNRESOLVED) {
                    ethernetEngine.sendSegmented(mac, packet, segmentSize);
                    return;
                }
                // ARP queues MTU-sized packets until the next hop resolves: cut the datagram here
                if (segmenter == null) {
                    segmenter = new TcpSegmenter(TcpSegmenter.NONE, netif.mtu());
                }
                segmenter.segment(packet, segmentSize, segment -> arpEngine.output(now, nextHop, segment));
            }
        };
        List<Ipv4Cidr> addresses = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        if (config instanceof NetConfig.Static s) {
            addresses.add(s.cidr());
            s.gateway().ifPresent(g -> routes.add(Route.defaultVia(g)));
            this.gateway = s.gateway();
        } else {
            this.gateway = Optional.empty();
        }
        this.ipEngine = new Ipv4Engine(Ipv4Config.of(addresses, routes), link, rng);
        this.icmpEngine = new Icmpv4Engine(ipEngine);
        this.udpEngine = new UdpEngine(ipEngine, icmpEngine, rng);
        this.tcpEngine = new TcpEngine(ipEngine, TCP, rng);
        this.tcp = new TcpBinding(this, tcpEngine);
        ethernetEngine.register(EthernetFrame.TYPE_IPV4,
                (now, frame) -> ipEngine.receive(now, frame.buffer(), frame.payloadOffset(), frame.payloadLength()));
        this.dhcp = config instanceof NetConfig.Dhcp ? new DhcpBinding(this, rng) : null;
    }

    /** Builds the stack, listens on {@code netif} and starts addressing, on the loop. */
    public static Direct open(Netif netif, NetConfig config, EventLoop loop, Rng rng) {
        Objects.requireNonNull(netif, "netif");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(rng, "rng");
        if (netif.mtu() < 68) {
            throw new IllegalArgumentException("an IPv4 interface's MTU is at least 68 (RFC 791), got " + netif.mtu());
        }
        Direct d = new Direct(netif, config, loop, rng);
        loop.call(() -> {
            d.start();
            return null;
        });
        return d;
    }

    private void start() {
        long now = loop.now();
        netif.listen(this::receive);
        arpEngine.setAddresses(now, addressesOf(ipEngine.addresses()));
        if (dhcp != null) {
            dhcp.start(now);
        }
        settle(now);
    }

    // ---------------------------------------------------------------- the loop side

    private void receive(ByteBuffer frame) {
        if (closed) {
            return;
        }
        long now = loop.now();
        ethernetEngine.receive(now, frame);
        tcpDirty = true;
        settle(now);
    }

    private void transmit(ByteBuffer frame) {
        try {
            netif.send(frame);
        } catch (NetException | RuntimeException e) {
            transmitFailures++; // a NIC drops what it cannot send; the interface counts why
        }
    }

    private void transmitSegmented(Netif.TcpSegmentation offload, ByteBuffer frame, int segmentSize) {
        try {
            offload.send(frame, segmentSize);
        } catch (NetException | RuntimeException e) {
            transmitFailures++;
        }
    }

    /** Keeps the one loop timer at the engines' earliest deadline. Loop thread only. */
    void settle(long now) {
        if (closed) {
            return;
        }
        long next = Math.min(arpEngine.nextDeadline(), ipEngine.nextDeadline());
        next = Math.min(next, icmpEngine.nextDeadline());
        next = Math.min(next, tcpNext);
        if (tcpDirty) {
            // Segments and application calls set TCP timers (delayed ACK, retransmission,
            // persist...), none sooner than a delayed ACK: poll the engine by then, and it
            // gives the exact next deadline. Busy periods poll once per delayed-ACK time;
            // idle ones never. (A connect timeout under 40 ms may fire up to 40 ms late.)
            next = Math.min(next, now + TCP.delayedAck());
        }
        if (dhcp != null) {
            next = Math.min(next, dhcp.nextDeadline());
        }
        if (next < armedAt) {
            if (timer != null) {
                timer.cancel();
            }
            armedAt = next;
            timer = loop.schedule(next, onTimer);
        }
    }

    private void timer() {
        timer = null;
        armedAt = Long.MAX_VALUE;
        if (closed) {
            return;
        }
        long now = loop.now();
        arpEngine.poll(now);
        ipEngine.poll(now);
        icmpEngine.poll(now);
        tcpDirty = false;
        tcpNext = tcpEngine.poll(now);
        if (dhcp != null) {
            dhcp.poll(now);
        }
        settle(now);
    }

    /** Applies a new address set (a DHCP lease bound, changed or lost). Loop thread only. */
    void readdress(long now, List<Ipv4Cidr> addresses, Optional<Ipv4Address> router) {
        List<Route> routes = new ArrayList<>();
        router.ifPresent(r -> routes.add(Route.defaultVia(r)));
        ipEngine.reconfigure(addresses, routes);
        arpEngine.setAddresses(now, addressesOf(addresses));
        gateway = router;
        notifyAddresses();
    }

    /** Starts resolving {@code address} unless it is in the ARP cache. Loop thread only. */
    void resolve(long now, Ipv4Address address) {
        arpEngine.resolve(now, address.bits());
    }

    private void notifyAddresses() {
        try {
            addressListener.changed(ipEngine.addresses(), gateway);
        } catch (RuntimeException e) {
            // a listener's failure is its own; the stack goes on
        }
    }

    EventLoop loop() {
        return loop;
    }

    UdpEngine udpEngine() {
        return udpEngine;
    }

    Ipv4Engine ipEngine() {
        return ipEngine;
    }

    MacAddress mac() {
        return netif.mac();
    }

    private static List<Ipv4Address> addressesOf(List<Ipv4Cidr> cidrs) {
        List<Ipv4Address> out = new ArrayList<>(cidrs.size());
        for (Ipv4Cidr c : cidrs) {
            out.add(c.address());
        }
        return out;
    }

    /** Something done on the loop with its {@code now}. */
    @FunctionalInterface
    interface LoopOp<T, X extends Exception> {
        T run(long now) throws X;
    }

    /** Runs {@code op} on the loop if the stack is open (else {@code DISCONNECTED}), then re-arms timers. */
    <T> T onLoopChecked(LoopOp<T, NetException> op) throws NetException {
        if (loop.inLoop()) {
            return runChecked(op);
        }
        return loop.call(() -> runChecked(op));
    }

    private <T> T runChecked(LoopOp<T, NetException> op) throws NetException {
        checkOpen();
        long now = loop.now();
        tcpDirty = true;
        T result = op.run(now);
        settle(now);
        return result;
    }

    /** Runs {@code op} on the loop, open or closed (a closed stack's connections are aborted already), then re-arms timers. */
    <T> T onLoopQuietly(LoopOp<T, RuntimeException> op) {
        if (loop.inLoop()) {
            return runQuietly(op);
        }
        return loop.call(() -> runQuietly(op));
    }

    private <T> T runQuietly(LoopOp<T, RuntimeException> op) {
        long now = loop.now();
        tcpDirty = true;
        T result = op.run(now);
        settle(now);
        return result;
    }

    private void checkOpen() throws NetException {
        if (closed) {
            throw new NetException(NetException.Reason.DISCONNECTED, "the stack on " + netif.mac() + " is closed");
        }
    }


    private static NetException failure(Ipv4Engine.Outcome o, String what) {
        return switch (o) {
            case NO_ROUTE -> new NetException(NetException.Reason.NO_ROUTE, "no route for " + what);
            case MESSAGE_TOO_LONG -> new NetException(NetException.Reason.MESSAGE_TOO_LONG, what + " is too long to send");
            case SENT -> throw new IllegalStateException("not a failure");
        };
    }

    // ---------------------------------------------------------------- DirectStack

    @Override
    public Netif netif() {
        return netif;
    }

    @Override
    public Ethernet ethernet() {
        return ethernet;
    }

    @Override
    public Arp arp() {
        return arp;
    }

    @Override
    public Ipv4 ipv4() {
        return ipv4;
    }

    @Override
    public Icmpv4 icmpv4() {
        return icmp;
    }

    @Override
    public Udp udp() {
        return udp;
    }

    @Override
    public Tcp tcp() {
        return tcp;
    }

    TcpBinding tcpBinding() {
        return tcp;
    }

    @Override
    public NetConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            loop.call(() -> {
                if (!closed) {
                    tcp.abortAll(loop.now());
                    if (dhcp != null) {
                        dhcp.release(loop.now());
                    }
                    closed = true;
                    if (timer != null) {
                        timer.cancel();
                        timer = null;
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            closed = true; // the loop is gone: nothing more can run anyway
        } finally {
            netif.close();
        }
    }

    @Override
    public String toString() {
        return "DirectStack[" + netif.mac() + " " + config + "]";
    }

    // ---------------------------------------------------------------- layers

    private final class EthernetLayer implements Ethernet {
        @Override
        public MacAddress mac() {
            return netif.mac();
        }

        @Override
        public int mtu() {
            return netif.mtu();
        }

        @Override
        public void write(MacAddress destination, EtherType type, ByteBuffer payload) throws NetException {
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(type, "type");
            if (type.equals(EtherType.VLAN)) {
                throw new IllegalArgumentException("0x8100 is a VLAN tag, not a payload EtherType");
            }
            if (payload.remaining() > netif.mtu()) {
                throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                        "Ethernet payload of " + payload.remaining() + " bytes exceeds the MTU " + netif.mtu());
            }
            onLoopChecked(now -> {
                ethernetEngine.send(destination.bits(), type.value(), payload);
                return null;
            });
        }

        @Override
        public void listen(EtherType type, Receiver receiver) {
            Objects.requireNonNull(receiver, "receiver");
            if (type.equals(EtherType.VLAN)) {
                throw new IllegalArgumentException("0x8100 is a VLAN tag, not a payload EtherType");
            }
            onLoopQuietly(now -> {
                ethernetEngine.register(type.value(), (at, frame) -> receiver.receive(
                        new MacAddress(frame.source()), new MacAddress(frame.destination()),
                        slice(frame.buffer(), frame.payloadOffset(), frame.payloadLength())));
                return null;
            });
        }

        @Override
        public Stats stats() {
            return onLoopQuietly(now -> ethernetEngine.stats());
        }
    }

    private final class ArpLayer implements Arp {
        @Override
        public Optional<MacAddress> query(Ipv4Address address) {
            Objects.requireNonNull(address, "address");
            return onLoopQuietly(now -> arpEngine.query(loop.now(), address));
        }

        @Override
        public List<Ipv4Address> addresses() {
            return onLoopQuietly(now -> arpEngine.addresses());
        }

        @Override
        public void setAddresses(List<Ipv4Address> addresses) {
            List<Ipv4Address> copy = List.copyOf(addresses);
            onLoopQuietly(now -> {
                arpEngine.setAddresses(loop.now(), copy);
                return null;
            });
        }

        @Override
        public void addAddress(Ipv4Address address) {
            Objects.requireNonNull(address, "address");
            onLoopQuietly(now -> {
                arpEngine.addAddress(loop.now(), address);
                return null;
            });
        }

        @Override
        public void removeAddress(Ipv4Address address) {
            Objects.requireNonNull(address, "address");
            onLoopQuietly(now -> {
                arpEngine.removeAddress(address);
                return null;
            });
        }

        @Override
        public List<Entry> entries() {
            return onLoopQuietly(now -> arpEngine.entries());
        }

        @Override
        public Stats stats() {
            return onLoopQuietly(now -> arpEngine.stats());
        }
    }

    private final class Ipv4Layer implements Ipv4 {
        @Override
        public List<Ipv4Cidr> addresses() {
            return onLoopQuietly(now -> ipEngine.addresses());
        }

        @Override
        public Optional<Ipv4Address> gateway() {
            return onLoopQuietly(now -> gateway);
        }

        @Override
        public int mtu() {
            return netif.mtu();
        }

        @Override
        public Ipv4Address source(Ipv4Address destination) throws NetException {
            Objects.requireNonNull(destination, "destination");
            Ipv4Address s = onLoopQuietly(now -> ipEngine.source(destination));
            if (s == null || s.isUnspecified() && !destination.isBroadcast()) {
                throw new NetException(NetException.Reason.NO_ROUTE, "no route to " + destination);
            }
            return s;
        }

        @Override
        public void write(Ipv4Address destination, IpProtocol protocol, ByteBuffer payload, Options options) throws NetException {
            Objects.requireNonNull(destination, "destination");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(options, "options");
            Ipv4Engine.Outcome o = onLoopChecked(now -> ipEngine.send(loop.now(), options.source(), destination,
                    protocol.value(), options.ttl(), options.fragmentation(), payload));
            if (o != Ipv4Engine.Outcome.SENT) {
                throw failure(o, "an IPv4 datagram of " + payload.remaining() + " bytes to " + destination);
            }
        }

        @Override
        public void listen(IpProtocol protocol, Receiver receiver) {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(receiver, "receiver");
            onLoopQuietly(now -> {
                ipEngine.register(protocol.value(), (at, p) -> receiver.receive(
                        ipEngine.address(p.source()), ipEngine.address(p.destination()),
                        slice(p.buffer(), p.payloadOffset(), p.payloadLength())));
                return null;
            });
        }

        @Override
        public void onAddressChange(AddressListener listener) {
            Objects.requireNonNull(listener, "listener");
            onLoopQuietly(now -> {
                addressListener = listener;
                notifyAddresses();
                return null;
            });
        }

        @Override
        public Stats stats() {
            return onLoopQuietly(now -> ipEngine.stats());
        }
    }

    private final class IcmpLayer implements Icmpv4 {
        @Override
        public void ping(Ipv4Address destination, int identifier, int sequence, ByteBuffer data) throws NetException {
            Objects.requireNonNull(destination, "destination");
            if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
                throw new IllegalArgumentException("ICMP identifier and sequence are 0-65535: " + identifier + ", " + sequence);
            }
            Ipv4Engine.Outcome o = onLoopChecked(now -> icmpEngine.ping(loop.now(), destination, identifier, sequence, data));
            if (o != Ipv4Engine.Outcome.SENT) {
                throw failure(o, "an echo request to " + destination);
            }
        }

        @Override
        public void listen(EchoReplyReceiver receiver) {
            Objects.requireNonNull(receiver, "receiver");
            onLoopQuietly(now -> {
                icmpEngine.listen((at, source, id, seq, data, rtt) -> receiver.receive(source, id, seq, data));
                return null;
            });
        }

        @Override
        public Stats stats() {
            return onLoopQuietly(now -> icmpEngine.stats());
        }
    }

    private final class UdpLayer implements Udp {
        @Override
        public void listen(int port, Receiver receiver) throws NetException {
            checkPort(port);
            Objects.requireNonNull(receiver, "receiver");
            boolean taken = !onLoopChecked(now -> udpEngine.listen(port, (at, src, sp, dst, data) -> receiver.receive(src, sp, dst, data)));
            if (taken) {
                throw new NetException(NetException.Reason.ADDRESS_IN_USE, "UDP port " + port + " already has a receiver");
            }
        }

        @Override
        public void unlisten(int port) {
            checkPort(port);
            onLoopQuietly(now -> {
                udpEngine.unlisten(port);
                return null;
            });
        }

        @Override
        public void send(int sourcePort, IpAddress destination, int destinationPort, ByteBuffer payload) throws NetException {
            Objects.requireNonNull(destination, "destination");
            if (sourcePort < 0 || sourcePort > 0xffff) {
                throw new IllegalArgumentException("a UDP source port is 0-65535, got " + sourcePort);
            }
            checkPort(destinationPort);
            if (!(destination instanceof Ipv4Address v4)) {
                throw new NetException(NetException.Reason.NO_ROUTE, "this stack has no IPv6: cannot reach " + destination);
            }
            if (payload.remaining() > MAX_IPV4_PAYLOAD) {
                throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                        "UDP payload of " + payload.remaining() + " bytes exceeds " + MAX_IPV4_PAYLOAD);
            }
            if (loop.inLoop()) {
                sendOnLoop(sourcePort, v4, destinationPort, payload); // no handoff, nothing allocated
            } else {
                loop.call(() -> sendOnLoop(sourcePort, v4, destinationPort, payload));
            }
        }

        private Void sendOnLoop(int sourcePort, Ipv4Address destination, int destinationPort, ByteBuffer payload)
                throws NetException {
            checkOpen();
            long now = loop.now();
            Ipv4Engine.Outcome o = udpEngine.send(now, sourcePort, destination, destinationPort, payload);
            settle(now);
            if (o != Ipv4Engine.Outcome.SENT) {
                throw failure(o, "a UDP datagram to " + destination + ":" + destinationPort);
            }
            return null;
        }

        @Override
        public Stats stats() {
            return onLoopQuietly(now -> udpEngine.stats());
        }

        private static void checkPort(int port) {
            if (port < 1 || port > 0xffff) {
                throw new IllegalArgumentException("a UDP port is 1-65535, got " + port);
            }
        }
    }

    private static ByteBuffer slice(ByteBuffer buffer, int offset, int length) {
        return buffer.asReadOnlyBuffer().limit(offset + length).position(offset).slice();
    }
}
