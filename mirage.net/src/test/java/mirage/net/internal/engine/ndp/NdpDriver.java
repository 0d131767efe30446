package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.Slaac.AddressState;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerReport;
import mirage.net.internal.wire.Icmpv6Repr.NeighborAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation;
import mirage.net.internal.wire.NdpOption;

/**
 * A {@link NeighborDiscovery} with small bounds and a link that checks what leaves it, for the
 * property and fuzz tests: {@link #check} asserts the invariants that must hold after any
 * sequence of inputs.
 */
final class NdpDriver implements NeighborDiscovery.Link {
    static final long S = 1_000_000_000L;
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");
    static final RoutingConfig ROUTING = new RoutingConfig(3, 3, 8, 64, 1500);
    static final int MAX_ADDRESSES = 4;
    static final int MAX_GROUPS = 8;
    static final NdpConfig NDP = new NdpConfig(3, 3, 5 * S, 30 * S, S, 8, 2, 1500);

    final NeighborDiscovery nd;
    /**
     * Addresses made DUPLICATE (by a message while TENTATIVE): never assigned again while they
     * stay on the list (once invalid and gone, a new advertisement may form them again, with a
     * new Duplicate Address Detection).
     */
    final Set<Ipv6Address> foundDuplicate = new HashSet<>();
    final List<NeighborSolicitation> probes = new ArrayList<>();
    long sent;
    long reports;
    long solicitations;
    long advertisements;

    NdpDriver(long seed, boolean stable) {
        byte[] key = new byte[16];
        Rng.seeded(seed ^ 0x5eed).nextBytes(key);
        SlaacConfig slaac = new SlaacConfig(stable ? SlaacConfig.Identifiers.STABLE_PRIVACY : SlaacConfig.Identifiers.EUI64,
                MAC, MAC.toBytes(), new byte[0], key, 1, S, MAX_ADDRESSES, 3);
        nd = new NeighborDiscovery(NDP, ROUTING, slaac, MAX_GROUPS, true, this, Rng.seeded(seed), 0);
    }

    /** The interface restarts: every address is formed and checked again (RFC 4862 section 5.4), duplicates included. */
    void start(long now) {
        nd.start(now);
        foundDuplicate.clear();
    }

    /** Delivers {@code message}, noting which tentative addresses it makes duplicate. */
    void receive(long now, Ipv6Address source, Ipv6Address destination, Icmpv6Repr message) {
        Ipv6Address target = null;
        boolean foreign = false;
        if (message instanceof NeighborAdvertisement na) {
            target = na.target();
            foreign = true;
        } else if (message instanceof NeighborSolicitation ns && source.isUnspecified()) {
            target = ns.target();
            foreign = !carriesOurNonce(ns);
        }
        boolean tentative = target != null && nd.slaac().state(target) == AddressState.TENTATIVE;
        nd.receive(now, source, destination, message);
        if (tentative && foreign) {
            AddressState after = nd.slaac().state(target);
            assertTrue(after == null || after == AddressState.DUPLICATE,
                    "a foreign probe or advertisement ends a tentative address: " + after);
            foundDuplicate.add(target);
        }
    }

    /** Whether {@code ns} has a Nonce option we sent in a probe for its target (RFC 7527). */
    boolean carriesOurNonce(NeighborSolicitation ns) {
        for (NeighborSolicitation p : probes) {
            if (p.target().equals(ns.target())) {
                for (NdpOption o : ns.options()) {
                    if (p.options().contains(o)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The invariants after {@link NeighborDiscovery#poll} at {@code now}. */
    void check(long now) {
        NdpRouting routing = nd.routing();
        Slaac slaac = nd.slaac();
        assertTrue(routing.routers().size() <= ROUTING.maxRouters());
        assertTrue(routing.prefixes().size() <= ROUTING.maxPrefixes());
        assertTrue(routing.destinationCount() <= ROUTING.maxDestinations());
        assertTrue(nd.cache().size() <= NDP.capacity());
        assertTrue(slaac.addresses().size() <= MAX_ADDRESSES);
        assertTrue(nd.mld().size() <= MAX_GROUPS);
        assertTrue(nd.nextDeadline() > now, "deadlines ahead");
        Ipv6Address selected = routing.defaultRouter();
        if (selected != null) {
            boolean listed = false;
            for (NdpRouting.DefaultRouter r : routing.routers()) {
                listed |= r.address().equals(selected);
                assertTrue(r.invalidationTime() > now, "no expired router is kept");
            }
            assertTrue(listed, "the selected router is on the list");
        } else {
            assertTrue(routing.routers().isEmpty(), "a router is selected whenever there is one");
        }
        for (NdpRouting.OnLinkPrefix p : routing.prefixes()) {
            assertTrue(p.invalidationTime() > now);
        }
        Set<Ipv6Address> held = new HashSet<>();
        for (Slaac.AddressInfo a : slaac.addresses()) {
            held.add(a.address().address());
        }
        foundDuplicate.retainAll(held);
        for (Slaac.AddressInfo a : slaac.addresses()) {
            Ipv6Address address = a.address().address();
            assertTrue(a.validUntil() > now, "no invalid address is kept");
            boolean assigned = a.state() == AddressState.PREFERRED || a.state() == AddressState.DEPRECATED;
            assertEquals(assigned, slaac.isAssigned(address));
            if (assigned) {
                assertTrue(!foundDuplicate.contains(address), "a duplicate is never used: " + address);
                assertEquals(a.preferredUntil() > now, a.state() == AddressState.PREFERRED, "preferred until its lifetime");
                assertTrue(nd.mld().isMember(Icmpv6Repr.solicitedNode(address)), "listening on its solicited-node group");
                assertTrue(probes.stream().anyMatch(p -> p.target().equals(address)), "probed before use");
            }
        }
        for (Ipv6Address d : List.of(Ipv6Address.parse("fe80::1"), Ipv6Address.parse("2001:db8::1"))) {
            Ipv6Address source = slaac.sourceAddress(d);
            if (source != null) {
                assertTrue(slaac.isAssigned(source), "a source is never tentative or duplicate");
            }
        }
        Ipv6Address ll = slaac.usableLinkLocal();
        if (ll != null) {
            assertTrue(ll.isLinkLocal() && slaac.isAssigned(ll));
        }
    }

    @Override
    public void solicit(Ipv6Address target, MacAddress destination) {
        assertNotNull(target);
    }

    @Override
    public void transmit(byte[] packet, int offset, int length, MacAddress mac) {
        assertNotNull(mac);
        sent++;
    }

    @Override
    public void unreachable(Ipv6Address target, byte[] packet, int length) {
        assertNotNull(target);
    }

    @Override
    public void solicitRouters(Ipv6Address source) {
        assertTrue(source.isUnspecified() || nd.slaac().isAssigned(source), "never from a tentative address");
        solicitations++;
    }

    @Override
    public void sendDadProbe(NeighborSolicitation probe) {
        assertEquals(AddressState.TENTATIVE, nd.slaac().state(probe.target()));
        probes.add(probe);
    }

    @Override
    public void sendReport(Ipv6Address source, MulticastListenerReport report) {
        assertTrue(source.isUnspecified() || nd.slaac().isAssigned(source));
        assertTrue(!report.records().isEmpty() && report.records().size() <= Mld.MAX_RECORDS_PER_REPORT);
        reports++;
    }

    @Override
    public void advertise(Ipv6Address destination, NeighborAdvertisement advertisement) {
        assertTrue(nd.slaac().isAssigned(advertisement.target()), "we answer only for assigned addresses");
        advertisements++;
    }
}
