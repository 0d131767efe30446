package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv6;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.internal.engine.ndp.NeighborCache;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.EthernetRepr;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Ipv6Repr;
import mirage.net.internal.wire.NdpOption;
import mirage.net.internal.wire.Octets;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Neighbor Discovery as the direct stack binds it (decision 0070), state by state, on a
 * simulated network and virtual time: a scripted peer (a router, or a neighbour that lies
 * about our addresses) writes frames with the wire layer's writers and reads ours back with its
 * parsers.
 */
class NeighborDiscoveryBindingTest {
    static final long SECOND = 1_000_000_000L;
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress PEER_NEW_MAC = MacAddress.parse("02:00:00:00:00:07");
    static final Ipv6Address PEER_LL = Ipv6Address.parse("fe80::1");
    static final Ipv6Cidr PREFIX = Ipv6Cidr.parse("2001:db8:1::/64");

    /** One ICMPv6 message (or other IPv6 packet) the peer received from us. */
    record Heard(MacAddress to, Ipv6Address source, Ipv6Address destination, int hopLimit, int upperLayer,
            int length, Icmpv6Repr icmp) {}

    /** A host on the simulated link driven by the test: it sends what it is told and records what it hears. */
    static final class Peer {
        final Netif port;
        final List<Heard> heard = new ArrayList<>();
        MacAddress mac = PEER_MAC;
        /** Answer Neighbor Solicitations for {@link #PEER_LL} (as a live host does). */
        boolean answers = true;
        /** Addresses this host holds: it answers our Duplicate Address Detection probes for them. */
        Predicate<Ipv6Address> claims = a -> false;

        Peer(SimulatedNetwork net) {
            this.port = net.port("peer", PEER_MAC, 1500);
            port.listen(this::frame);
        }

        private void frame(ByteBuffer b) {
            EthernetFrame f = new EthernetFrame();
            if (!f.check(b, b.position(), b.remaining()) || f.etherType() != EthernetFrame.TYPE_IPV6) {
                return;
            }
            MacAddress to = new MacAddress(f.destination());
            if (!to.isMulticast() && !to.equals(mac)) {
                return; // for the address this host had before
            }
            Ipv6Packet p = new Ipv6Packet();
            assertTrue(p.check(f.buffer(), f.payloadOffset(), f.payloadLength()), "the stack sends well-formed packets");
            Ipv6HeaderChain c = new Ipv6HeaderChain();
            Ipv6Address src = new Ipv6Address(p.sourceHigh(), p.sourceLow());
            Ipv6Address dst = new Ipv6Address(p.destinationHigh(), p.destinationLow());
            Icmpv6Repr icmp = null;
            if (c.check(p) && !c.isFragment() && c.upperLayerProtocol() == Ipv6Packet.NEXT_HEADER_ICMPV6) {
                Icmpv6Packet m = new Icmpv6Packet();
                assertTrue(m.check(p.buffer(), c.upperLayerOffset(), c.upperLayerLength()));
                icmp = Icmpv6Repr.parse(m, src, dst, p.hopLimit()).orThrow();
            }
            heard.add(new Heard(to, src, dst, p.hopLimit(), c.isFragment() ? Ipv6HeaderChain.FRAGMENT
                    : c.upperLayerProtocol(), Ipv6Packet.HEADER_LENGTH + p.payloadLength(), icmp));
            if (icmp instanceof Icmpv6Repr.NeighborSolicitation ns) {
                if (answers && ns.target().equals(PEER_LL) && !src.isUnspecified()) {
                    send(PEER_LL, src, new Icmpv6Repr.NeighborAdvertisement(false, true, true, PEER_LL,
                            List.of(new NdpOption.TargetLinkLayerAddress(mac))));
                } else if (claims.test(ns.target()) && src.isUnspecified()) {
                    send(ns.target(), Icmpv6Repr.ALL_NODES, new Icmpv6Repr.NeighborAdvertisement(false, false, true,
                            ns.target(), List.of(new NdpOption.TargetLinkLayerAddress(mac))));
                }
            }
        }

