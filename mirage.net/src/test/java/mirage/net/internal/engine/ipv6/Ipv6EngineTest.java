package mirage.net.internal.engine.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.icmp.Icmpv6Errors;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.engine.ndp.NeighborCache;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Ipv6ExtensionHeader;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Option;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Ipv6Repr;
import mirage.net.internal.wire.NdpOption;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 engine with scripted packets written by the wire layer's writers, and what it sends
 * read back by the wire layer's parsers: Neighbor Discovery answers and resolution, echo,
 * the header chain's verdicts, addressing and routing.
 */
class Ipv6EngineTest {
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:09");
    static final Ipv6Address OURS = Ipv6Address.parse("2001:db8::2");
    static final Ipv6Address LINK_LOCAL = Ipv6Address.parse("fe80::ff:fe00:2");
    static final Ipv6Address PEER = Ipv6Address.parse("2001:db8::9");
    static final Ipv6Address PEER_LL = Ipv6Address.parse("fe80::9");
    static final Ipv6Address ROUTER = Ipv6Address.parse("fe80::1");
    static final Ipv6Address ALL_NODES = Ipv6Address.parse("ff02::1");

    record Sent(MacAddress to, byte[] packet) {
        Ipv6Packet view() {
            Ipv6Packet p = new Ipv6Packet();
            assertTrue(p.check(ByteBuffer.wrap(packet), 0, packet.length), "we send well-formed packets");
            return p;
        }

        Ipv6Address source() {
            return new Ipv6Address(view().sourceHigh(), view().sourceLow());
        }

        Ipv6Address destination() {
            return new Ipv6Address(view().destinationHigh(), view().destinationLow());
        }

        Icmpv6Repr icmp() {
            Ipv6Packet p = view();
            assertEquals(Ipv6Packet.NEXT_HEADER_ICMPV6, p.nextHeader());
            Icmpv6Packet m = new Icmpv6Packet();
            assertTrue(m.check(p.buffer(), p.payloadOffset(), p.payloadLength()));
            return Icmpv6Repr.parse(m, source(), destination(), p.hopLimit()).orThrow();
        }
    }

