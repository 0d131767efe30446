package mirage.net.internal.engine.ipv4;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;

/**
 * The IPv4 layer of a host (RFC 791, RFC 1122 section 3), sans-IO: datagrams and the time come
 * in through {@link #receive} and {@link #poll}; datagrams go out through the {@link Ipv4Link},
 * and {@link #poll} returns the next deadline. It forwards nothing.
 *
 * <p>Receive: a datagram whose header fails the wire layer's checks or its checksum, that is
 * addressed to someone else, or that has a TTL of 0, is dropped and counted; fragments are
 * reassembled ({@link Reassembly}); {@link #receive} returns each whole datagram for the caller
 * (the stack's binding) to hand to the transport of its protocol: the engine knows none of them.
 * "For us" means one of the configured addresses, the limited broadcast, or the directed
 * broadcast of a configured network; multicast is not joined, so it is not for us.
 *
 * <p>Send: the source is the configured address on the route's network (or the first one); the
 * route is the longest prefix match of the routing table; the Identification field comes from a
 * counter started at a random value from the {@link Rng} and incremented per datagram (RFC 6864
 * asks only that it not repeat within a datagram's lifetime for a source, destination and
 * protocol; a counter meets that at host rates and costs no randomness per packet). A datagram
 * larger than the link MTU is fragmented on 8-octet boundaries unless Don't Fragment is asked.
 *
 * <p>Not thread-safe: owned by one event loop. Nothing read from the network throws.
 */
public final class Ipv4Engine {

    /** What became of a datagram handed to {@link #send}. */
    public enum Outcome {
        /** Handed to the link (as one datagram or as fragments). */
        SENT,
        /** No address is configured, or no route reaches the destination. */
        NO_ROUTE,
        /** Larger than the MTU with Don't Fragment, or than 65535 bytes in all. */
        MESSAGE_TOO_LONG
    }

    private final Ipv4Link link;
    private Ipv4Cidr[] addresses;
    private Route[] routes;
    /** The source address for each route, parallel to {@link #routes}. */
    private Ipv4Address[] routeSources;
    private int[] routeMasks;
    private int[] routeNetworks;
    private final Reassembly reassembly;
    private final Ipv4Packet view = new Ipv4Packet();
    /** Datagrams being sent: the link's {@link Ipv4Link#transmitBuffer()} if it lends one, else the engine's own. */
    private final ByteBuffer tx;
    private int nextIdentification;

    private long packetsReceived;
    /** Whole datagrams returned by {@link #receive}; those no transport took are in {@link #unknownProtocol} too. */
    private long packetsReturned;
    private long packetsSent;
    private long headerErrors;
    private long badChecksum;
    private long ttlZero;
    private long notForUs;
    private long unknownProtocol;
    private long fragmentsReceived;
    private long reassembled;
    private long reassemblyFailures;
    private long reassemblyOverlaps;
    private long reassemblyTimeouts;
    private long noRoute;
    private long fragmentsSent;
    private long fragmentationRefused;

    /**
     * @param rng used once, for the first Identification value
     * @throws IllegalArgumentException if the link's MTU is below 68 (RFC 791: "Every internet
     *     module must be able to forward a datagram of 68 octets without further fragmentation")
     */
    public Ipv4Engine(Ipv4Config config, Ipv4Link link, Rng rng) {
        Objects.requireNonNull(config, "config");
        this.link = Objects.requireNonNull(link, "link");
        if (link.mtu() < 68) {
            throw new IllegalArgumentException("an IPv4 link MTU is at least 68 (RFC 791), got " + link.mtu());
        }
        ByteBuffer lent = link.transmitBuffer();
        this.tx = lent != null && lent.capacity() >= Ipv4Packet.MAX_TOTAL_LENGTH
                ? lent.clear() : ByteBuffer.allocate(Ipv4Packet.MAX_TOTAL_LENGTH);
        configure(config.addresses(), config.routes());
        this.reassembly = new Reassembly(config.reassemblyDatagrams(), config.reassemblyBytes(),
                config.reassemblyFragments(), config.reassemblyTimeoutNanos());
        this.nextIdentification = rng.nextInt(0x10000);
    }

    /**
     * Replaces the addresses and routes (a DHCP lease came, changed or went). Datagrams in
     * reassembly are kept; they were addressed to this host when their first fragment came.
     */
    public void reconfigure(List<Ipv4Cidr> newAddresses, List<Route> newRoutes) {
        configure(List.copyOf(newAddresses), List.copyOf(newRoutes));
    }