        void send(Ipv6Address src, Ipv6Address dst, Icmpv6Repr m) {
            Ipv6Repr h = Ipv6Repr.of(src, dst, Ipv6Packet.NEXT_HEADER_ICMPV6, 255, m.bufferLen());
            EthernetRepr e = new EthernetRepr(dst.isMulticast() ? new MacAddress(0x3333_0000_0000L | (dst.low() & 0xffff_ffffL))
                    : OUR_MAC, mac, List.of(), EthernetFrame.TYPE_IPV6);
            ByteBuffer b = ByteBuffer.allocate(EthernetFrame.HEADER_LENGTH + h.totalLength());
            e.emit(b, 0);
            h.emit(b, EthernetFrame.HEADER_LENGTH);
            m.emit(b, EthernetFrame.HEADER_LENGTH + h.bufferLen(), src, dst);
            try {
                port.send(b);
            } catch (NetException x) {
                throw new AssertionError(x);
            }
        }

        void routerAdvertisement(int lifetime, NdpOption... more) {
            List<NdpOption> options = new ArrayList<>(List.of(new NdpOption.SourceLinkLayerAddress(mac)));
            options.addAll(List.of(more));
            send(PEER_LL, Icmpv6Repr.ALL_NODES, new Icmpv6Repr.RouterAdvertisement(64, false, false,
                    Icmpv6Repr.RouterPreference.MEDIUM, lifetime, 0, 0, options));
        }

        <T extends Icmpv6Repr> List<T> heard(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (Heard h : heard) {
                if (type.isInstance(h.icmp())) {
                    out.add(type.cast(h.icmp()));
                }
            }
            return out;
        }

        List<Heard> heardFrom(Ipv6Address source) {
            List<Heard> out = new ArrayList<>();
            for (Heard h : heard) {
                if (h.source().equals(source)) {
                    out.add(h);
                }
            }
            return out;
        }
    }

    static NdpOption.PrefixInformation prefix(long valid, long preferred) {
        return new NdpOption.PrefixInformation(PREFIX.prefixLength(), true, true, valid, preferred, PREFIX.address());
    }

