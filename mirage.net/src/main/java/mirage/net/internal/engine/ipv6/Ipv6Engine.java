package mirage.net.internal.engine.ipv6;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv6;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.icmp.Icmpv6Errors;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ndp.NdpRouting;
import mirage.net.internal.engine.ndp.NeighborCache;
import mirage.net.internal.engine.ndp.NeighborDiscovery;
import mirage.net.internal.engine.ndp.RoutingConfig;
import mirage.net.internal.engine.ndp.Slaac;
import mirage.net.internal.engine.ndp.SlaacConfig;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.NdpOption;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.WireError;

/**
 * The IPv6 layer of a host (RFC 8200, RFC 4861 for neighbours, RFC 4443 for ICMPv6), sans-IO:
 * packets and the time come in through {@link #receive}, {@link #icmp} and {@link #poll};
 * packets leave through the {@link Ipv6Link}, resolved by the engine's {@link NeighborCache}.
 * It forwards nothing.
 *
 * <h2>Receive</h2>
 * A packet whose fixed header fails the wire checks, from a multicast or IPv4-mapped source,
 * or to an IPv4-mapped destination (RFC 4291 section 2.5.5.2: those never appear on the wire;
 * refusing them also keeps the transports' one key space of both families apart) is dropped and
 * counted; one to an address that is not ours (our unicast addresses, all-nodes
 * {@code ff02::1} and the solicited-node groups of our addresses) too. The extension-header
 * chain is walked as a destination does ({@link Ipv6HeaderChain#check}); its verdict is acted
 * on as decision 0063's table says (drop, or Parameter Problem with the chain's code and
 * pointer). A fragment goes to the {@link Ipv6Reassembly} (decision 0068): {@link #receive}
 * returns the whole packet when its last fragment comes (an atomic fragment, RFC 6946, at once),
 * its chain walked again; fragments dropped (overlaps, limits, RFC 5722) are counted in the
 * stats' {@code fragmentsDropped} and by kind in {@link #reassembly()}; a datagram abandoned
 * after 60 seconds whose first fragment came is answered with Time Exceeded code 1 from
 * {@link #poll}.
 * {@link #receive} returns the rest for the binding to hand to its upper layer by
 * {@link #chain()}'s {@link Ipv6HeaderChain#upperLayerProtocol()}: ICMPv6 back to
 * {@link #icmp}, UDP and TCP to their engines, anything else to {@link #unknownNextHeader}.
 *
 * <h2>ICMPv6 and Neighbor Discovery</h2>
 * {@link #icmp} takes messages valid by {@link Icmpv6Repr#parse}: Echo Requests are answered
 * (RFC 4443 section 4.2); Neighbor Discovery and MLD messages go to the engine's
 * {@link NeighborDiscovery} (decisions 0067, 0070), which answers solicitations for our
 * addresses, detects duplicates of ours, keeps the router and prefix lists, forms SLAAC
 * addresses, follows redirects, answers MLD queries and drives the neighbour cache's
 * reachability states, and sends through this engine's {@link NeighborDiscovery.Link} methods
 * ({@link #start} begins it: router solicitation, duplicate address detection of the
 * link-local and static addresses). A Router Advertisement's MTU option becomes the link MTU.
 * An error received that quotes a packet of ours goes to the {@link ErrorListener} (the
 * transports); a Packet Too Big first lowers the destination's path MTU ({@link Ipv6PathMtus},
 * RFC 8201). Our addresses are {@link Slaac}'s assigned ones: a tentative or duplicate address
 * is never a source and takes no packets.
 *
 * <h2>Send</h2>
 * The source is {@link Slaac#sourceAddress}'s (RFC 6724's rules for one interface), the next
 * hop {@link NdpRouting#nextHop}'s (on-link prefixes, the selected default router, redirects);
 * a multicast destination goes to its Ethernet group. A packet larger than the path MTU towards
 * its destination is sent in fragments ({@link Ipv6Fragmenter}); payloads up to 65535 octets
 * are taken. Unicast next hops go through the neighbour cache, which solicits (to the
 * solicited-node group, section 7.2.2) and queues while resolving. Errors we send (Parameter
 * Problem, Port Unreachable, Time Exceeded) go through {@link Icmpv6Errors}: RFC 4443 section
 * 2.4 (e)'s rules (never about an error, a packet to multicast or in a link-layer multicast
 * frame, but for the option code that asks for it; never to an unspecified or multicast
 * source) and (f)'s rate limit.
 *
 * <p>Not thread-safe: owned by one event loop. Nothing read from the network throws.
 */
public final class Ipv6Engine implements NeighborDiscovery.Link {

    /** Hears of ICMPv6 errors about packets this host sent: the transports (RFC 4443 section 2.4 (d)). */
    public interface ErrorListener {
        /**
         * @param type the ICMPv6 type (1 Destination Unreachable, 2 Packet Too Big, 3 Time
         *     Exceeded, 4 Parameter Problem)
         * @param code its code
         * @param pathMtu for Packet Too Big, the path MTU it lowered to; else 0
         * @param quoted the packet it quotes, a view checked with {@link Ipv6Packet#checkQuoted}
         *     whose source is ours, lent for the call
         */
        void icmpError(long now, int type, int code, int pathMtu, Ipv6Packet quoted);
    }

    /** Hears of our addresses that Duplicate Address Detection found in use by another node (RFC 4862 section 5.4.5). */
    public interface DuplicateListener {
        /**
         * {@code address} is another node's: it is never used as a source nor answered for.
         * Called once per address found duplicate, on the loop, from inside the engine.
         *
         * @param retrying a new RFC 7217 identifier is being tried on the same prefix
         * @param linkLocalFailed it was the link-local address with no retry left: the interface
         *     has no link-local address, IPv6 on it cannot work (section 5.4.5)
         */
        void duplicateAddress(Ipv6Cidr address, boolean retrying, boolean linkLocalFailed);
    }