    private void configure(List<Ipv4Cidr> configured, List<Route> extra) {
        Ipv4Cidr[] addresses = configured.toArray(Ipv4Cidr[]::new);
        List<Route> all = new ArrayList<>();
        for (Ipv4Cidr a : addresses) {
            all.add(Route.onLink(a));
        }
        all.addAll(extra);
        all.sort(Comparator.comparingInt((Route r) -> r.destination().prefixLength()).reversed());
        Route[] routes = all.toArray(Route[]::new);
        Ipv4Address[] routeSources = new Ipv4Address[routes.length];
        int[] routeMasks = new int[routes.length];
        int[] routeNetworks = new int[routes.length];
        for (int i = 0; i < routes.length; i++) {
            routeMasks[i] = routes[i].destination().netmask().bits();
            routeNetworks[i] = routes[i].destination().network().bits();
            Ipv4Address toward = routes[i].isOnLink() ? routes[i].destination().network() : routes[i].gateway();
            routeSources[i] = addresses.length == 0 ? null : addresses[0].address();
            for (Ipv4Cidr a : addresses) {
                if (a.contains(toward)) {
                    routeSources[i] = a.address();
                    break;
                }
            }
        }
        this.addresses = addresses;
        this.routes = routes;
        this.routeSources = routeSources;
        this.routeMasks = routeMasks;
        this.routeNetworks = routeNetworks;
    }