    final Simulation sim = Simulation.create(1);
    final SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(2), SimulatedNetwork.Impairments.NONE);
    final Peer peer = new Peer(net);

    DirectStack stack(Optional<Ipv6Cidr> address, boolean acceptRouterAdvertisements) {
        return Stack.direct(net.port("us", OUR_MAC, 1500), new NetConfig.DualStack(Optional.empty(),
                Optional.of(new NetConfig.Ipv6Config(address, Optional.empty(), acceptRouterAdvertisements))),
                sim.loop(), Rng.seeded(3));
    }

    static Ipv6.AddressState state(DirectStack s, Ipv6Address a) {
        for (Ipv6.AddressState st : s.ipv6().addressStates()) {
            if (st.cidr().address().equals(a)) {
                return st;
            }
        }
        return null;
    }

    static Ipv6Address slaacAddress(DirectStack s) {
        for (Ipv6.AddressState st : s.ipv6().addressStates()) {
            if (PREFIX.contains(st.cidr().address())) {
                return st.cidr().address();
            }
        }
        return null;
    }

    void run(long seconds) {
        sim.runFor(Duration.ofSeconds(seconds));
    }

    @Test
    void start_solicitsRouters_andProbesTheLinkLocalAddress_thenAssignsIt() {
        DirectStack s = stack(Optional.empty(), true);
        Ipv6.AddressState ll = s.ipv6().addressStates().get(0);
        assertTrue(ll.cidr().address().isLinkLocal());
        assertEquals(Ipv6.AddressState.State.TENTATIVE, ll.state());
        assertEquals(List.of(), s.ipv6().addresses(), "nothing is usable before its Duplicate Address Detection");
        run(3);
        Ipv6Address ours = ll.cidr().address();
        assertEquals(List.of(ll.cidr()), s.ipv6().addresses());
        assertEquals(Ipv6.AddressState.State.PREFERRED, state(s, ours).state());
        assertNotEquals(Ipv6Address.parse("fe80::ff:fe00:2"), ours, "an RFC 7217 identifier, not the EUI-64 of the MAC");
        // The probe: from ::, to the solicited-node group, with a nonce (RFC 7527), hop limit 255.
        Heard probe = null;
        for (Heard h : peer.heard) {
            if (h.icmp() instanceof Icmpv6Repr.NeighborSolicitation ns && ns.target().equals(ours)) {
                probe = h;
            }
        }
        assertTrue(probe != null, "a DAD probe was sent: " + peer.heard);
        assertTrue(probe.source().isUnspecified());
        assertEquals(Icmpv6Repr.solicitedNode(ours), probe.destination());
        assertEquals(255, probe.hopLimit());
        // Its group was reported (MLDv2, to ff02::16 with hop limit 1) before the probe.
        boolean reported = false;
        for (Heard h : peer.heard) {
            if (h.icmp() instanceof Icmpv6Repr.MulticastListenerReport r && h.hopLimit() == 1
                    && h.destination().equals(Icmpv6Repr.ALL_MLDV2_ROUTERS)) {
                for (var rec : r.records()) {
                    reported |= rec.multicastAddress().equals(Icmpv6Repr.solicitedNode(ours));
                }
            }
        }
        assertTrue(reported, "an MLDv2 report for the solicited-node group: " + peer.heard);
        // Router solicitations: never from a tentative address.
        List<Icmpv6Repr.RouterSolicitation> rs = peer.heard(Icmpv6Repr.RouterSolicitation.class);
        assertFalse(rs.isEmpty(), "router solicitation at start");
        for (Heard h : peer.heard) {
            if (h.icmp() instanceof Icmpv6Repr.RouterSolicitation) {
                assertTrue(h.source().isUnspecified() || h.source().equals(ours));
                assertEquals(Icmpv6Repr.ALL_ROUTERS, h.destination());
            }
        }
        run(20);
        assertEquals(3, peer.heard(Icmpv6Repr.RouterSolicitation.class).size(), "MAX_RTR_SOLICITATIONS without an answer");
    }

    @Test
    void routerAdvertisement_givesASlaacAddressAfterDad_andADefaultRouter_andEchoIsAnsweredFromIt() {
        DirectStack s = stack(Optional.empty(), true);
        run(3);
        peer.routerAdvertisement(1800, prefix(86400, 14400));
        run(0);
        Ipv6Address global = slaacAddress(s);
        assertTrue(global != null, "an address on the advertised prefix: " + s.ipv6().addressStates());
        assertEquals(Ipv6.AddressState.State.TENTATIVE, state(s, global).state());
        assertFalse(state(s, global).manual());
        assertEquals(Optional.of(PEER_LL), s.ipv6().defaultRouter());
        assertEquals(1, peer.heard(Icmpv6Repr.RouterSolicitation.class).size(), "the advertisement ended solicitation");
        run(3);
        assertEquals(Ipv6.AddressState.State.PREFERRED, state(s, global).state());
        assertTrue(s.ipv6().addresses().contains(new Ipv6Cidr(global, 64)));
        assertNotEquals(0x0000_00ff_fe00_0000L, global.low() & 0x0000_00ff_ff00_0000L, "not an EUI-64 identifier");
        // Echo to the new address, from the router's link-local address, comes back from it.
        peer.send(PEER_LL, global, new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 1, 1, Octets.of(new byte[8])));
        run(1);
        assertTrue(peer.heard(Icmpv6Repr.Echo.class).size() == 1);
        assertEquals(1, peer.heardFrom(global).size(), "the reply, from the SLAAC address");
        assertEquals(1, s.ipv6().stats().routerAdvertisementsReceived());
    }

    @Test
    void dadConflict_staticAddressClaimedByANeighbour_isNeverUsedNorAnswered_loggedAndCounted() {
        Ipv6Address taken = Ipv6Address.parse("2001:db8::5");
        peer.claims = taken::equals;
        DirectStack s = stack(Optional.of(Ipv6Cidr.of(taken, 64)), false);
        assertEquals(Ipv6.AddressState.State.TENTATIVE, state(s, taken).state());
        assertTrue(state(s, taken).manual());
        run(5);
        assertEquals(Ipv6.AddressState.State.DUPLICATE, state(s, taken).state());
        assertFalse(s.ipv6().addresses().contains(Ipv6Cidr.of(taken, 64)));
        assertEquals(1, s.ipv6().stats().duplicateAddresses());
        // Packets to it are not ours: an echo request goes unanswered; what we send to its prefix
        // (its solicitations too) leaves from the link-local address, the one left.
        long notForUs = s.ipv6().stats().notForUs();
        peer.send(PEER_LL, taken, new Icmpv6Repr.Echo(Icmpv6Repr.Echo.Kind.REQUEST, 1, 1, Octets.of(new byte[8])));
        run(2);
        assertEquals(notForUs + 1, s.ipv6().stats().notForUs());
        assertEquals(List.of(), peer.heard(Icmpv6Repr.Echo.class));
        int before = peer.heard.size();
        sim.spawn("send", () -> s.udp().send(1, Ipv6Address.parse("2001:db8::9"), 7, ByteBuffer.allocate(1)));
        run(10);
        assertTrue(peer.heard.size() > before, "the stack solicited 2001:db8::9");
        for (Heard h : peer.heard) {
            assertNotEquals(taken, h.source(), "never a source");
        }
        assertEquals(1, s.ipv6().stats().duplicateAddresses(), "counted once");
    }

    @Test
    void dadConflict_onASlaacAddress_triesTheNextStableIdentifier() {
        DirectStack s = stack(Optional.empty(), true);
        run(3);
        Ipv6Address[] claimed = new Ipv6Address[1];
        peer.claims = a -> {
            if (PREFIX.contains(a) && claimed[0] == null) {
                claimed[0] = a;
            }
            return a.equals(claimed[0]);
        };
        peer.routerAdvertisement(1800, prefix(86400, 14400));
        run(3);
        Ipv6Address first = claimed[0];
        assertTrue(first != null, "the peer answered the first probe on the prefix");
        assertEquals(null, state(s, first), "the duplicate gave way to the next identifier");
        Ipv6Address second = null;
        for (Ipv6.AddressState st : s.ipv6().addressStates()) {
            if (PREFIX.contains(st.cidr().address()) && st.state() == Ipv6.AddressState.State.PREFERRED) {
                second = st.cidr().address();
            }
        }
        assertTrue(second != null && !second.equals(first), "a new identifier (RFC 7217 DAD_Counter + 1): "
                + s.ipv6().addressStates());
        assertFalse(s.ipv6().addresses().contains(new Ipv6Cidr(first, 64)));
        assertEquals(1, s.ipv6().stats().duplicateAddresses());
    }

    @Test
    void routerAdvertisement_mtuOption_lowersTheLinkMtu_andLargerPacketsGoInFragments() throws Exception {
        DirectStack s = stack(Optional.empty(), true);
        run(3);
        assertEquals(1500, s.ipv6().linkMtu());
        peer.routerAdvertisement(1800, new NdpOption.Mtu(1400));
        run(1);
        assertEquals(1400, s.ipv6().linkMtu());
        sim.spawn("send", () -> s.udp().send(1, PEER_LL, 9, ByteBuffer.allocate(1452)));
        run(1);
        int udp = 0;
        for (Heard h : peer.heard) {
            if (h.upperLayer() == Ipv6HeaderChain.FRAGMENT) {
                udp++;
                assertTrue(h.length() <= 1400, "a fragment of at most the advertised MTU: " + h.length());
            }
            assertTrue(h.length() <= 1400);
        }
        assertEquals(2, udp, "1500 octets of packet over an MTU of 1400: two fragments");
        peer.routerAdvertisement(1800, new NdpOption.Mtu(9000));
        run(1);
        assertEquals(1400, s.ipv6().linkMtu(), "an MTU option above the link's own is ignored (RFC 4861 section 6.3.4)");
    }

    @Test
    void routerLifetimeZero_removesTheRouter_andOffLinkDestinationsHaveNoRoute() throws Exception {
        DirectStack s = stack(Optional.empty(), true);
        run(3);
        peer.routerAdvertisement(1800);
        run(1);
        assertEquals(Optional.of(PEER_LL), s.ipv6().defaultRouter());
        sim.spawn("send", () -> s.udp().send(1, Ipv6Address.parse("2001:db8:99::1"), 9, ByteBuffer.allocate(10)));
        run(1);
        boolean viaRouter = false;
        for (Heard h : peer.heard) {
            viaRouter |= h.upperLayer() == Ipv6Packet.NEXT_HEADER_UDP && h.to().equals(PEER_MAC);
        }
        assertTrue(viaRouter, "off-link datagrams go to the router's MAC");
        peer.routerAdvertisement(0);
        run(1);
        assertEquals(Optional.empty(), s.ipv6().defaultRouter());
        NetException e = assertThrows(NetException.class,
                () -> s.udp().send(1, Ipv6Address.parse("2001:db8:99::1"), 9, ByteBuffer.allocate(10)));
        assertEquals(NetException.Reason.NO_ROUTE, e.reason());
    }

    @Test
    void acceptRouterAdvertisementsOff_ignoresThem_andSendsNoSolicitation() {
        DirectStack s = stack(Optional.empty(), false);
        run(3);
        peer.routerAdvertisement(1800, prefix(86400, 14400), new NdpOption.Mtu(1400));
        run(5);
        assertEquals(Optional.empty(), s.ipv6().defaultRouter());
        assertEquals(null, slaacAddress(s));
        assertEquals(1500, s.ipv6().linkMtu());
        assertEquals(List.of(), peer.heard(Icmpv6Repr.RouterSolicitation.class));
        assertEquals(1, s.ipv6().stats().routerAdvertisementsReceived(), "counted, not acted on");
    }

    @Test
    void nud_reachableNeighbourGoesStaleThenProbe_andRecoversWhenItAnswersWithANewMac() throws Exception {
        DirectStack s = stack(Optional.empty(), false);
        NeighborCache cache = ((Direct) s).ip6Engine().neighbors();
        run(3);
        sim.spawn("send", () -> s.udp().send(1, PEER_LL, 9, ByteBuffer.allocate(10)));
        run(1);
        assertEquals(Optional.of(NeighborCache.State.REACHABLE), cache.state(PEER_LL), "resolved: the peer answered");
        assertEquals(Optional.of(PEER_MAC), cache.linkLayerAddress(PEER_LL));
        run(50);
        assertEquals(Optional.of(NeighborCache.State.STALE), cache.state(PEER_LL), "after ReachableTime (at most 45 s)");
        // The peer's MAC changes; it no longer hears frames to the old one.
        peer.mac = PEER_NEW_MAC;
        sim.spawn("send", () -> s.udp().send(1, PEER_LL, 9, ByteBuffer.allocate(10)));
        run(0);
        assertEquals(Optional.of(NeighborCache.State.DELAY), cache.state(PEER_LL), "sent to a STALE entry");
        run(5);
        assertEquals(Optional.of(NeighborCache.State.PROBE), cache.state(PEER_LL), "DELAY_FIRST_PROBE_TIME later");
        run(4);
        assertEquals(Optional.empty(), cache.state(PEER_LL), "three unanswered unicast probes: deleted");
        int before = peer.heard.size();
        sim.spawn("send", () -> s.udp().send(1, PEER_LL, 9, ByteBuffer.allocate(10)));
        run(1);
        assertEquals(Optional.of(NeighborCache.State.REACHABLE), cache.state(PEER_LL));
        assertEquals(Optional.of(PEER_NEW_MAC), cache.linkLayerAddress(PEER_LL), "resolved again, to the new MAC");
        boolean delivered = false;
        for (Heard h : peer.heard.subList(before, peer.heard.size())) {
            delivered |= h.upperLayer() == Ipv6Packet.NEXT_HEADER_UDP && h.to().equals(PEER_NEW_MAC);
        }
        assertTrue(delivered, "traffic goes on to the new MAC");
    }
}