    private static final DuplicateListener NO_DUPLICATE_LISTENER = new DuplicateListener() {
        @Override
        public void duplicateAddress(Ipv6Cidr address, boolean retrying, boolean linkLocalFailed) {
            // nobody listens
        }
    };

    private static final ErrorListener NO_LISTENER = new ErrorListener() {
        @Override
        public void icmpError(long now, int type, int code, int pathMtu, Ipv6Packet quoted) {
            // nobody listens
        }
    };

    /** Hop limit of Neighbor Discovery messages (RFC 4861 section 4: 255, checked by receivers). */
    static final int ND_HOP_LIMIT = 255;
    private static final long LINK_LOCAL_ALL_HIGH = 0xff02_0000_0000_0000L;

    /** The multicast groups MLD holds: two per address (solicited-node groups) and room for applications. */
    private static final int MAX_GROUPS = 40;
    /** Hop-by-Hop Options header of an MLD report: next header ICMPv6, length 0, Router Alert (MLD), PadN (RFC 3810 section 5). */
    private static final byte[] MLD_HOP_BY_HOP = {58, 0, 5, 2, 0, 0, 1, 0};

    private final Ipv6Link link;
    private final NeighborDiscovery nd;
    private final NeighborCache cache;
    /** The static addresses and router, given to Neighbor Discovery by {@link #start}. */
    private final List<Ipv6Cidr> manual;
    private final Ipv6Address staticRouter;
    /** The time of the call being handled: Neighbor Discovery's link methods take none. */
    private long clock;
    private final Ipv6Packet view = new Ipv6Packet();
    private final Ipv6HeaderChain chain = new Ipv6HeaderChain();
    private final Icmpv6Packet icmpView = new Icmpv6Packet();
    private final byte[] txBytes;
    private final ByteBuffer tx;
    /** A second view of {@link #tx} whose limit marks a super-segment for the link's offload. */
    private final ByteBuffer txSegmented;
    /** Neighbor Solicitations are written here: the cache asks for one while {@link #tx} holds the packet it queues. */
    private final ByteBuffer ndTx = ByteBuffer.allocate(Ipv6Packet.HEADER_LENGTH + 32);
    private final Ipv6Reassembly reassembly = new Ipv6Reassembly(Ipv6Reassembly.Limits.DEFAULTS);
    private final Ipv6Fragmenter fragmenter;
    private final Ipv6PathMtus pathMtus;
    private final Icmpv6Errors errors;
    private final Outgoing outgoing = new Outgoing();
    /** A view over {@link #tx} for the fragmenter. */
    private final Ipv6Packet txView = new Ipv6Packet();
    /** The packet an ICMPv6 error we received quotes. */
    private final Ipv6Packet quoted = new Ipv6Packet();
    private ErrorListener errorListener = NO_LISTENER;
    private DuplicateListener duplicateListener = NO_DUPLICATE_LISTENER;
    /** Whether the packet being received came in a link-layer multicast or broadcast frame. */
    private boolean linkMulticast;
    /** Where the fragments of the packet being sent go: its multicast group's address, else its next hop. */
    private MacAddress sendGroup;
    private Ipv6Address sendHop;

    private long packetsReceived;
    private long packetsReturned;
    private long packetsSent;
    private long headerErrors;
    private long notForUs;
    private long unknownNextHeader;
    private long fragmentsDropped;
    private long parameterProblemsSent;
    private long destinationUnreachablesSent;
    private long timeExceededSent;
    private long noRoute;
    private long tooLong;
    private long icmpReceived;
    private long icmpMalformed;
    private long icmpErrorsReceived;
    private long icmpErrorsIgnored;
    private long echoRepliesSent;
    private long solicitationsAnswered;
    private long advertisementsReceived;
    private long ndpNotHandled;
    private long addressUnreachable;
    private long sendDropped;
    private long routerAdvertisements;
    private long duplicateAddresses;

    /**
     * The engine, idle until {@link #start}: no address is held before.
     *
     * @param rng for the neighbour cache's ReachableTime draws and every random choice of
     *     Neighbor Discovery (delays, nonces)
     * @throws IllegalArgumentException if the link's MTU is below 1280 (RFC 8200 section 5)
     */
    public Ipv6Engine(Ipv6Config config, Ipv6Link link, Rng rng, long now) {
        Objects.requireNonNull(config, "config");
        this.link = Objects.requireNonNull(link, "link");
        int mtu = link.mtu();
        if (mtu < Ipv6Packet.MINIMUM_MTU) {
            throw new IllegalArgumentException("an IPv6 link MTU is at least 1280 (RFC 8200 section 5), got " + mtu);
        }
        this.txBytes = new byte[Ipv6Packet.HEADER_LENGTH + Ipv6Packet.MAX_PAYLOAD_LENGTH];
        this.tx = ByteBuffer.wrap(txBytes);
        this.txSegmented = tx.duplicate();
        RoutingConfig d = RoutingConfig.defaults();
        RoutingConfig routing = new RoutingConfig(d.maxRouters(), d.maxPrefixes(), d.maxDestinations(),
                Ipv6Config.HOP_LIMIT, mtu);
        SlaacConfig slaac = config.slaac().isPresent() ? config.slaac().get() : immediate(link.mac());
        this.nd = new NeighborDiscovery(config.ndp(), routing, slaac, MAX_GROUPS, config.acceptRouterAdvertisements(),
                this, rng, now);
        this.cache = nd.cache();
        this.manual = config.addresses();
        this.staticRouter = config.defaultRouter().orElse(null);
        this.fragmenter = new Ipv6Fragmenter(rng, mtu);
        this.pathMtus = new Ipv6PathMtus(Ipv6PathMtus.DEFAULT_CAPACITY, mtu);
        this.errors = new Icmpv6Errors(outgoing);
        reassembly.onTimeExceeded(outgoing);
    }