    /** The routes beyond the on-link ones of the addresses, longest prefix first. */
    public List<Route> extraRoutes() {
        List<Route> out = new ArrayList<>();
        for (Route r : routes) {
            if (!r.isOnLink()) {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }

    /** The link MTU: the largest datagram sent without fragmenting. */
    public int mtu() {
        return link.mtu();
    }

    /** The configured addresses. */
    public List<Ipv4Cidr> addresses() {
        return List.of(addresses);
    }

    /**
     * {@code bits} as an address: the configured instance if it is one of ours (no allocation on
     * a receive path), else a new one.
     */
    public Ipv4Address address(int bits) {
        for (Ipv4Cidr a : addresses) {
            if (a.address().bits() == bits) {
                return a.address();
            }
        }
        return bits == -1 ? Ipv4Address.BROADCAST : new Ipv4Address(bits);
    }

    /** True if {@code address} is one of this host's unicast addresses. */
    public boolean isLocalUnicast(int address) {
        for (Ipv4Cidr a : addresses) {
            if (a.address().bits() == address) {
                return true;
            }
        }
        return false;
    }

    /** True if a datagram to {@code address} reaches this host: ours, limited or directed broadcast. */
    public boolean isForUs(int address) {
        if (address == -1) {
            return true;
        }
        if (addresses.length == 0) {
            // Unconfigured, as a DHCP client is: a server may unicast its offer to the address
            // it offers (RFC 2131 section 4.1) before that address is ours.
            return (address >>> 28) != 0xe;
        }
        for (Ipv4Cidr a : addresses) {
            if (a.address().bits() == address
                    || (a.prefixLength() < 31 && a.broadcast().bits() == address)) {
                return true;
            }
        }
        return false;
    }

    /** The source this engine would choose to reach {@code destination}, or null if there is no route. */
    public Ipv4Address source(Ipv4Address destination) {
        int bits = destination.bits();
        if (bits == -1 || destination.isMulticast()) {
            // RFC 1122 section 3.2.1.3: 0.0.0.0 is a source only while the host learns its address
            return addresses.length == 0 ? Ipv4Address.UNSPECIFIED : addresses[0].address();
        }
        int r = route(bits);
        return r < 0 ? null : routeSources[r];
    }

    private int route(int destination) {
        for (int i = 0; i < routes.length; i++) {
            if ((destination & routeMasks[i]) == routeNetworks[i]) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Takes one datagram from the link: {@code [offset, offset + length)} of {@code buffer},
     * position and limit untouched.
     *
     * @return the datagram if it is whole and for this host (the last fragment of one completes
     *     it): a checked view, header at {@code offset()}, payload at {@code payloadOffset()},
     *     over {@code buffer} or over the engine's reassembly buffer; valid until the next
     *     {@code receive} or {@link #poll}. Null if it was dropped and counted, or is a fragment kept for
     *     reassembly. A caller with no transport for its protocol counts it with
     *     {@link #unknownProtocol()}.
     * @throws IndexOutOfBoundsException if the region lies outside the buffer (a caller's bug)
     */
    public Ipv4Packet receive(long now, ByteBuffer buffer, int offset, int length) {
        reassembly.release();
        packetsReceived++;
        Ipv4Packet p = view;
        if (!p.check(buffer, offset, length)) {
            headerErrors++;
            return null;
        }
        if (!p.checksumVerifies()) {
            headerErrors++;
            badChecksum++;
            return null;
        }
        if ((p.flags() & Ipv4Packet.FLAG_RESERVED) != 0) {
            headerErrors++;
            return null;
        }
        if (p.headerLength() > Ipv4Packet.MIN_HEADER_LENGTH && !p.optionsWellFormed()) {
            headerErrors++; // an option of length 0 or 1, or running past the header (RFC 791 section 3.1)
            return null;
        }
        int src = p.source();
        // RFC 1122 section 3.2.1.3: a broadcast, multicast or loopback source is discarded; and, as
        // Linux discards a "martian" source, one of our own addresses (a land attack, or a loop).
        if (src == -1 || (src >>> 28) == 0xe || (src >>> 24) == 127 || isDirectedBroadcast(src) || isLocalUnicast(src)) {
            headerErrors++;
            return null;
        }
        if (p.ttl() == 0) {
            headerErrors++;
            ttlZero++;
            return null;
        }
        if (!isForUs(p.destination())) {
            notForUs++;
            return null;
        }
        if (p.moreFragments() || p.fragmentOffset() != 0) {
            fragmentsReceived++;
            int expired = reassembly.expire(now);
            reassemblyTimeouts += expired;
            reassemblyFailures += expired;
            switch (reassembly.add(now, p)) {
                case PENDING -> { }
                case COMPLETE -> {
                    reassembled++;
                    packetsReturned++;
                    return reassembly.complete; // its buffer is released by the next call
                }
                case MALFORMED, OVER_LIMIT -> reassemblyFailures++;
                case OVERLAP -> {
                    reassemblyFailures++;
                    reassemblyOverlaps++;
                }
            }
            return null;
        }
        packetsReturned++;
        return p;
    }

    /**
     * Counts a datagram {@link #receive} returned that no transport takes (its protocol is not
     * handled here: the caller answers with ICMP Protocol Unreachable, RFC 1122 section 3.2.2.1).
     */
    public void unknownProtocol() {
        unknownProtocol++;
    }

    private boolean isDirectedBroadcast(int address) {
        for (Ipv4Cidr a : addresses) {
            if (a.prefixLength() < 31 && a.broadcast().bits() == address) {
                return true;
            }
        }
        return false;
    }

    /** When {@link #poll} has something to do: the oldest reassembly's deadline, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
        return reassembly.nextDeadline();
    }

    /** Expires reassemblies past their lifetime; returns the next deadline, or {@code Long.MAX_VALUE}. */
    public long poll(long now) {
        reassembly.release();
        int expired = reassembly.expire(now);
        reassemblyTimeouts += expired;
        reassemblyFailures += expired;
        return reassembly.nextDeadline();
    }

    /**
     * Sends {@code payload} (position to limit; neither moved nor kept) as one datagram, or as
     * fragments if it does not fit the link MTU.
     *
     * @param source {@link Ipv4Address#UNSPECIFIED} to let the engine choose
     * @param ttl 1-255
     */
    public Outcome send(long now, Ipv4Address source, Ipv4Address destination, int protocol, int ttl,
            Ipv4.Fragmentation fragmentation, ByteBuffer payload) {
        int length = payload.remaining();
        if (length > Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH) {
            fragmentationRefused++;
            return Outcome.MESSAGE_TOO_LONG;
        }
        int dst = destination.bits();
        Ipv4Address nextHop;
        Ipv4Address chosen;
        if (dst == -1 || destination.isMulticast()) {
            nextHop = destination;
            chosen = addresses.length == 0 ? Ipv4Address.UNSPECIFIED : addresses[0].address();
        } else {
            int r = route(dst);
            if (r < 0) {
                noRoute++;
                return Outcome.NO_ROUTE;
            }
            nextHop = routes[r].isOnLink() ? destination : routes[r].gateway();
            chosen = routeSources[r];
        }
        if (!source.isUnspecified()) {
            chosen = source;
        }
        if (chosen == null) {
            noRoute++;
            return Outcome.NO_ROUTE;
        }
        int mtu = link.mtu();
        int hl = Ipv4Packet.MIN_HEADER_LENGTH;
        boolean df = fragmentation == Ipv4.Fragmentation.DONT_FRAGMENT;
        if (hl + length > mtu && df) {
            fragmentationRefused++;
            return Outcome.MESSAGE_TOO_LONG;
        }
        int id = nextIdentification;
        nextIdentification = (id + 1) & 0xffff;
        int src = chosen.bits();
        int start = payload.position();
        ByteBuffer b = tx;
        if (hl + length <= mtu) {
            writeHeader(b, hl + length, id, df ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0, ttl, protocol, src, dst);
            b.put(hl, payload, start, length);
            b.limit(hl + length).position(0);
            packetsSent++;
            link.transmit(now, nextHop, b);
            b.clear();
            return Outcome.SENT;
        }
        // RFC 791 section 3.2, "An Example Fragmentation Procedure": all but the last carry a multiple of 8 octets.
        int per = (mtu - hl) & ~7;
        for (int off = 0; off < length; off += per) {
            int n = Math.min(per, length - off);
            boolean more = off + n < length;
            writeHeader(b, hl + n, id, (more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | off >>> 3, ttl, protocol, src, dst);
            b.put(hl, payload, start + off, n);
            b.limit(hl + n).position(0);
            fragmentsSent++;
            link.transmit(now, nextHop, b);
            b.clear();
        }
        packetsSent++;
        return Outcome.SENT;
    }

    /**
     * The engine's transmit buffer, for a transport that writes its datagram's payload in place
     * at index {@link Ipv4Packet#MIN_HEADER_LENGTH} and then calls {@link #sendPrepared}: one copy
     * less per datagram than {@link #send}. Owned by the engine; its content is valid only until
     * the next send of any kind, and callers must not change its position, limit or capacity
     * (a {@link ByteBuffer#slice(int, int) slice} taken once is the convenient handle).
     */
    public ByteBuffer transmitBuffer() {
        return tx;
    }

    /**
     * As {@link #send}, for the {@code length} payload bytes already written at index 20 of
     * {@link #transmitBuffer()}. A payload that needs fragmenting is copied out and sent as
     * {@link #send} would (a transport that clamps its segments to {@link #mtu()} never does).
     */
    public Outcome sendPrepared(long now, Ipv4Address source, Ipv4Address destination, int protocol, int ttl,
            Ipv4.Fragmentation fragmentation, int length) {
        int hl = Ipv4Packet.MIN_HEADER_LENGTH;
        int dst = destination.bits();
        if (hl + length > link.mtu() || length > Ipv4Packet.MAX_TOTAL_LENGTH - hl || dst == -1
                || destination.isMulticast() || source.isUnspecified()) {
            ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, tx, hl, length);
            return send(now, source, destination, protocol, ttl, fragmentation, copy);
        }
        Ipv4Address nextHop = nextHop(destination, dst);
        if (nextHop == null) {
            return Outcome.NO_ROUTE;
        }
        int id = nextIdentification;
        nextIdentification = (id + 1) & 0xffff;
        boolean df = fragmentation == Ipv4.Fragmentation.DONT_FRAGMENT;
        ByteBuffer b = tx;
        writeHeader(b, hl + length, id, df ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0, ttl, protocol, source.bits(), dst);
        b.limit(hl + length).position(0);
        packetsSent++;
        link.transmit(now, nextHop, b);
        b.clear();
        return Outcome.SENT;
    }

    /** The next hop to {@code destination} (whose bits are {@code dst}), or null, counted, if there is no route. */
    private Ipv4Address nextHop(Ipv4Address destination, int dst) {
        int r = route(dst);
        if (r < 0) {
            noRoute++;
            return null;
        }
        return routes[r].isOnLink() ? destination : routes[r].gateway();
    }

    /**
     * The largest datagram {@link #sendPreparedSegmented} takes, header included: the link's
     * segmentation limit, or 0 if it has no segmentation offload.
     */
    public int maxSegmentedDatagram() {
        return Math.min(link.maxSegmentedDatagram(), Ipv4Packet.MAX_TOTAL_LENGTH);
    }

    /**
     * As {@link #sendPrepared} for a TCP datagram of {@code length} payload bytes the link cuts
     * into {@code segments} segments of {@code segmentSize} payload bytes
     * ({@link Ipv4Link#transmitSegmented}): never fragmented, sent without Don't Fragment (as
     * each of its segments would be), and counted as {@code segments} datagrams using as many
     * Identification values (the segments get consecutive ones).
     *
     * @return {@code MESSAGE_TOO_LONG} if the datagram exceeds {@link #maxSegmentedDatagram()}
     *     or is not a unicast from a given source (never the case for TCP), {@code NO_ROUTE}
     *     without a route, else {@code SENT}
     */
    public Outcome sendPreparedSegmented(long now, Ipv4Address source, Ipv4Address destination, int ttl,
            Ipv4.Fragmentation fragmentation, int length, int segmentSize, int segments) {
        int hl = Ipv4Packet.MIN_HEADER_LENGTH;
        int dst = destination.bits();
        if (hl + length > maxSegmentedDatagram() || dst == -1 || destination.isMulticast() || source.isUnspecified()
                || segments < 1) {
            fragmentationRefused++;
            return Outcome.MESSAGE_TOO_LONG;
        }
        Ipv4Address nextHop = nextHop(destination, dst);
        if (nextHop == null) {
            return Outcome.NO_ROUTE;
        }
        int id = nextIdentification;
        nextIdentification = (id + segments) & 0xffff;
        ByteBuffer b = tx;
        int df = fragmentation == Ipv4.Fragmentation.DONT_FRAGMENT ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0;
        writeHeader(b, hl + length, id, df, ttl, Ipv4Packet.PROTOCOL_TCP, source.bits(), dst);
        b.limit(hl + length).position(0);
        packetsSent += segments;
        link.transmitSegmented(now, nextHop, b, segmentSize);
        b.clear();
        return Outcome.SENT;
    }

    private static void writeHeader(ByteBuffer b, int totalLength, int id, int flagsFragment, int ttl, int protocol,
            int src, int dst) {
        b.clear();
        b.put(Ipv4Packet.VERSION_IHL, (byte) (Ipv4Packet.VERSION << 4 | Ipv4Packet.MIN_HEADER_LENGTH / 4));
        b.put(Ipv4Packet.DSCP_ECN, (byte) 0);
        b.putShort(Ipv4Packet.TOTAL_LENGTH, (short) totalLength);
        b.putShort(Ipv4Packet.IDENTIFICATION, (short) id);
        b.putShort(Ipv4Packet.FLAGS_FRAGMENT, (short) flagsFragment);
        b.put(Ipv4Packet.TTL, (byte) ttl);
        b.put(Ipv4Packet.PROTOCOL, (byte) protocol);
        b.putShort(Ipv4Packet.CHECKSUM, (short) 0);
        b.putInt(Ipv4Packet.SOURCE, src);
        b.putInt(Ipv4Packet.DESTINATION, dst);
        b.putShort(Ipv4Packet.CHECKSUM, (short) InternetChecksum.of(b, 0, Ipv4Packet.MIN_HEADER_LENGTH));
    }

    /**
     * Bytes held by reassembly buffers now (bounded by the configured limit); a datagram
     * {@link #receive} returned whole is released first (this is a call into the engine).
     */
    public long reassemblyBytes() {
        reassembly.release();
        return reassembly.bytes();
    }

    /** Datagrams in reassembly now; as {@link #reassemblyBytes}, one returned whole is released first. */
    public int reassemblyActive() {
        reassembly.release();
        return reassembly.active();
    }

    /** The counters of {@link Ipv4#stats()}. */
    public Ipv4.Stats stats() {
        return new Ipv4.Stats(packetsReceived, packetsReturned - unknownProtocol, packetsSent, headerErrors, notForUs, unknownProtocol,
                fragmentsReceived, reassemblyFailures, noRoute);
    }

    /** Received with a header checksum that does not verify (also in {@code headerErrors}). */
    public long badChecksum() {
        return badChecksum;
    }

    /** Received with TTL 0 (also in {@code headerErrors}). */
    public long ttlZero() {
        return ttlZero;
    }

    /** Datagrams reassembled from fragments. */
    public long reassembled() {
        return reassembled;
    }

    /** Datagrams discarded for overlapping fragments (also in {@code reassemblyFailures}). */
    public long reassemblyOverlaps() {
        return reassemblyOverlaps;
    }

    /** Datagrams discarded on the reassembly timeout (also in {@code reassemblyFailures}). */
    public long reassemblyTimeouts() {
        return reassemblyTimeouts;
    }

    /** Fragments sent. */
    public long fragmentsSent() {
        return fragmentsSent;
    }

    /** Datagrams refused as too long: over the MTU with Don't Fragment, or over 65535 bytes. */
    public long fragmentationRefused() {
        return fragmentationRefused;
    }
}