    final List<Sent> sent = new ArrayList<>();
    final Ipv6Link link = new Ipv6Link() {
        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public MacAddress mac() {
            return OUR_MAC;
        }

        @Override
        public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
            if (packet[offset + Ipv6Packet.NEXT_HEADER] != 0) { // MLD reports (behind Hop-by-Hop) are not these tests'
                sent.add(new Sent(destination, java.util.Arrays.copyOfRange(packet, offset, offset + length)));
            }
        }
    };

    Ipv6Engine engine(Optional<Ipv6Address> router) {
        return engine(router, false);
    }

    /** Our link-local and global addresses assigned at once (no Duplicate Address Detection), EUI-64. */
    Ipv6Engine engine(Optional<Ipv6Address> router, boolean acceptRouterAdvertisements) {
        List<Ipv6Cidr> addresses = List.of(Ipv6Config.linkLocal(OUR_MAC), Ipv6Cidr.of(OURS, 64));
        Ipv6Engine e = new Ipv6Engine(new Ipv6Config(addresses, router, NdpConfig.defaults(), Optional.empty(),
                acceptRouterAdvertisements), link, Rng.seeded(1), 0);
        e.start(0);
        return e;
    }

    static ByteBuffer packet(Ipv6Address src, Ipv6Address dst, int hopLimit, Icmpv6Repr m) {
        Ipv6Repr h = Ipv6Repr.of(src, dst, Ipv6Packet.NEXT_HEADER_ICMPV6, hopLimit, m.bufferLen());
        ByteBuffer b = ByteBuffer.allocate(h.totalLength());
        h.emit(b, 0);
        m.emit(b, h.bufferLen(), src, dst);
        return b;
    }

    /** Receives {@code b} as the binding does: ICMPv6 to the engine's own handler. */
    static Ipv6Packet deliver(Ipv6Engine e, ByteBuffer b) {
        Ipv6Packet p = e.receive(0, b, 0, b.limit());
        if (p != null && e.chain().upperLayerProtocol() == Ipv6Packet.NEXT_HEADER_ICMPV6) {
            e.icmp(0, p);
        }
        return p;
    }

    @Test
    void linkLocal_isModifiedEui64_andSolicitedNodeGroupMapsToEthernet() {
        assertEquals(Ipv6Cidr.of(LINK_LOCAL, 64), Ipv6Config.linkLocal(OUR_MAC));
        assertEquals(Ipv6Address.parse("fe80::211:22ff:fe33:4455"), Ipv6Config.linkLocal(MacAddress.parse("00:11:22:33:44:55")).address());
        assertEquals(Ipv6Address.parse("ff02::1:ff00:2"), Ipv6Config.solicitedNode(OURS));
        assertEquals(MacAddress.parse("33:33:ff:00:00:02"), Ipv6Config.multicastMac(Ipv6Config.solicitedNode(OURS)));
    }

    @Test
    void neighborSolicitation_forOurAddress_isAnsweredSolicitedOverride_andTheSenderLearnt() {
        Ipv6Engine e = engine(Optional.empty());
        Icmpv6Repr ns = new Icmpv6Repr.NeighborSolicitation(OURS, List.of(new NdpOption.SourceLinkLayerAddress(PEER_MAC)));
        assertNotNull(deliver(e, packet(PEER, Ipv6Config.solicitedNode(OURS), 255, ns)));
        assertEquals(1, sent.size());
        Sent s = sent.get(0);
        assertEquals(PEER_MAC, s.to(), "sent to the MAC the solicitation gave, without resolving");
        assertEquals(OURS, s.source());
        assertEquals(PEER, s.destination());
        assertEquals(255, s.view().hopLimit());
        Icmpv6Repr.NeighborAdvertisement na = assertInstanceOf(Icmpv6Repr.NeighborAdvertisement.class, s.icmp());
        assertTrue(na.solicited() && na.override() && !na.router());
        assertEquals(OURS, na.target());
        assertEquals(List.of(new NdpOption.TargetLinkLayerAddress(OUR_MAC)), na.options());
        // learnt STALE (section 7.2.3), then our advertisement went out through it: DELAY (section 7.3.3)
        assertEquals(Optional.of(NeighborCache.State.DELAY), e.neighbors().state(PEER));
        assertEquals(1, e.stats().solicitationsAnswered());
    }

    @Test
    void dadProbe_forOurAddress_isAnsweredToAllNodesUnsolicited() {
        Ipv6Engine e = engine(Optional.empty());
        deliver(e, packet(Ipv6Address.UNSPECIFIED, Ipv6Config.solicitedNode(OURS), 255,
                new Icmpv6Repr.NeighborSolicitation(OURS, List.of())));
        assertEquals(1, sent.size());
        assertEquals(ALL_NODES, sent.get(0).destination());
        assertEquals(MacAddress.parse("33:33:00:00:00:01"), sent.get(0).to());
        Icmpv6Repr.NeighborAdvertisement na = assertInstanceOf(Icmpv6Repr.NeighborAdvertisement.class, sent.get(0).icmp());
        assertTrue(!na.solicited() && na.override());
    }

    @Test
    void solicitation_forAnotherAddress_orWithHopLimitBelow255_isNotAnswered() {
        Ipv6Engine e = engine(Optional.empty());
        Ipv6Address other = Ipv6Address.parse("2001:db8::1:2"); // low 24 bits differ from ours: another group
        deliver(e, packet(PEER, Ipv6Config.solicitedNode(OURS), 255, new Icmpv6Repr.NeighborSolicitation(
                Ipv6Address.parse("2001:db8:1::2"), List.of())));
        deliver(e, packet(PEER, OURS, 64, new Icmpv6Repr.NeighborSolicitation(OURS, List.of())));
        assertEquals(List.of(), sent);
        assertEquals(1, e.stats().icmpMalformed(), "hop limit 64: not from the link (RFC 4861 section 7.1.1)");
        ByteBuffer toOtherGroup = packet(PEER, Ipv6Config.solicitedNode(other), 255, new Icmpv6Repr.NeighborSolicitation(other, List.of()));
        assertNull(e.receive(0, toOtherGroup, 0, toOtherGroup.limit()), "a group we did not join");
        assertEquals(1, e.stats().notForUs());
    }

    @Test
    void echoRequest_toUnicastAndAllNodes_isAnsweredWithTheSameData() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        Octets data = Octets.ofHex("0001020304");
        deliver(e, packet(PEER, OURS, 64, new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 7, 1, data)));
        deliver(e, packet(PEER, ALL_NODES, 64, new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 7, 2, data)));
        assertEquals(2, sent.size());
        assertEquals(new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REPLY, 7, 1, data), sent.get(0).icmp());
        assertEquals(OURS, sent.get(0).source());
        assertEquals(new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REPLY, 7, 2, data), sent.get(1).icmp());
        assertEquals(OURS, sent.get(1).source(), "to multicast: the source chosen for the peer");
    }

    @Test
    void send_toUnresolvedNeighbor_solicitsTheGroup_thenTheAdvertisementReleasesThePacket() {
        Ipv6Engine e = engine(Optional.empty());
        assertEquals(Ipv4Engine.Outcome.SENT, e.send(0, Ipv6Address.UNSPECIFIED, PEER, 17, ByteBuffer.wrap(new byte[8])));
        assertEquals(1, sent.size(), "only the solicitation: the packet waits");
        Sent ns = sent.get(0);
        assertEquals(MacAddress.parse("33:33:ff:00:00:09"), ns.to());
        assertEquals(Ipv6Config.solicitedNode(PEER), ns.destination());
        assertEquals(OURS, ns.source(), "the address on the target's prefix");
        assertEquals(new Icmpv6Repr.NeighborSolicitation(PEER, List.of(new NdpOption.SourceLinkLayerAddress(OUR_MAC))), ns.icmp());
        deliver(e, packet(PEER, OURS, 255, new Icmpv6Repr.NeighborAdvertisement(false, true, true, PEER,
                List.of(new NdpOption.TargetLinkLayerAddress(PEER_MAC)))));
        assertEquals(2, sent.size());
        assertEquals(PEER_MAC, sent.get(1).to());
        assertEquals(17, sent.get(1).view().nextHeader());
        assertEquals(Optional.of(NeighborCache.State.REACHABLE), e.neighbors().state(PEER));
    }

    @Test
    void send_offLink_goesToTheRouter_orHasNoRouteWithoutOne() {
        Ipv6Engine without = engine(Optional.empty());
        Ipv6Address far = Ipv6Address.parse("2001:db9::1");
        assertEquals(Ipv4Engine.Outcome.NO_ROUTE, without.send(0, Ipv6Address.UNSPECIFIED, far, 17, ByteBuffer.allocate(8)));
        Ipv6Engine with = engine(Optional.of(ROUTER));
        with.neighbors().learn(0, ROUTER, PEER_MAC, true);
        assertEquals(Ipv4Engine.Outcome.SENT, with.send(0, Ipv6Address.UNSPECIFIED, far, 17, ByteBuffer.allocate(8)));
        assertEquals(PEER_MAC, sent.get(0).to());
        assertEquals(far, sent.get(0).destination());
        assertEquals(OURS, sent.get(0).source(), "a global source for a global destination");
        assertEquals(Ipv4Engine.Outcome.MESSAGE_TOO_LONG, with.send(0, Ipv6Address.UNSPECIFIED, far, 17, ByteBuffer.allocate(65536)));
        assertEquals(LINK_LOCAL, with.source(PEER_LL));
    }

    /** A packet of protocol 253 (experimental) from PEER to us, 4 octets of payload. */
    static ByteBuffer unknownProtocolPacket() {
        Ipv6Repr h = Ipv6Repr.of(PEER, OURS, 253, 64, 4);
        ByteBuffer b = ByteBuffer.allocate(h.totalLength());
        h.emit(b, 0);
        return b;
    }

    @Test
    void unknownNextHeader_getsParameterProblemCode1_pointingAtTheNextHeaderField() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        ByteBuffer b = unknownProtocolPacket();
        Ipv6Packet p = e.receive(0, b, 0, b.limit());
        assertNotNull(p);
        assertEquals(253, e.chain().upperLayerProtocol());
        e.unknownNextHeader(0, p);
        Icmpv6Repr.ParameterProblem pp = assertInstanceOf(Icmpv6Repr.ParameterProblem.class, sent.get(0).icmp());
        assertEquals(Icmpv6Repr.ParameterProblemCode.UNRECOGNIZED_NEXT_HEADER, pp.reason());
        assertEquals(6, pp.pointer());
        assertEquals(Octets.copyOf(b, 0, b.limit()), pp.invokingPacket());
    }

    @Test
    void unrecognizedOption_actionDiscardAndReport_getsCode2_evenToMulticast_butAction01IsDroppedSilently() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        for (int type : new int[] {0x9e, 0x5e}) { // 10xxxxxx: discard and report; 01xxxxxx: discard
            Ipv6ExtensionHeader dest = new Ipv6ExtensionHeader.DestinationOptions(
                    Ipv6Option.padded(List.of(new Ipv6Option(type, Octets.of(new byte[] {1, 2})))));
            Ipv6Repr h = new Ipv6Repr(PEER, ALL_NODES, 17, 64, 0, 0, 0, List.of(dest), 8);
            ByteBuffer b = ByteBuffer.allocate(h.totalLength());
            h.emit(b, 0);
            assertNull(e.receive(0, b, 0, b.limit()));
        }
        assertEquals(1, sent.size());
        Icmpv6Repr.ParameterProblem pp = assertInstanceOf(Icmpv6Repr.ParameterProblem.class, sent.get(0).icmp());
        assertEquals(Icmpv6Repr.ParameterProblemCode.UNRECOGNIZED_OPTION, pp.reason());
        assertEquals(42, pp.pointer(), "the option's type octet: 40 + 2");
        assertEquals(2, e.stats().headerErrors());
    }

    @Test
    void aFirstFragment_isKeptForReassembly_andAnAtomicFragmentIsProcessedWhole() {
        Ipv6Engine e = engine(Optional.empty());
        Ipv6Repr first = new Ipv6Repr(PEER, OURS, 17, 64, 0, 0, 0,
                List.of(new Ipv6ExtensionHeader.Fragment(0, true, 77)), 16);
        ByteBuffer b = ByteBuffer.allocate(first.totalLength());
        first.emit(b, 0);
        assertNull(e.receive(0, b, 0, b.limit()));
        assertEquals(0, e.stats().fragmentsDropped());
        assertEquals(1, e.reassembly().active());
        Ipv6Repr atomic = new Ipv6Repr(PEER, OURS, 17, 64, 0, 0, 0,
                List.of(new Ipv6ExtensionHeader.Fragment(0, false, 78)), 8);
        b = ByteBuffer.allocate(atomic.totalLength());
        atomic.emit(b, 0);
        Ipv6Packet whole = e.receive(0, b, 0, b.limit());
        assertNotNull(whole);
        assertEquals(17, e.chain().upperLayerProtocol());
        assertEquals(8, e.chain().upperLayerLength());
        assertEquals(whole.offset() + 40, e.chain().upperLayerOffset(), "without its Fragment header");
    }

    @Test
    void impossibleAndForeignAddresses_areDroppedAndCounted() {
        Ipv6Engine e = engine(Optional.empty());
        Icmpv6Repr echo = new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 1, 1, Octets.EMPTY);
        assertNull(e.receive(0, packet(PEER, Ipv6Address.parse("2001:db8::77"), 64, echo), 0, 48));
        assertNull(e.receive(0, packet(Ipv6Address.parse("::ffff:10.0.0.1"), OURS, 64, echo), 0, 48));
        assertNull(e.receive(0, packet(ALL_NODES, OURS, 64, echo), 0, 48));
        assertNull(e.receive(0, packet(Ipv6Address.LOOPBACK, OURS, 64, echo), 0, 48));
        ByteBuffer truncated = packet(PEER, OURS, 64, echo);
        assertNull(e.receive(0, truncated, 0, 39));
        assertEquals(1, e.stats().notForUs());
        assertEquals(4, e.stats().headerErrors());
        assertEquals(List.of(), sent);
    }

    @Test
    void routerAdvertisement_whenAccepted_makesTheRouterDefault_andTeachesItsLinkLayerAddress() {
        Ipv6Engine e = engine(Optional.empty(), true);
        Icmpv6Repr ra = new Icmpv6Repr.RouterAdvertisement(64, false, false, Icmpv6Repr.RouterPreference.MEDIUM, 1800, 0, 0,
                List.of(new NdpOption.SourceLinkLayerAddress(PEER_MAC)));
        deliver(e, packet(ROUTER, ALL_NODES, 255, ra));
        assertEquals(Optional.of(PEER_MAC), e.neighbors().linkLayerAddress(ROUTER));
        assertTrue(e.neighbors().isRouter(ROUTER));
        assertEquals(Optional.of(ROUTER), e.defaultRouter());
        assertEquals(1, e.stats().routerAdvertisementsReceived());
        assertEquals(List.of(), sent);
    }

    @Test
    void routerAdvertisement_whenNotAccepted_isCountedAndIgnored() {
        Ipv6Engine e = engine(Optional.empty(), false);
        Icmpv6Repr ra = new Icmpv6Repr.RouterAdvertisement(64, false, false, Icmpv6Repr.RouterPreference.MEDIUM, 1800, 0, 0,
                List.of(new NdpOption.SourceLinkLayerAddress(PEER_MAC), new NdpOption.Mtu(1400)));
        deliver(e, packet(ROUTER, ALL_NODES, 255, ra));
        assertEquals(Optional.empty(), e.defaultRouter());
        assertEquals(Optional.empty(), e.neighbors().state(ROUTER));
        assertEquals(1500, e.mtu(), "its MTU option is not taken either");
        assertEquals(1, e.stats().routerAdvertisementsReceived());
        e.poll(10 * SECOND);
        assertEquals(List.of(), sent, "and no Router Solicitation was sent");
    }

    // ---------------------------------------------------------------- fragments, errors, path MTU (decision 0069)

    static final long SECOND = 1_000_000_000L;

    static byte[] bytes(ByteBuffer b) {
        return java.util.Arrays.copyOf(b.array(), b.limit());
    }

    static Icmpv6Repr.Echo echo(Icmpv6Repr.Echo.Kind kind, int n) {
        return new Icmpv6Repr.Echo(kind, 7, 1, Octets.of(V6.bytes(n, 3)));
    }

    /** What was sent, put together again by a reassembly of its own, as the peer would. */
    static Icmpv6Repr reassembled(List<Sent> fragments) {
        Ipv6Reassembly r = new Ipv6Reassembly(Ipv6Reassembly.Limits.DEFAULTS);
        Ipv6Reassembly.Outcome o = null;
        for (Sent s : fragments) {
            o = V6.add(r, 0, s.packet());
        }
        assertEquals(Ipv6Reassembly.Outcome.COMPLETE, o);
        Ipv6Packet p = r.complete();
        Icmpv6Packet m = new Icmpv6Packet();
        assertTrue(m.check(p.buffer(), p.payloadOffset(), p.payloadLength()));
        return Icmpv6Repr.parse(m, new Ipv6Address(p.sourceHigh(), p.sourceLow()),
                new Ipv6Address(p.destinationHigh(), p.destinationLow()), p.hopLimit()).orThrow();
    }

    @Test
    void fragmentedEchoRequest_isReassembled_andAnsweredWithAFragmentedReply() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        byte[] request = bytes(packet(PEER, OURS, 64, echo(Icmpv6Repr.Echo.Kind.REQUEST, 3000)));
        List<byte[]> pieces = V6.fragments(request, 1280, 5);
        assertEquals(3, pieces.size());
        for (int i = pieces.size() - 1; i >= 0; i--) { // out of order
            assertEquals(i == 0, deliver(e, ByteBuffer.wrap(pieces.get(i))) != null);
        }
        assertEquals(3, sent.size(), "3048 octets of ICMPv6 in fragments of at most 1500");
        for (Sent s : sent) {
            assertEquals(PEER_MAC, s.to());
            assertTrue(s.packet().length <= 1500);
            assertEquals(44, s.view().nextHeader(), "a Fragment header");
        }
        assertEquals(echo(Icmpv6Repr.Echo.Kind.REPLY, 3000), reassembled(sent));
        assertEquals(1, e.stats().echoRepliesSent());
        assertEquals(1, e.fragmenter().fragmented());
        e.poll(0);
        assertEquals(0, e.reassembly().active(), "the buffer given back");
    }

    @Test
    void overlappingFragment_isDroppedAndCounted_andNothingIsDelivered() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        byte[] request = bytes(packet(PEER, OURS, 64, echo(Icmpv6Repr.Echo.Kind.REQUEST, 3000)));
        List<byte[]> pieces = V6.fragments(request, 1280, 5);
        assertNull(deliver(e, ByteBuffer.wrap(pieces.get(0))));
        byte[] overlapping = pieces.get(1).clone();
        ByteBuffer.wrap(overlapping).putShort(42, (short) (8 | 1)); // offset 1 (8 octets): inside the first, M set
        assertNull(deliver(e, ByteBuffer.wrap(overlapping)));
        assertEquals(1, e.reassembly().count(Ipv6Reassembly.Outcome.OVERLAP));
        assertEquals(1, e.stats().fragmentsDropped());
        for (byte[] p : pieces.subList(1, pieces.size())) {
            assertNull(deliver(e, ByteBuffer.wrap(p)), "the datagram is discarded (RFC 5722)");
        }
        assertEquals(List.of(), sent);
    }

    @Test
    void reassemblyTimeout_sendsTimeExceededCode1_onlyWhenTheFirstFragmentCame() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        byte[] request = bytes(packet(PEER, OURS, 64, echo(Icmpv6Repr.Echo.Kind.REQUEST, 3000)));
        List<byte[]> pieces = V6.fragments(request, 1280, 5);
        byte[] other = bytes(packet(PEER, OURS, 64, new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 8, 1,
                Octets.of(V6.bytes(3000, 4)))));
        assertNull(e.receive(0, ByteBuffer.wrap(pieces.get(0)), 0, pieces.get(0).length));
        byte[] later = V6.fragments(other, 1280, 6).get(1);
        assertNull(e.receive(0, ByteBuffer.wrap(later), 0, later.length));
        assertEquals(60 * SECOND, e.reassembly().nextDeadline());
        e.poll(60 * SECOND - 1);
        assertEquals(List.of(), sent, "not before 60 s");
        e.poll(60 * SECOND);
        assertEquals(Long.MAX_VALUE, e.reassembly().nextDeadline());
        assertEquals(1, sent.size(), "one message: the datagram without its first fragment gets none");
        Icmpv6Repr.TimeExceeded te = assertInstanceOf(Icmpv6Repr.TimeExceeded.class, sent.get(0).icmp());
        assertEquals(Icmpv6Repr.TimeExceededCode.FRAGMENT_REASSEMBLY_TIME_EXCEEDED, te.reason());
        assertEquals(PEER, sent.get(0).destination());
        assertEquals(Octets.of(pieces.get(0), 0, Icmpv6Errors.MAX_QUOTE), te.invokingPacket(), "quoting the first fragment");
        assertEquals(1, e.timeExceededSent());
        assertEquals(1, e.stats().errorsSent());
    }

    @Test
    void packetTooBig_lowersThePathMtu_andTheNextLargePacketIsFragmented() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        List<Integer> heard = new ArrayList<>();
        e.onError(new Ipv6Engine.ErrorListener() {
            @Override
            public void icmpError(long now, int type, int code, int pathMtu, Ipv6Packet quoted) {
                heard.add(type);
                heard.add(pathMtu);
            }
        });
        assertEquals(Ipv4Engine.Outcome.SENT, e.send(0, Ipv6Address.UNSPECIFIED, PEER, 17, ByteBuffer.allocate(1400)));
        assertEquals(1, sent.size(), "1440 octets fit the link");
        byte[] big = sent.get(0).packet();
        Icmpv6Repr ptb = new Icmpv6Repr.PacketTooBig(1280, Octets.of(big, 0, 1232));
        deliver(e, packet(PEER, OURS, 64, ptb));
        assertEquals(1280, e.pathMtu(0, PEER));
        assertEquals(1500, e.pathMtu(0, Ipv6Address.parse("2001:db8::7")), "other destinations keep the link MTU");
        assertEquals(List.of(2, 1280), heard);
        deliver(e, packet(PEER, OURS, 64, ptb));
        assertEquals(List.of(2, 1280), heard, "not lower: nobody is told again");
        Icmpv6Repr forged = new Icmpv6Repr.PacketTooBig(1280, Octets.copyOf(packet(PEER, Ipv6Address.parse("2001:db8::7"), 64,
                echo(Icmpv6Repr.Echo.Kind.REPLY, 1400)), 0, 1232));
        deliver(e, packet(PEER, OURS, 64, forged));
        assertEquals(1, e.icmpErrorsIgnored(), "a quote whose source is not ours");
        sent.clear();
        assertEquals(Ipv4Engine.Outcome.SENT, e.send(0, Ipv6Address.UNSPECIFIED, PEER, 17, ByteBuffer.allocate(1400)));
        assertEquals(2, sent.size());
        for (Sent s : sent) {
            assertTrue(s.packet().length <= 1280, "fragments of the path MTU");
        }
        assertEquals(1, e.fragmenter().fragmented());
    }

    @Test
    void errors_areRateLimited_tenAtOnceThenOnePer10ms() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        ByteBuffer b = unknownProtocolPacket();
        for (int i = 0; i < 20; i++) {
            e.unknownNextHeader(0, e.receive(0, b, 0, b.limit()));
        }
        assertEquals(Icmpv6Errors.DEFAULT_BURST, sent.size());
        assertEquals(10, e.errors().count(Icmpv6Errors.Verdict.RATE_LIMITED));
        e.unknownNextHeader(SECOND / Icmpv6Errors.DEFAULT_PER_SECOND, e.receive(0, b, 0, b.limit()));
        assertEquals(Icmpv6Errors.DEFAULT_BURST + 1, sent.size(), "a token comes back after 1/100 s");
        assertEquals(Icmpv6Errors.DEFAULT_BURST + 1, e.stats().errorsSent());
    }

    @Test
    void noError_aboutAPacketInALinkLayerMulticastFrame() {
        Ipv6Engine e = engine(Optional.empty());
        e.neighbors().learn(0, PEER, PEER_MAC, false);
        ByteBuffer b = unknownProtocolPacket();
        e.unknownNextHeader(0, e.receive(0, b, 0, b.limit(), true));
        assertEquals(List.of(), sent);
        assertEquals(1, e.errors().count(Icmpv6Errors.Verdict.LINK_LAYER_MULTICAST));
    }
}