    /** EUI-64 identifiers without Duplicate Address Detection: {@link Ipv6Config}'s short form. */
    private static SlaacConfig immediate(MacAddress mac) {
        SlaacConfig e = SlaacConfig.eui64(mac);
        return new SlaacConfig(e.identifiers(), e.mac(), e.netIface(), e.networkId(), e.secretKey(), 0,
                e.retransTimerNanos(), e.maxAddresses(), e.idgenRetries());
    }

    /**
     * The interface is up: the link-local address is formed and Duplicate Address Detection
     * begins for it and for each static address (their on-link prefixes and the static router
     * are entered for good); Router Solicitation begins when advertisements are accepted
     * (decision 0067's table). Called once, on the loop, before any packet.
     *
     * @return the next deadline
     */
    public long start(long now) {
        clock = now;
        nd.start(now);
        for (Ipv6Cidr c : manual) {
            nd.slaac().addManual(now, c);
            if (!c.address().isLinkLocal()) {
                nd.routing().addOnLinkPrefix(now, new Ipv6Cidr(c.network(), c.prefixLength()), NdpRouting.NEVER);
            }
        }
        if (staticRouter != null) {
            nd.routing().addRouter(now, staticRouter, Icmpv6Repr.RouterPreference.MEDIUM, NdpRouting.NEVER);
        }
        return nextDeadline();
    }

    /** The link MTU: the largest packet (or fragment) sent in one frame; a Router Advertisement's MTU option may lower it. */
    public int mtu() {
        return pathMtus.linkMtu();
    }

    /** The addresses assigned (PREFERRED or DEPRECATED: usable), the link-local one first. */
    public List<Ipv6Cidr> addresses() {
        List<Ipv6Cidr> out = new java.util.ArrayList<>();
        for (Slaac.AddressInfo a : nd.slaac().addresses()) {
            if (a.state() == Slaac.AddressState.PREFERRED || a.state() == Slaac.AddressState.DEPRECATED) {
                out.add(a.address());
            }
        }
        return out;
    }

    /** Every address held, with its state, in the order formed (the link-local one first). */
    public List<Slaac.AddressInfo> addressStates() {
        return nd.slaac().addresses();
    }

    /** The default router selected now, if any. */
    public Optional<Ipv6Address> defaultRouter() {
        return Optional.ofNullable(nd.routing().defaultRouter());
    }

    /** The neighbour cache (for the binding's introspection and tests). */
    public NeighborCache neighbors() {
        return cache;
    }

    /**
     * How many times the set of assigned addresses changed ({@link Slaac#assignedChanges}): the
     * binding compares it after every event to tell listeners, without allocating.
     */
    public long addressChanges() {
        return nd.slaac().assignedChanges();
    }

    /** The default router selected now, or null (no allocation). */
    public Ipv6Address currentRouter() {
        return nd.routing().defaultRouter();
    }

    /** Neighbor Discovery: routers, prefixes, addresses, groups (for the binding's introspection and tests). */
    public NeighborDiscovery neighborDiscovery() {
        return nd;
    }

    // ---------------------------------------------------------------- addresses

    /** Whether {@code high:low} is one of our assigned unicast addresses (not a tentative or duplicate one). */
    public boolean isLocalUnicast(long high, long low) {
        return nd.slaac().assigned(high, low) != null;
    }

    /**
     * Whether a packet to {@code high:low} is for us: an assigned address of ours, all-nodes, or
     * the solicited-node group of an address being probed or assigned (RFC 4862 section 5.4: a
     * tentative address takes nothing but Neighbor Discovery, which comes to its group).
     */
    public boolean isForUs(long high, long low) {
        if (high == LINK_LOCAL_ALL_HIGH) {
            if (low == 1) {
                return true;
            }
            if ((low & 0xffff_ffff_ff00_0000L) == 0x1_ff00_0000L) {
                return nd.slaac().listensToSolicitedNode(low & 0xff_ffffL);
            }
            return false;
        }
        return isLocalUnicast(high, low);
    }

    /** {@code high:low} as an address: our own instance if it is assigned (no allocation), else a new one. */
    public Ipv6Address address(long high, long low) {
        Ipv6Address a = nd.slaac().assigned(high, low);
        return a != null ? a : new Ipv6Address(high, low);
    }

    /**
     * The source to reach {@code destination} with (RFC 6724's rules for one interface:
     * {@link Slaac#sourceAddress}), or null while no address is assigned. Tentative and
     * duplicate addresses are never chosen.
     */
    public Ipv6Address source(Ipv6Address destination) {
        return nd.slaac().sourceAddress(destination);
    }

    // ---------------------------------------------------------------- receive

    /**
     * Takes one packet from the link: {@code [offset, offset + length)} of {@code buffer}, position
     * and limit untouched (a frame may carry padding after it: the Payload Length field rules).
     *
     * @return the packet if it is for us and its chain passed, for the caller to dispatch by
     *     {@link #chain()}; a checked view over {@code buffer}, valid until the next call. Null
     *     if it was dropped (counted) or answered with a Parameter Problem.
     */
    public Ipv6Packet receive(long now, ByteBuffer buffer, int offset, int length) {
        return receive(now, buffer, offset, length, false);
    }

