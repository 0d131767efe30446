package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Rng;
import mirage.core.spi.EventLoop;
import mirage.net.Arp;
import mirage.net.DirectStack;
import mirage.net.Ethernet;
import mirage.net.Icmpv4;
import mirage.net.IpAddress;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.Ipv6;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
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
import mirage.net.internal.engine.ipv4.Route;
import mirage.net.internal.engine.ipv6.Ipv6Config;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.engine.ndp.SlaacConfig;
import mirage.net.internal.engine.tcp.TcpConfig;
import mirage.net.internal.engine.tcp.TcpEngine;
import mirage.net.internal.engine.udp.UdpEngine;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * The direct stack: the binding (DESIGN.md section 3) that builds the Ethernet, ARP, IPv4, ICMP,
 * UDP and TCP engines over a {@link Netif}, connects them, and drives them from an
 * {@link EventLoop}. The engines know nothing of one another's input: this class is the one
 * place that says where a received frame goes ({@link #processEthernet} and the methods after
 * it, as smoltcp's {@code Interface::process_*}), read from the top down. The way down is the
 * engines' own: a transport sends through the IPv4 engine, which sends through {@link ArpLink}
 * to ARP and the Ethernet engine, or through the IPv6 engine, which resolves its next hop with
 * its neighbour cache and sends through {@link EthernetIpv6Link}; frames leave by
 * {@link #transmit}.
 *
 * <h2>Both families</h2>
 * A {@link NetConfig.DualStack} gives IPv4 (static or DHCP) and IPv6 (a link-local address,
 * addresses autoconfigured from Router Advertisements, a static address and router) side by side; {@link NetConfig.Static} and
 * {@link NetConfig.Dhcp} alone are IPv4 only. One TCP and one UDP engine serve both families:
 * a port listened on takes both, connections are keyed by their 4-tuple of either family.
 * The IPv6 engine reassembles, fragments to the path MTU and sends rate-limited ICMPv6
 * errors itself (decision 0069); ICMPv6 errors about our TCP segments reach TCP through
 * {@link Ipv6Engine#onError}. Neighbor Discovery (decision 0070) is inside the IPv6 engine: it
 * is started with the stack, its timers are the engine's deadline (this class's one timer),
 * and an address found duplicate is logged once ({@link Ipv6Engine#onDuplicate}).
 *
 * <h2>How the loop drives the engines</h2>
 * Received frames arrive on the loop's thread ({@link Netif#listen}) and go through the engines
 * with the loop's {@code now}. After every event (a frame, a call from the application, a timer)
 * {@link #settle} asks the engines for their next deadline and keeps one loop timer armed at
 * the earliest: nothing polls on a period, and an idle stack costs nothing. The timer is
 * re-armed only when the deadline moves earlier, so the steady state of a busy stack schedules
 * nothing and allocates nothing per packet.
 *
 * <h2>Threading</h2>
 * Engines are owned by the loop and never locked. Every method of the layers
 * ({@link EthernetLayer}, {@link ArpLayer}, {@link Ipv4Layer}, {@link IcmpLayer},
 * {@link UdpLayer}, {@link TcpBinding}) goes through {@link EventLoop#call}: on the loop's thread
 * (a receiver answering a datagram) it runs at once; from an application thread it is handed to
 * the loop and the caller waits.
 */
public final class Direct implements DirectStack {

    /**
     * TCP of the direct stack: the engine's defaults with 128 KiB buffers each way per
     * connection (a 1 Gbit/s path with 1 ms of round trip needs 125 KiB in flight; 256 KiB
     * doubled the memory of 1,000 connections for nothing on a LAN) and 4,096 connections.
     */
    static final TcpConfig TCP = TcpConfig.DEFAULT.withBuffers(128 * 1024, 128 * 1024).withMaxConnections(4096);

    /**
     * ARP for an interface of {@code mtu}: addresses given by the operator or a DHCP server are
     * announced at once (RFC 5227 section 2.3), not probed first; a whole fragmented datagram (an
     * 8000-byte ping is six frames, a 64 KiB one 45) may wait for one resolution. The queue holds
     * frames of up to the MTU, about 96 KiB in all (Linux keeps some 200 KiB per neighbour), and
     * never fewer than 8 (an interface with a 64 KiB MTU, for passt, rarely fragments). See
     * docs/decisions/0025-direct-stack.md.
     */
    static ArpConfig arpConfig(int mtu) {
        int total = Math.max(8, Math.min(64, 96 * 1024 / mtu));
        return ArpConfig.DEFAULTS.withAddressStart(ArpConfig.AddressStart.ANNOUNCE).withQueue(Math.min(48, total), total);
    }

    private final Netif netif;
    private final NetConfig config;
    private final EventLoop loop;
    // The engines, from the bottom up.
    private final EthernetEngine ethernetEngine;
    private final ArpEngine arpEngine;
    private final Ipv4Engine ipEngine;
    /** IPv6, or null for a stack of IPv4 only. */
    private final Ipv6Engine ip6Engine;
    private final Icmpv4Engine icmpEngine;
    private final UdpEngine udpEngine;
    private final TcpEngine tcpEngine;
    private final Addressing dhcp;

    // The layers as the application sees them.
    private final EthernetLayer ethernet = new EthernetLayer(this);
    private final ArpLayer arp = new ArpLayer(this);
    private final Ipv4Layer ipv4 = new Ipv4Layer(this);
    private final Ipv6Layer ipv6 = new Ipv6Layer(this);
    private final IcmpLayer icmp = new IcmpLayer(this);
    private final UdpLayer udp = new UdpLayer(this);
    private final TcpBinding tcp;

    // Applications' own receivers of an EtherType or an IP protocol (Ethernet.listen,
    // Ipv4.listen): they take those frames or datagrams instead of the stack's engines.
    private int[] etherTypes = new int[0];
    private Ethernet.Receiver[] etherTypeReceivers = new Ethernet.Receiver[0];
    private final Ipv4.Receiver[] protocolReceivers = new Ipv4.Receiver[256];

    private final Runnable onTimer = this::timer;
    private EventLoop.Timer timer;
    private long armedAt = Long.MAX_VALUE;
    private volatile boolean closed;
    private long transmitFailures;
    private Optional<Ipv4Address> gateway;
    private Ipv4.AddressListener addressListener = (addresses, gw) -> { };
    /** Told when IPv6's assigned addresses or default router change; null for none. */
    private Ipv6.AddressListener ipv6Listener;
    private long ipv6AddressChanges = -1;
    private Ipv6Address ipv6Router;

    private Direct(Netif netif, NetConfig config, EventLoop loop, Rng rng) {
        this.netif = netif;
        this.config = config;
        this.loop = loop;
        this.ethernetEngine = new EthernetEngine(netif.mac(), netif.mtu(), this::transmit);
        Netif.TcpSegmentation offload = netif.tcpSegmentation().orElse(null);
        if (offload != null && offload.maxFrame() > EthernetFrame.HEADER_LENGTH + netif.mtu()) {
            ethernetEngine.segmentation(Math.min(offload.maxFrame(), EthernetFrame.HEADER_LENGTH + 0xffff),
                    (frame, segmentSize) -> transmitSegmented(offload, frame, segmentSize));
        }
        this.arpEngine = new ArpEngine(ethernetEngine, arpConfig(netif.mtu()), rng);
        NetConfig v4 = ipv4Part(config);
        NetConfig.Ipv6Config v6 = ipv6Part(config);
        List<Ipv4Cidr> addresses = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        if (v4 instanceof NetConfig.Static s) {
            addresses.add(s.cidr());
            s.gateway().ifPresent(g -> routes.add(Route.defaultVia(g)));
            this.gateway = s.gateway();
        } else {
            this.gateway = Optional.empty();
        }
        this.ipEngine = new Ipv4Engine(Ipv4Config.of(addresses, routes), new ArpLink(ethernetEngine, arpEngine, netif.mtu()),
                rng);
        this.ip6Engine = v6 == null ? null : new Ipv6Engine(ipv6Config(netif.mac(), v6, netif.mtu(), rng),
                new EthernetIpv6Link(ethernetEngine, offload != null && offload.ipv6()), rng, loop.now());
        this.icmpEngine = new Icmpv4Engine(ipEngine);
        this.udpEngine = new UdpEngine(ipEngine, ip6Engine, rng);
        this.tcpEngine = new TcpEngine(ipEngine, ip6Engine, TCP, rng);
        icmpEngine.onError(this::icmpError);
        if (ip6Engine != null) {
            ip6Engine.onError(this::icmpv6Error);
            ip6Engine.onDuplicate(new DuplicateLog(netif.mac()));
        }
        this.tcp = new TcpBinding(this, tcpEngine);
        this.dhcp = v4 instanceof NetConfig.Dhcp ? new DhcpBinding(this, rng) : null;
    }

    /** The IPv4 part of {@code config}: itself, or a dual stack's (null for IPv6 only). */
    private static NetConfig ipv4Part(NetConfig config) {
        return config instanceof NetConfig.DualStack d ? d.ipv4().orElse(null) : config;
    }

    /** The IPv6 part of {@code config}, or null for IPv4 only. */
    private static NetConfig.Ipv6Config ipv6Part(NetConfig config) {
        return config instanceof NetConfig.DualStack d ? d.ipv6().orElse(null) : null;
    }

    /**
     * The IPv6 engine's configuration: SLAAC with RFC 7217 identifiers (the link-local address
     * and one per advertised prefix; a secret key of 128 bits drawn from {@code rng}, the
     * platform's entropy, so addresses are stable for the life of the stack and opaque across
     * networks), one Duplicate Address Detection probe per address, the static address and
     * router, Router Advertisements as {@code --accept-router-advertisements} says, and the
     * neighbour cache's defaults with a queue of packets of up to the MTU.
     */
    static Ipv6Config ipv6Config(MacAddress mac, NetConfig.Ipv6Config v6, int mtu, Rng rng) {
        List<Ipv6Cidr> addresses = new ArrayList<>();
        v6.address().ifPresent(addresses::add);
        // a resolving neighbour holds the fragments of the largest datagram (NdpConfig.QUEUE_PACKETS)
        NdpConfig ndp = NdpConfig.defaults().withMaxPacket(mtu);
        byte[] key = new byte[SlaacConfig.MIN_SECRET_KEY_BYTES];
        rng.nextBytes(key);
        return new Ipv6Config(addresses, v6.gateway(), ndp, Optional.of(SlaacConfig.stablePrivacy(mac, key)),
                v6.acceptRouterAdvertisements());
    }

    /**
     * Says once, on the unikernel's standard error (its console, as the platform's own
     * messages), that an address of ours is another node's; the engine counts it too. A class,
     * not a lambda: it is built at boot (decision 0006).
     */
    private static final class DuplicateLog implements Ipv6Engine.DuplicateListener {
        private final MacAddress mac;

        DuplicateLog(MacAddress mac) {
            this.mac = mac;
        }

        @Override
        public void duplicateAddress(Ipv6Cidr address, boolean retrying, boolean linkLocalFailed) {
            String what = retrying ? "; trying another interface identifier"
                    : linkLocalFailed ? "; no link-local address is left: IPv6 cannot work on this interface"
                    : "; it will not be used";
            System.err.println("mirage.net: IPv6 address " + address + " on " + mac
                    + " is in use by another node (duplicate address detection, RFC 4862)" + what);
        }
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
        if (ipv6Part(config) != null && netif.mtu() < Ipv6Packet.MINIMUM_MTU) {
            throw new IllegalArgumentException("an IPv6 interface's MTU is at least 1280 (RFC 8200 section 5), got "
                    + netif.mtu() + " (--ipv4-only runs IPv4 alone)");
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
        if (ip6Engine != null) {
            ip6Engine.start(now);
        }
        if (dhcp != null) {
            dhcp.start(now);
        }
        settle(now);
    }

    // ---------------------------------------------------------------- a received frame's way up

    /** The interface's receiver: one frame, on the loop's thread. */
    private void receive(ByteBuffer frame) {
        if (closed) {
            return;
        }
        long now = loop.now();
        processEthernet(now, frame);
        settle(now);
    }

    /** Ethernet: a frame for us goes to ARP or IPv4 by its EtherType (or to an application's receiver of that type). */
    private void processEthernet(long now, ByteBuffer buffer) {
        EthernetFrame frame = ethernetEngine.receive(now, buffer, buffer.position(), buffer.remaining());
        if (frame == null) {
            return; // malformed, for another station, or VLAN-tagged: counted by the engine
        }
        int type = frame.etherType();
        Ethernet.Receiver own = etherTypeReceiver(type);
        if (own != null) {
            own.receive(new MacAddress(frame.source()), new MacAddress(frame.destination()),
                    slice(frame.buffer(), frame.payloadOffset(), frame.payloadLength()));
            return;
        }
        switch (type) {
            case EthernetFrame.TYPE_ARP -> arpEngine.receive(now, frame.buffer(), frame.payloadOffset(), frame.payloadLength());
            case EthernetFrame.TYPE_IPV4 -> processIpv4(now, frame);
            case EthernetFrame.TYPE_IPV6 -> {
                if (ip6Engine != null) {
                    processIpv6(now, frame);
                } else {
                    ethernetEngine.unknownType(); // an IPv4-only stack hears no IPv6
                }
            }
            default -> ethernetEngine.unknownType();
        }
    }

    /**
     * IPv6: a packet for us whose extension headers passed (the engine answered or dropped the
     * others) goes to ICMPv6 (the engine's own: echo and Neighbor Discovery), UDP or TCP by its
     * upper-layer protocol; another protocol is answered with Parameter Problem code 1 (RFC 8200
     * section 4), a UDP port nobody listens on with Port Unreachable (RFC 4443 section 3.1).
     */
    private void processIpv6(long now, EthernetFrame frame) {
        boolean linkMulticast = (frame.destination() & 0x0100_0000_0000L) != 0; // the I/G bit: multicast or broadcast
        Ipv6Packet packet = ip6Engine.receive(now, frame.buffer(), frame.payloadOffset(), frame.payloadLength(),
                linkMulticast);
        if (packet == null) {
            return; // malformed, not for us, a fragment kept for reassembly, or answered: counted by the engine
        }
        Ipv6HeaderChain chain = ip6Engine.chain();
        switch (chain.upperLayerProtocol()) {
            case Ipv6Packet.NEXT_HEADER_ICMPV6 -> ip6Engine.icmp(now, packet);
            case Ipv6Packet.NEXT_HEADER_UDP -> {
                if (udpEngine.receive(now, packet, chain.upperLayerOffset(), chain.upperLayerLength())
                        == UdpEngine.Delivery.NO_LISTENER) {
                    ip6Engine.portUnreachable(now, packet);
                }
            }
            case Ipv6Packet.NEXT_HEADER_TCP -> tcpEngine.receive(now, packet, chain.upperLayerOffset(), chain.upperLayerLength());
            default -> ip6Engine.unknownNextHeader(now, packet);
        }
    }

    /**
     * IPv4: a whole datagram for us (reassembled if it came in fragments) goes to ICMP, UDP or TCP
     * by its protocol (or to an application's receiver of that protocol); another protocol is
     * answered with Protocol Unreachable (RFC 1122 section 3.2.2.1).
     */
    private void processIpv4(long now, EthernetFrame frame) {
        Ipv4Packet datagram = ipEngine.receive(now, frame.buffer(), frame.payloadOffset(), frame.payloadLength());
        if (datagram == null) {
            return; // a bad header, not for us, or a fragment kept for reassembly: counted by the engine
        }
        int protocol = datagram.protocol();
        Ipv4.Receiver own = protocolReceivers[protocol];
        if (own != null) {
            own.receive(ipEngine.address(datagram.source()), ipEngine.address(datagram.destination()),
                    slice(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength()));
            return;
        }
        switch (protocol) {
            case Ipv4Packet.PROTOCOL_ICMP -> icmpEngine.receive(now, datagram);
            case Ipv4Packet.PROTOCOL_UDP -> processUdp(now, datagram);
            case Ipv4Packet.PROTOCOL_TCP -> tcpEngine.receive(now, datagram);
            default -> {
                ipEngine.unknownProtocol();
                icmpEngine.destinationUnreachable(now, datagram, Icmpv4Engine.PROTOCOL_UNREACHABLE);
            }
        }
    }

    /** An ICMP error about a datagram of ours: to its transport (RFC 1122 section 3.2.2); UDP promises nothing and takes none. */
    private void icmpError(long now, int type, int code, int nextHopMtu, Ipv4Packet quoted) {
        if (quoted.protocol() == Ipv4Packet.PROTOCOL_TCP) {
            tcpEngine.icmpError(now, type, code, nextHopMtu, quoted);
        }
    }

    /** An ICMPv6 error about a packet of ours: to its transport, as {@link #icmpError} (RFC 4443 section 2.4 (d)). */
    private void icmpv6Error(long now, int type, int code, int pathMtu, Ipv6Packet quoted) {
        if (quoted.nextHeader() == Ipv6Packet.NEXT_HEADER_TCP) {
            tcpEngine.icmpv6Error(now, type, code, pathMtu, quoted);
        }
    }

    /** UDP: to the port's listener; a port nobody listens on is answered with Port Unreachable (RFC 1122 section 4.1.3.1). */
    private void processUdp(long now, Ipv4Packet datagram) {
        if (udpEngine.receive(now, datagram) == UdpEngine.Delivery.NO_LISTENER) {
            icmpEngine.destinationUnreachable(now, datagram, Icmpv4Engine.PORT_UNREACHABLE);
        }
    }

    private Ethernet.Receiver etherTypeReceiver(int type) {
        for (int i = 0; i < etherTypes.length; i++) {
            if (etherTypes[i] == type) {
                return etherTypeReceivers[i];
            }
        }
        return null;
    }

    /** Makes {@code receiver} take the frames of {@code etherType}, instead of the stack or an earlier receiver. Loop thread. */
    void listen(int etherType, Ethernet.Receiver receiver) {
        for (int i = 0; i < etherTypes.length; i++) {
            if (etherTypes[i] == etherType) {
                etherTypeReceivers[i] = receiver;
                return;
            }
        }
        int n = etherTypes.length;
        etherTypes = Arrays.copyOf(etherTypes, n + 1);
        etherTypeReceivers = Arrays.copyOf(etherTypeReceivers, n + 1);
        etherTypes[n] = etherType;
        etherTypeReceivers[n] = receiver;
    }

    /** Makes {@code receiver} take the datagrams of IP {@code protocol}, instead of the stack or an earlier receiver. Loop thread. */
    void listen(int protocol, Ipv4.Receiver receiver) {
        protocolReceivers[protocol] = receiver;
    }

    private static ByteBuffer slice(ByteBuffer buffer, int offset, int length) {
        return buffer.asReadOnlyBuffer().limit(offset + length).position(offset).slice();
    }

    // ---------------------------------------------------------------- frames out

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

    // ---------------------------------------------------------------- time

    /**
     * Keeps the one loop timer at the engines' earliest deadline, each engine's exact (TCP's in
     * O(1) from its timer structure), so no timer fires late. Loop thread only.
     */
    void settle(long now) {
        if (closed) {
            return;
        }
        if (ipv6Listener != null && (ip6Engine.addressChanges() != ipv6AddressChanges
                || !Objects.equals(ip6Engine.currentRouter(), ipv6Router))) {
            notifyIpv6();
        }
        long next = Math.min(arpEngine.nextDeadline(), ipEngine.nextDeadline());
        next = Math.min(next, icmpEngine.nextDeadline());
        next = Math.min(next, tcpEngine.nextDeadline());
        if (ip6Engine != null) {
            next = Math.min(next, ip6Engine.nextDeadline());
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
        tcpEngine.poll(now);
        if (ip6Engine != null) {
            ip6Engine.poll(now);
        }
        if (dhcp != null) {
            dhcp.poll(now);
        }
        settle(now);
    }

    // ---------------------------------------------------------------- addressing

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

    /** The default gateway, if any. Loop thread only. */
    Optional<Ipv4Address> gateway() {
        return gateway;
    }

    /** Makes {@code listener} the one told of address changes, and tells it the current ones. Loop thread only. */
    void onAddressChange(Ipv4.AddressListener listener) {
        addressListener = listener;
        notifyAddresses();
    }

    private void notifyAddresses() {
        try {
            addressListener.changed(ipEngine.addresses(), gateway);
        } catch (RuntimeException e) {
            // a listener's failure is its own; the stack goes on
        }
    }

    /** Makes {@code listener} the one told of IPv6 address and router changes, and tells it the current ones. Loop thread only. */
    void onIpv6AddressChange(Ipv6.AddressListener listener) {
        ipv6Listener = listener;
        notifyIpv6();
    }

    private void notifyIpv6() {
        ipv6AddressChanges = ip6Engine.addressChanges();
        ipv6Router = ip6Engine.currentRouter();
        try {
            ipv6Listener.changed(ip6Engine.addresses(), Optional.ofNullable(ipv6Router));
        } catch (RuntimeException e) {
            // a listener's failure is its own; the stack goes on
        }
    }

    private static List<Ipv4Address> addressesOf(List<Ipv4Cidr> cidrs) {
        List<Ipv4Address> out = new ArrayList<>(cidrs.size());
        for (Ipv4Cidr c : cidrs) {
            out.add(c.address());
        }
        return out;
    }

    // ---------------------------------------------------------------- for the layers

    EventLoop loop() {
        return loop;
    }

    EthernetEngine ethernetEngine() {
        return ethernetEngine;
    }

    ArpEngine arpEngine() {
        return arpEngine;
    }

    Ipv4Engine ipEngine() {
        return ipEngine;
    }

    /** The IPv6 engine, or null for a stack of IPv4 only. */
    Ipv6Engine ip6Engine() {
        return ip6Engine;
    }

    /**
     * @throws NetException {@code NO_ROUTE} naming the family if the stack does not run {@code address}'s
     */
    void checkFamily(IpAddress address) throws NetException {
        if (address instanceof Ipv6Address && ip6Engine == null) {
            throw new NetException(NetException.Reason.NO_ROUTE, "this stack runs IPv4 only: cannot reach " + address);
        }
        if (address instanceof Ipv4Address && ipv4Part(config) == null) {
            throw new NetException(NetException.Reason.NO_ROUTE, "this stack runs IPv6 only: cannot reach " + address);
        }
    }

    Icmpv4Engine icmpEngine() {
        return icmpEngine;
    }

    UdpEngine udpEngine() {
        return udpEngine;
    }

    MacAddress mac() {
        return netif.mac();
    }

    TcpBinding tcpBinding() {
        return tcp;
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
        T result = op.run(now);
        settle(now);
        return result;
    }

    /** @throws NetException {@code DISCONNECTED} once the stack is closed */
    void checkOpen() throws NetException {
        if (closed) {
            throw new NetException(NetException.Reason.DISCONNECTED, "the stack on " + netif.mac() + " is closed");
        }
    }

    /** The exception for an engine's refusal to send {@code what}. */
    static NetException failure(Ipv4Engine.Outcome o, String what) {
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
    public Ipv6 ipv6() {
        return ipv6;
    }

    @Override
    public Udp udp() {
        return udp;
    }

    @Override
    public Tcp tcp() {
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
}