    /**
     * As {@link #receive(long, ByteBuffer, int, int)}, for a packet that came in a link-layer
     * multicast or broadcast frame if {@code linkMulticast} (no error is sent about those, RFC
     * 4443 section 2.4 (e.4)). A fragment goes to the reassembly: the packet returned is then the
     * whole one, a view over the reassembly's buffer, valid until the next call.
     */
    public Ipv6Packet receive(long now, ByteBuffer buffer, int offset, int length, boolean linkMulticast) {
        packetsReceived++;
        this.linkMulticast = linkMulticast;
        Ipv6Packet p = view;
        if (!p.check(buffer, offset, length)) {
            headerErrors++;
            return null;
        }
        long sh = p.sourceHigh();
        long sl = p.sourceLow();
        long dh = p.destinationHigh();
        long dl = p.destinationLow();
        if ((sh >>> 56) == 0xff || isMapped(sh, sl) || isMapped(dh, dl) || (sh == 0 && sl == 1) || (dh == 0 && dl == 1)) {
            headerErrors++; // multicast, IPv4-mapped or loopback on the wire (RFC 4291 sections 2.5.3, 2.5.5.2, 2.7)
            return null;
        }
        if (!isForUs(dh, dl)) {
            notForUs++;
            return null;
        }
        Ipv6HeaderChain c = chain;
        if (!c.check(p)) {
            chainFailed(now, p, c);
            return null;
        }
        if (c.isFragment()) {
            Ipv6Reassembly.Outcome o = reassembly.add(now, p, c);
            if (!o.delivers()) {
                if (o == Ipv6Reassembly.Outcome.TOO_LONG) {
                    parameterProblem(now, p, Icmpv6Repr.ParameterProblemCode.ERRONEOUS_HEADER_FIELD,
                            reassembly.errorPointer());
                }
                if (o != Ipv6Reassembly.Outcome.PENDING) {
                    fragmentsDropped++; // and by kind in reassembly().count
                }
                return null;
            }
            // the whole packet (RFC 8200 section 4.5; an atomic fragment, RFC 6946, without its Fragment header)
            p = reassembly.complete();
            if (!c.check(p)) {
                chainFailed(now, p, c);
                return null;
            }
        }
        if (c.upperLayerProtocol() == Ipv6HeaderChain.NO_NEXT_HEADER) {
            packetsReturned++;
            unknownNextHeader++; // "there is nothing following that header": nothing to deliver, nothing to answer
            return null;
        }
        packetsReturned++;
        return p;
    }

    private static boolean isMapped(long high, long low) {
        return high == 0 && (low >>> 32) == 0xffffL;
    }

    /** The chain of the packet {@link #receive} returned last: its upper-layer protocol, offset and length. */
    public Ipv6HeaderChain chain() {
        return chain;
    }

    private void chainFailed(long now, Ipv6Packet p, Ipv6HeaderChain c) {
        headerErrors++;
        WireError e = c.error();
        Icmpv6Repr.ParameterProblemCode code;
        switch (e) {
            case UNRECOGNIZED_NEXT_HEADER -> code = Icmpv6Repr.ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER;
            case UNRECOGNIZED_ROUTING_TYPE, BAD_FRAGMENT -> code = Icmpv6Repr.ParameterProblemCode.ERRONEOUS_HEADER_FIELD;
            case INCOMPLETE_HEADER_CHAIN -> code = Icmpv6Repr.ParameterProblemCode.INCOMPLETE_HEADER_CHAIN;
            case UNRECOGNIZED_OPTION -> {
                if (c.optionAction() == null || !c.optionAction().reports(p.destinationIsMulticast())) {
                    return; // skip was handled by the walk; "discard" asks for nothing more
                }
                code = Icmpv6Repr.ParameterProblemCode.UNRECOGNIZED_OPTION;
            }
            default -> {
                return; // TRUNCATED, BAD_OPTIONS, TOO_MANY_HEADERS: dropped silently
            }
        }
        if (c.errorPointer() >= 0) {
            parameterProblem(now, p, code, c.errorPointer());
        }
    }

    /**
     * Counts a packet {@link #receive} returned whose upper-layer protocol no layer takes and
     * answers it with Parameter Problem code 1 pointing at the Next Header field that named it
     * (RFC 8200 section 4).
     */
    public void unknownNextHeader(long now, Ipv6Packet p) {
        unknownNextHeader++;
        parameterProblem(now, p, Icmpv6Repr.ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER,
                chain.upperLayerPointer() - p.offset());
    }

    /** Answers a packet {@link #receive} returned, UDP to a port nobody listens on, with Port Unreachable (RFC 4443 section 3.1). */
    public void portUnreachable(long now, Ipv6Packet p) {
        if (errors.destinationUnreachable(now, p, linkMulticast, Icmpv6Repr.UnreachableCode.PORT_UNREACHABLE)
                == Icmpv6Errors.Verdict.SENT) {
            destinationUnreachablesSent++;
        }
    }

    /** A Parameter Problem through {@link #errors}: RFC 4443 section 2.4 (e)'s rules and (f)'s rate limit. */
    private void parameterProblem(long now, Ipv6Packet p, Icmpv6Repr.ParameterProblemCode code, int pointer) {
        if (errors.parameterProblem(now, p, linkMulticast, code, pointer) == Icmpv6Errors.Verdict.SENT) {
            parameterProblemsSent++;
        }
    }

    // ---------------------------------------------------------------- ICMPv6

    /** The ICMPv6 message of the packet {@link #receive} returned last (upper-layer protocol 58). */
    public void icmp(long now, Ipv6Packet p) {
        icmpReceived++;
        Icmpv6Packet m = icmpView;
        if (!m.check(p.buffer(), chain.upperLayerOffset(), chain.upperLayerLength())) {
            icmpMalformed++;
            return;
        }
        Ipv6Address source = new Ipv6Address(p.sourceHigh(), p.sourceLow());
        Ipv6Address destination = address(p.destinationHigh(), p.destinationLow());
        Icmpv6Repr repr;
        switch (Icmpv6Repr.parse(m, source, destination, p.hopLimit())) {
            case Parsed.Ok<Icmpv6Repr> ok -> repr = ok.value();
            case Parsed.Err<Icmpv6Repr> err -> {
                icmpMalformed++;
                return;
            }
        }
        switch (repr) {
            case Icmpv6Repr.Echo e when e.kind() == Icmpv6Repr.Echo.Kind.REQUEST -> {
                if (source.isUnspecified()) {
                    return;
                }
                Ipv6Address from = p.destinationIsMulticast() ? source(source) : destination;
                if (from != null) {
                    echoRepliesSent++;
                    sendIcmp(now, from, source, nd.routing().curHopLimit(), e.reply());
                }
            }
            case Icmpv6Repr.NeighborSolicitation ns -> neighborDiscovery(now, source, destination, ns);
            case Icmpv6Repr.NeighborAdvertisement na -> {
                advertisementsReceived++;
                neighborDiscovery(now, source, destination, na);
            }
            case Icmpv6Repr.RouterAdvertisement ra -> {
                routerAdvertisements++;
                neighborDiscovery(now, source, destination, ra);
                int linkMtu = nd.routing().linkMtu();
                if (linkMtu != pathMtus.linkMtu()) {
                    pathMtus.setLinkMtu(linkMtu); // the MTU option (RFC 4861 section 6.3.4), bounded by the link's own
                }
            }
            case Icmpv6Repr.Redirect r -> neighborDiscovery(now, source, destination, r);
            case Icmpv6Repr.MulticastListenerQuery q -> neighborDiscovery(now, source, destination, q);
            case Icmpv6Repr.MulticastListenerQueryV1 q -> neighborDiscovery(now, source, destination, q);
            case Icmpv6Repr.Error error -> error(now, p, m, error);
            // Router Solicitations (a host discards them, RFC 4861 section 6.2.6), echo replies, MLD reports.
            default -> ndpNotHandled++;
        }
    }

    /** A Neighbor Discovery or MLD message to {@link NeighborDiscovery}, which answers through this engine's link methods. */
    private void neighborDiscovery(long now, Ipv6Address source, Ipv6Address destination, Icmpv6Repr message) {
        clock = now;
        nd.receive(now, source, destination, message);
    }

    /**
     * An ICMPv6 error received (RFC 4443 section 2.4 (d)): its quoted packet must be one of ours
     * (a source of ours), else it is only counted. A Packet Too Big goes to the path MTUs (RFC
     * 8201); the error listener hears of it only when it lowered the path MTU, with the new
     * value. Destination Unreachable, Time Exceeded and Parameter Problem go to the listener
     * (the transport of the quoted packet decides what they mean).
     */
    private void error(long now, Ipv6Packet p, Icmpv6Packet m, Icmpv6Repr.Error error) {
        icmpErrorsReceived++;
        int at = chain.upperLayerOffset() + Icmpv6Packet.HEADER_LENGTH;
        int length = chain.upperLayerLength() - Icmpv6Packet.HEADER_LENGTH;
        Ipv6Packet q = quoted;
        if (length < Ipv6Packet.HEADER_LENGTH || !q.checkQuoted(p.buffer(), at, length)
                || !isLocalUnicast(q.sourceHigh(), q.sourceLow())) {
            icmpErrorsIgnored++;
            return;
        }
        int mtu = 0;
        if (error instanceof Icmpv6Repr.PacketTooBig tooBig) {
            if (pathMtus.packetTooBig(now, tooBig.mtu(), q) != Ipv6PathMtus.Update.LOWERED) {
                return;
            }
            mtu = pathMtus.pathMtu(now, q.destinationHigh(), q.destinationLow());
        }
        errorListener.icmpError(now, m.type(), m.code(), mtu, q);
    }

    private void sendIcmp(long now, Ipv6Address source, Ipv6Address destination, int hopLimit, Icmpv6Repr message) {
        int len = message.bufferLen();
        if (len > Ipv6Packet.MAX_PAYLOAD_LENGTH) {
            tooLong++;
            return;
        }
        message.emit(tx, Ipv6Packet.HEADER_LENGTH, source, destination);
        route(now, source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, hopLimit, len);
    }

    // ---------------------------------------------------------------- send

    /**
     * Sends {@code payload} (position to limit; neither moved nor kept) as one packet with
     * {@code nextHeader} and hop limit 64.
     *
     * @param source {@link Ipv6Address#UNSPECIFIED} to let the engine choose
     * @return {@code MESSAGE_TOO_LONG} if the payload exceeds 65535 octets, {@code NO_ROUTE}
     *     without an address or route, else {@code SENT} (in fragments if larger than the path
     *     MTU; possibly queued for neighbour resolution)
     */
    public Ipv4Engine.Outcome send(long now, Ipv6Address source, Ipv6Address destination, int nextHeader, ByteBuffer payload) {
        int length = payload.remaining();
        if (length > Ipv6Packet.MAX_PAYLOAD_LENGTH) {
            tooLong++;
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG;
        }
        tx.put(Ipv6Packet.HEADER_LENGTH, payload, payload.position(), length);
        return sendPrepared(now, source, destination, nextHeader, length);
    }

    /**
     * The engine's transmit buffer, for a transport that writes its payload in place at index
     * {@link Ipv6Packet#HEADER_LENGTH} and then calls {@link #sendPrepared}. Owned by the engine:
     * valid until the next send of any kind; callers must not change its position or limit.
     */
    public ByteBuffer transmitBuffer() {
        return tx;
    }

    /** As {@link #send}, for the {@code length} payload bytes already at index 40 of {@link #transmitBuffer()}. */
    public Ipv4Engine.Outcome sendPrepared(long now, Ipv6Address source, Ipv6Address destination, int nextHeader, int length) {
        if (length > Ipv6Packet.MAX_PAYLOAD_LENGTH) {
            tooLong++;
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG;
        }
        Ipv6Address from = source.isUnspecified() ? source(destination) : source;
        if (from == null) {
            noRoute++;
            return Ipv4Engine.Outcome.NO_ROUTE;
        }
        return route(now, from, destination, nextHeader, nd.routing().curHopLimit(), length);
    }

    /**
     * The largest TCP/IPv6 packet, header included, {@link #sendPreparedSegmented} takes: the
     * link's segmentation limit ({@link Ipv6Link#maxSegmentedPacket()}), or 0 without offload.
     */
    public int maxSegmentedPacket() {
        return Math.min(link.maxSegmentedPacket(), Ipv6Packet.HEADER_LENGTH + Ipv6Packet.MAX_PAYLOAD_LENGTH);
    }

    /**
     * Whether {@link #sendPreparedSegmented} can send to {@code destination} now: the link has
     * segmentation offload, the destination is unicast with a route, and its next hop's
     * link-layer address is known (a packet for a neighbour being resolved goes segment by
     * segment through the neighbour cache's queue instead). Changes nothing but, for a
     * destination new to it, the Destination Cache ({@link NdpRouting#nextHop}), as the send
     * that follows would.
     */
    public boolean segmentable(long now, Ipv6Address destination) {
        if (maxSegmentedPacket() == 0 || destination.isMulticast()) {
            return false;
        }
        Ipv6Address hop = nd.routing().nextHop(now, destination);
        return hop != null && cache.linkLayerAddress(hop).isPresent();
    }

    /**
     * Sends the TCP segment of {@code length} bytes at index 40 of {@link #transmitBuffer()},
     * its checksum field seeded with the pseudo-header sum, as one packet the link cuts into
     * {@code segments} segments of {@code segmentSize} payload bytes (TCP segmentation offload,
     * {@link Ipv6Link#transmitSegmented}); counted as {@code segments} packets. The caller asked
     * {@link #segmentable} first in the same turn of the loop and keeps each segment within the
     * path MTU.
     *
     * @return {@code MESSAGE_TOO_LONG} above {@link #maxSegmentedPacket()}, {@code NO_ROUTE} if
     *     the destination is not {@link #segmentable} (nothing sent), else {@code SENT}
     */
    public Ipv4Engine.Outcome sendPreparedSegmented(long now, Ipv6Address source, Ipv6Address destination, int length,
            int segmentSize, int segments) {
        if (Ipv6Packet.HEADER_LENGTH + length > maxSegmentedPacket() || segments < 1) {
            tooLong++;
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG;
        }
        Ipv6Address hop = destination.isMulticast() ? null : nd.routing().nextHop(now, destination);
        MacAddress mac = hop == null ? null : cache.resolved(now, hop);
        if (mac == null) {
            noRoute++;
            return Ipv4Engine.Outcome.NO_ROUTE;
        }
        writeHeader(tx, source, destination, Ipv6Packet.NEXT_HEADER_TCP, nd.routing().curHopLimit(), length);
        packetsSent += segments;
        txSegmented.limit(Ipv6Packet.HEADER_LENGTH + length).position(0);
        link.transmitSegmented(mac, txSegmented, segmentSize);
        return Ipv4Engine.Outcome.SENT;
    }

    /**
     * Writes the fixed header before the {@code length} bytes at 40 of {@link #tx} and sends the
     * packet to its next hop: whole if it fits the path MTU towards {@code destination}, else in
     * fragments of it (RFC 8200 section 4.5).
     */
    private Ipv4Engine.Outcome route(long now, Ipv6Address source, Ipv6Address destination, int nextHeader, int hopLimit,
            int length) {
        writeHeader(tx, source, destination, nextHeader, hopLimit, length);
        int total = Ipv6Packet.HEADER_LENGTH + length;
        if (destination.isMulticast()) {
            sendGroup = Ipv6Config.multicastMac(destination);
            sendHop = null;
        } else {
            Ipv6Address hop = nd.routing().nextHop(now, destination);
            if (hop == null) {
                noRoute++;
                return Ipv4Engine.Outcome.NO_ROUTE;
            }
            sendGroup = null;
            sendHop = hop;
        }
        int pathMtu = pathMtus.pathMtu(now, destination.high(), destination.low());
        if (total <= pathMtu) {
            packetsSent++;
            transmitToHop(now, txBytes, 0, total);
            return Ipv4Engine.Outcome.SENT;
        }
        if (!txView.check(tx, 0, total) || fragmenter.send(now, txView, pathMtu, outgoing) != Ipv6Fragmenter.Outcome.FRAGMENTED) {
            tooLong++; // extension headers that leave no room for a fragment's data
            return Ipv4Engine.Outcome.MESSAGE_TOO_LONG;
        }
        return Ipv4Engine.Outcome.SENT;
    }

    /** One packet (or fragment) to {@link #sendGroup}, else through the neighbour cache to {@link #sendHop}. */
    private void transmitToHop(long now, byte[] packet, int offset, int length) {
        if (sendGroup != null) {
            link.transmit(sendGroup, packet, offset, length);
        } else if (cache.output(now, sendHop, packet, offset, length) == NeighborCache.Outcome.DROPPED) {
            sendDropped++;
        }
    }

    /**
     * What the engine's helpers send through: the fragmenter's fragments, the error messages of
     * {@link Icmpv6Errors} and the reassembly's timeouts (a class, not lambdas: decision 0006).
     */
    private final class Outgoing implements Ipv6Fragmenter.Sink, Icmpv6Errors.Output, Ipv6Reassembly.TimeExceededListener {
        @Override
        public void transmit(long now, ByteBuffer buffer, int offset, int length) {
            packetsSent++;
            transmitToHop(now, buffer.array(), buffer.arrayOffset() + offset, length);
        }

        @Override
        public Ipv6Address sourceFor(Ipv6Address destination) {
            return source(destination);
        }

        @Override
        public boolean send(long now, Ipv6Address source, Ipv6Address destination, ByteBuffer message) {
            int length = message.remaining();
            tx.put(Ipv6Packet.HEADER_LENGTH, message, message.position(), length);
            return route(now, source, destination, Ipv6Packet.NEXT_HEADER_ICMPV6, nd.routing().curHopLimit(), length)
                    == Ipv4Engine.Outcome.SENT;
        }

        @Override
        public void timeExceeded(long now, Ipv6Packet firstFragment) {
            if (errors.timeExceeded(now, firstFragment, false,
                    Icmpv6Repr.TimeExceededCode.FRAGMENT_REASSEMBLY_TIME_EXCEEDED) == Icmpv6Errors.Verdict.SENT) {
                timeExceededSent++;
            }
        }
    }

    private static void writeHeader(ByteBuffer b, Ipv6Address source, Ipv6Address destination, int nextHeader,
            int hopLimit, int length) {
        b.putInt(Ipv6Packet.VERSION_CLASS_FLOW, Ipv6Packet.VERSION << 28);
        b.putShort(Ipv6Packet.PAYLOAD_LENGTH, (short) length);
        b.put(Ipv6Packet.NEXT_HEADER, (byte) nextHeader);
        b.put(Ipv6Packet.HOP_LIMIT, (byte) hopLimit);
        source.write(b, Ipv6Packet.SOURCE);
        destination.write(b, Ipv6Packet.DESTINATION);
    }

    // ---------------------------------------------------------------- the neighbour cache's link

    /** A Neighbor Solicitation for {@code target} (RFC 4861 section 7.2.2), with our link-layer address. */
    @Override
    public void solicit(Ipv6Address target, MacAddress destination) {
        Ipv6Address from = source(target);
        if (from == null) {
            return;
        }
        Ipv6Address to = destination == null ? Ipv6Config.solicitedNode(target) : target;
        Icmpv6Repr ns = new Icmpv6Repr.NeighborSolicitation(target, List.of(new NdpOption.SourceLinkLayerAddress(link.mac())));
        ByteBuffer b = ndTx;
        int len = ns.bufferLen();
        ns.emit(b, Ipv6Packet.HEADER_LENGTH, from, to);
        writeHeader(b, from, to, Ipv6Packet.NEXT_HEADER_ICMPV6, ND_HOP_LIMIT, len);
        packetsSent++;
        link.transmit(destination == null ? Ipv6Config.multicastMac(to) : destination, b.array(), 0,
                Ipv6Packet.HEADER_LENGTH + len);
    }

    @Override
    public void transmit(byte[] packet, int offset, int length, MacAddress mac) {
        link.transmit(mac, packet, offset, length);
    }

    /**
     * Resolution failed with our own packet waiting: RFC 4861 section 7.2.2's Address
     * Unreachable is owed to its sender, which is this host; counted (the transports see the
     * loss as loss: TCP retransmits, UDP promised nothing).
     */
    @Override
    public void unreachable(Ipv6Address target, byte[] packet, int length) {
        addressUnreachable++;
    }

    // ---------------------------------------------------------------- Neighbor Discovery's link

    /** A Router Solicitation to all-routers (RFC 4861 section 6.3.7), with our link-layer address unless from {@code ::}. */
    @Override
    public void solicitRouters(Ipv6Address source) {
        List<NdpOption> options = source.isUnspecified() ? List.of()
                : List.of(new NdpOption.SourceLinkLayerAddress(link.mac()));
        sendIcmp(clock, source, Icmpv6Repr.ALL_ROUTERS, ND_HOP_LIMIT, new Icmpv6Repr.RouterSolicitation(options));
    }

    /** A Duplicate Address Detection probe from {@code ::} to its target's solicited-node group (RFC 4862 section 5.4.2). */
    @Override
    public void sendDadProbe(Icmpv6Repr.NeighborSolicitation probe) {
        sendIcmp(clock, Ipv6Address.UNSPECIFIED, Icmpv6Repr.solicitedNode(probe.target()), ND_HOP_LIMIT, probe);
    }

    /** An MLDv2 report to {@code ff02::16}, hop limit 1, behind a Hop-by-Hop header with Router Alert (RFC 3810 section 5). */
    @Override
    public void sendReport(Ipv6Address source, Icmpv6Repr.MulticastListenerReport report) {
        int len = report.bufferLen();
        int hbh = MLD_HOP_BY_HOP.length;
        if (hbh + len > Ipv6Packet.MAX_PAYLOAD_LENGTH) {
            tooLong++;
            return;
        }
        tx.put(Ipv6Packet.HEADER_LENGTH, MLD_HOP_BY_HOP);
        report.emit(tx, Ipv6Packet.HEADER_LENGTH + hbh, source, Icmpv6Repr.ALL_MLDV2_ROUTERS);
        route(clock, source, Icmpv6Repr.ALL_MLDV2_ROUTERS, Ipv6HeaderChain.HOP_BY_HOP, 1, hbh + len);
    }

    /** A Neighbor Advertisement from its target, one of our assigned addresses (RFC 4861 section 7.2.4). */
    @Override
    public void advertise(Ipv6Address destination, Icmpv6Repr.NeighborAdvertisement advertisement) {
        solicitationsAnswered++;
        sendIcmp(clock, advertisement.target(), destination, ND_HOP_LIMIT, advertisement);
    }

    /** Counted; the listener hears of it (the binding logs it once). */
    @Override
    public void duplicateAddress(long now, Ipv6Cidr address, boolean retrying) {
        duplicateAddresses++;
        boolean linkLocalFailed = !retrying && nd.slaac().linkLocalFailed() && address.address().isLinkLocal();
        duplicateListener.duplicateAddress(address, retrying, linkLocalFailed);
    }

    // ---------------------------------------------------------------- time

    /** When {@link #poll} has something to do, or {@code Long.MAX_VALUE}. */
    public long nextDeadline() {
        return Math.min(nd.nextDeadline(), reassembly.nextDeadline());
    }

    /**
     * Runs Neighbor Discovery's timers (the neighbour cache's reachability states, router and
     * prefix lifetimes, router solicitations, Duplicate Address Detection, address lifetimes,
     * MLD reports) and the reassembly's (a datagram abandoned after its first fragment came is
     * answered with Time Exceeded code 1); returns the next deadline.
     */
    public long poll(long now) {
        clock = now;
        long next = nd.poll(now);
        return Math.min(next, reassembly.poll(now));
    }

    /** Upper layers' hint that {@code neighbor} is reachable (RFC 4861 section 7.3.1). */
    public void confirm(long now, Ipv6Address neighbor) {
        cache.confirm(now, neighbor);
    }

    // ---------------------------------------------------------------- counters

    /** The counters of {@link Ipv6#stats()}. */
    public Ipv6.Stats stats() {
        return new Ipv6.Stats(packetsReceived, packetsReturned - unknownNextHeader, packetsSent, headerErrors, notForUs,
                unknownNextHeader, fragmentsDropped, noRoute + tooLong, icmpReceived, icmpMalformed, echoRepliesSent,
                solicitationsAnswered, advertisementsReceived, ndpNotHandled, cache.solicitationsSent(),
                cache.resolutionsFailed(), parameterProblemsSent + destinationUnreachablesSent + timeExceededSent,
                routerAdvertisements, duplicateAddresses);
    }

    /** The path MTU towards {@code destination} at {@code now} (RFC 8201): 1280 to the link MTU. */
    public int pathMtu(long now, Ipv6Address destination) {
        return pathMtus.pathMtu(now, destination.high(), destination.low());
    }

    /** The reassembly (its counters by outcome, for the binding's introspection and tests). */
    public Ipv6Reassembly reassembly() {
        return reassembly;
    }

    /** The fragmenter (its counters). */
    public Ipv6Fragmenter fragmenter() {
        return fragmenter;
    }

    /** The path MTUs (their counters by update). */
    public Ipv6PathMtus pathMtus() {
        return pathMtus;
    }

    /** The error messages we owe (their counters by verdict). */
    public Icmpv6Errors errors() {
        return errors;
    }

    /** Sets who hears of ICMPv6 errors about packets of ours (replacing the previous one). */
    public void onError(ErrorListener listener) {
        this.errorListener = Objects.requireNonNull(listener, "listener");
    }

    /** ICMPv6 errors received whose quote was not a packet of ours. */
    public long icmpErrorsIgnored() {
        return icmpErrorsIgnored;
    }

    /** Time Exceeded messages sent (reassembly timeouts). */
    public long timeExceededSent() {
        return timeExceededSent;
    }

    /** Packets refused as too long: a payload over 65535 octets, or headers that leave no room to fragment (also in the stats' {@code sendFailures}). */
    public long tooLong() {
        return tooLong;
    }

    /** Neighbour Advertisements that claimed one of our assigned addresses (RFC 4862 section 5.4.4: counted, the address kept). */
    public long duplicatesSeen() {
        return nd.slaac().conflicts();
    }

    /** Our addresses Duplicate Address Detection found in use by another node. */
    public long duplicateAddresses() {
        return duplicateAddresses;
    }

    /** Sets who hears of addresses found duplicate (replacing the previous one). */
    public void onDuplicate(DuplicateListener listener) {
        this.duplicateListener = Objects.requireNonNull(listener, "listener");
    }

    /** Packets of ours whose next hop did not resolve. */
    public long addressUnreachable() {
        return addressUnreachable;
    }

    /** ICMPv6 errors received (not acted on yet). */
    public long icmpErrorsReceived() {
        return icmpErrorsReceived;
    }

    /** Parameter Problems sent. */
    public long parameterProblemsSent() {
        return parameterProblemsSent;
    }

    /** Destination Unreachables sent. */
    public long destinationUnreachablesSent() {
        return destinationUnreachablesSent;
    }

    /** Packets the neighbour cache dropped (every entry resolving, or over its queue). */
    public long sendDropped() {
        return sendDropped;
    }
}
