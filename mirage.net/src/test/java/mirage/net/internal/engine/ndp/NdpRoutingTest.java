package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.NdpRouting.RedirectOutcome;
import mirage.net.internal.engine.ndp.NeighborCache.State;
import mirage.net.internal.wire.Icmpv6Repr.Redirect;
import mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.RouterPreference;
import mirage.net.internal.wire.NdpOption;
import org.junit.jupiter.api.Test;

/**
 * Scripted tests of the Default Router List, Prefix List, Destination Cache and Redirects (RFC
 * 4861 sections 5.2, 6.3.4, 6.3.6, 8.3), named state, event, result. Time in nanoseconds from 0.
 */
class NdpRoutingTest {
    static final long S = 1_000_000_000L;
    static final Ipv6Address R1 = Ipv6Address.parse("fe80::1");
    static final Ipv6Address R2 = Ipv6Address.parse("fe80::2");
    static final Ipv6Address R3 = Ipv6Address.parse("fe80::3");
    static final Ipv6Address FAR = Ipv6Address.parse("2001:db8:ffff::1");
    static final Ipv6Address NEAR = Ipv6Address.parse("2001:db8:1::9");
    static final MacAddress MAC1 = MacAddress.parse("02:00:00:00:00:01");
    static final MacAddress MAC2 = MacAddress.parse("02:00:00:00:00:02");

    static final class Recorder implements NeighborLink {
        final List<String> events = new ArrayList<>();

        @Override
        public void solicit(Ipv6Address target, MacAddress destination) {
            events.add("solicit " + target);
        }

        @Override
        public void transmit(byte[] packet, int offset, int length, MacAddress mac) {
            events.add("transmit to " + mac);
        }

        @Override
        public void unreachable(Ipv6Address target, byte[] packet, int length) {
            events.add("unreachable " + target);
        }
    }

    final Recorder link = new Recorder();
    final NeighborCache cache = new NeighborCache(NdpConfig.defaults(), link, Rng.seeded(3), 0);
    final NdpRouting routing = new NdpRouting(new RoutingConfig(3, 2, 4, 64, 1500), cache);

    static RouterAdvertisement ra(int lifetime, RouterPreference preference, NdpOption... options) {
        return new RouterAdvertisement(0, false, false, preference, lifetime, 0, 0, List.of(options));
    }

    static RouterAdvertisement ra(int lifetime, NdpOption... options) {
        return ra(lifetime, RouterPreference.MEDIUM, options);
    }

    static NdpOption.PrefixInformation onLink(String prefix, long valid) {
        Ipv6Cidr c = Ipv6Cidr.parse(prefix);
        return new NdpOption.PrefixInformation(c.prefixLength(), true, false, valid, valid, c.address());
    }

    static NdpOption sll(MacAddress mac) {
        return new NdpOption.SourceLinkLayerAddress(mac);
    }

    // ------------------------------------------------------------ empty lists

    @Test
    void empty_nextHopOffLink_isNoRoute() {
        assertNull(routing.nextHop(0, FAR));
        assertNull(routing.defaultRouter());
    }

    @Test
    void empty_nextHopLinkLocalOrMulticast_isTheDestination() {
        assertEquals(R3, routing.nextHop(0, R3));
        Ipv6Address group = Ipv6Address.parse("ff02::1:ff00:9");
        assertEquals(group, routing.nextHop(0, group));
        assertEquals(0, routing.destinationCount(), "no entry is needed for them");
    }

    @Test
    void empty_advertisementWithLifetime_addsDefaultRouter() {
        routing.routerAdvertisement(0, R1, ra(1800));
        assertEquals(List.of(new NdpRouting.DefaultRouter(R1, RouterPreference.MEDIUM, 1800 * S)), routing.routers());
        assertEquals(R1, routing.nextHop(0, FAR));
        assertEquals(1800 * S, routing.nextDeadline());
    }

    @Test
    void empty_advertisementWithZeroLifetime_addsNoRouter() {
        routing.routerAdvertisement(0, R1, ra(0));
        assertEquals(List.of(), routing.routers());
        assertNull(routing.nextHop(0, FAR));
    }

    // ------------------------------------------------------------ router list

    @Test
    void router_advertisementAgain_resetsLifetime() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.routerAdvertisement(50 * S, R1, ra(100));
        routing.poll(120 * S);
        assertEquals(R1, routing.defaultRouter());
        assertEquals(150 * S, routing.routers().get(0).invalidationTime());
    }

    @Test
    void router_advertisementWithZeroLifetime_removesIt() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.routerAdvertisement(S, R1, ra(0));
        assertEquals(List.of(), routing.routers());
        assertNull(routing.nextHop(S, FAR));
    }

    @Test
    void router_lifetimeRunsOut_isRemovedAndNoLongerNextHop() {
        routing.routerAdvertisement(0, R1, ra(100));
        assertEquals(R1, routing.nextHop(0, FAR));
        assertEquals(100 * S, routing.poll(99 * S));
        routing.poll(100 * S);
        assertEquals(List.of(), routing.routers());
        assertNull(routing.nextHop(100 * S, FAR), "a cached destination follows the list");
        assertEquals(1, routing.routersExpired());
    }

    @Test
    void router_listFull_newRouterIsRefusedAndCounted() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.routerAdvertisement(0, R2, ra(100));
        routing.routerAdvertisement(0, R3, ra(100));
        routing.routerAdvertisement(0, Ipv6Address.parse("fe80::4"), ra(100));
        assertEquals(3, routing.routers().size());
        assertEquals(1, routing.routersRefused());
    }

    @Test
    void router_sourceLinkLayerAddress_isLearnedStaleAsRouter() {
        routing.routerAdvertisement(0, R1, ra(100, sll(MAC1)));
        assertEquals(Optional.of(State.STALE), cache.state(R1));
        assertEquals(Optional.of(MAC1), cache.linkLayerAddress(R1));
        assertTrue(cache.isRouter(R1));
    }

    @Test
    void router_becameHost_leavesTheList() {
        routing.routerAdvertisement(0, R1, ra(100, sll(MAC1)));
        routing.routerAdvertisement(0, R2, ra(100, sll(MAC2)));
        assertEquals(R1, routing.defaultRouter());
        assertTrue(cache.advertisement(S, R1, MAC1, false, false, false));
        routing.routerBecameHost(R1);
        assertEquals(List.of(R2), addresses(routing.routers()));
        assertEquals(R2, routing.nextHop(S, FAR));
    }

    // ------------------------------------------------------------ default router selection

    @Test
    void selection_probablyReachablePreferredOverUnknown() {
        routing.routerAdvertisement(0, R1, ra(100)); // no link-layer address: reachability unknown
        routing.routerAdvertisement(0, R2, ra(100, sll(MAC2))); // STALE: probably reachable
        assertEquals(R2, routing.defaultRouter());
    }

    @Test
    void selection_higherPreferenceAmongReachable() {
        routing.routerAdvertisement(0, R1, ra(100, RouterPreference.LOW, sll(MAC1)));
        routing.routerAdvertisement(0, R2, ra(100, RouterPreference.HIGH, sll(MAC2)));
        assertEquals(R2, routing.defaultRouter());
        routing.routerAdvertisement(S, R2, ra(100, RouterPreference.LOW, sll(MAC2)));
        assertEquals(R2, routing.defaultRouter(), "on a tie the current one stays");
    }

    @Test
    void selection_reachablePreferredOverHigherPreferenceUnknown() {
        routing.routerAdvertisement(0, R1, ra(100, RouterPreference.HIGH));
        routing.routerAdvertisement(0, R2, ra(100, RouterPreference.LOW, sll(MAC2)));
        assertEquals(R2, routing.defaultRouter());
    }

    @Test
    void selection_noneReachable_resolutionFailureMovesToTheNext() {
        routing.routerAdvertisement(0, R1, ra(1000));
        routing.routerAdvertisement(0, R2, ra(1000));
        assertEquals(R1, routing.defaultRouter());
        routing.poll(0);
        assertEquals(R1, routing.defaultRouter(), "not yet used: kept");
        cache.output(0, R1, new byte[60], 0, 60); // INCOMPLETE
        routing.poll(0);
        assertEquals(R1, routing.defaultRouter(), "being resolved: kept");
        for (long t = S; t <= 3 * S; t += S) {
            cache.poll(t);
            routing.poll(t);
        }
        assertEquals(Optional.empty(), cache.state(R1), "resolution failed");
        assertEquals(R2, routing.defaultRouter(), "round robin");
        assertEquals(R2, routing.nextHop(3 * S, FAR));
    }

    // ------------------------------------------------------------ advertised parameters

    @Test
    void parameters_hopLimitSetWhenNonZero() {
        routing.routerAdvertisement(0, R1, new RouterAdvertisement(200, false, false, RouterPreference.MEDIUM, 0, 0, 0,
                List.of()));
        assertEquals(200, routing.curHopLimit());
        routing.routerAdvertisement(0, R1, ra(0));
        assertEquals(200, routing.curHopLimit(), "0 is unspecified");
    }

    @Test
    void parameters_reachableTimeRedrawnOnlyWhenItChanges() {
        routing.routerAdvertisement(0, R1, new RouterAdvertisement(0, false, false, RouterPreference.MEDIUM, 0, 10_000,
                0, List.of()));
        long drawn = cache.reachableTime();
        assertTrue(drawn >= 5 * S && drawn <= 15 * S, "0.5-1.5 x 10 s: " + drawn);
        for (int i = 0; i < 5; i++) {
            routing.routerAdvertisement(S, R1, new RouterAdvertisement(0, false, false, RouterPreference.MEDIUM, 0,
                    10_000, 0, List.of()));
            assertEquals(drawn, cache.reachableTime());
        }
    }

    @Test
    void parameters_retransTimerGoesToTheCache() {
        routing.routerAdvertisement(0, R1, new RouterAdvertisement(0, false, false, RouterPreference.MEDIUM, 0, 0, 250,
                List.of()));
        cache.output(0, NEAR, new byte[60], 0, 60);
        assertEquals(S / 4, cache.nextDeadline());
    }

    @Test
    void parameters_mtuOptionWithinBoundsSetsLinkMtu() {
        routing.routerAdvertisement(0, R1, ra(0, new NdpOption.Mtu(1400)));
        assertEquals(1400, routing.linkMtu());
        routing.routerAdvertisement(0, R1, ra(0, new NdpOption.Mtu(1279)));
        assertEquals(1400, routing.linkMtu(), "below IPv6's minimum: ignored");
        routing.routerAdvertisement(0, R1, ra(0, new NdpOption.Mtu(9000)));
        assertEquals(1400, routing.linkMtu(), "above the link's: ignored");
    }

    // ------------------------------------------------------------ prefix list

    @Test
    void prefix_onLinkOption_makesDestinationsOnLink() {
        routing.routerAdvertisement(0, R1, ra(100, onLink("2001:db8:1::/64", 600)));
        assertEquals(NEAR, routing.nextHop(0, NEAR));
        assertEquals(R1, routing.nextHop(0, FAR));
        assertTrue(routing.isOnLink(NEAR));
    }

    @Test
    void prefix_validLifetimeRunsOut_destinationGoesToTheRouter() {
        routing.routerAdvertisement(0, R1, ra(1000, onLink("2001:db8:1::/64", 600)));
        assertEquals(NEAR, routing.nextHop(0, NEAR));
        routing.poll(600 * S);
        assertEquals(List.of(), routing.prefixes());
        assertEquals(R1, routing.nextHop(600 * S, NEAR));
    }

    @Test
    void prefix_zeroValidLifetime_removesIt() {
        routing.routerAdvertisement(0, R1, ra(1000, onLink("2001:db8:1::/64", 600)));
        routing.routerAdvertisement(S, R1, ra(1000, onLink("2001:db8:1::/64", 0)));
        assertEquals(List.of(), routing.prefixes());
        assertEquals(R1, routing.nextHop(S, NEAR));
    }

    @Test
    void prefix_infiniteLifetime_neverRunsOut() {
        routing.routerAdvertisement(0, R1, ra(0, onLink("2001:db8:1::/64", NdpOption.PrefixInformation.INFINITE)));
        assertEquals(NdpRouting.NEVER, routing.prefixes().get(0).invalidationTime());
        assertEquals(NdpRouting.NEVER, routing.poll(1_000_000 * S));
    }

    @Test
    void prefix_linkLocalOrWithoutOnLinkFlag_isIgnored() {
        routing.routerAdvertisement(0, R1, ra(0, onLink("fe80::/64", 600),
                new NdpOption.PrefixInformation(64, false, true, 600, 600, Ipv6Address.parse("2001:db8:2::"))));
        assertEquals(List.of(), routing.prefixes());
    }

    @Test
    void prefix_listFull_newPrefixRefusedAndCounted() {
        routing.routerAdvertisement(0, R1, ra(0, onLink("2001:db8:1::/64", 600), onLink("2001:db8:2::/64", 600),
                onLink("2001:db8:3::/64", 600)));
        assertEquals(2, routing.prefixes().size());
        assertEquals(1, routing.prefixesRefused());
    }

    @Test
    void prefix_hostBitsAreCleared() {
        routing.routerAdvertisement(0, R1, ra(0, onLink("2001:db8:1::77/64", 600)));
        assertEquals(Ipv6Cidr.parse("2001:db8:1::/64"), routing.prefixes().get(0).prefix());
    }

    @Test
    void configured_routerAndPrefix_lastForever() {
        assertTrue(routing.addRouter(0, R1, RouterPreference.MEDIUM, NdpRouting.NEVER));
        assertTrue(routing.addOnLinkPrefix(0, Ipv6Cidr.parse("2001:db8:1::5/64"), NdpRouting.NEVER));
        assertEquals(NdpRouting.NEVER, routing.poll(1_000_000 * S));
        assertEquals(R1, routing.nextHop(0, FAR));
        assertEquals(NEAR, routing.nextHop(0, NEAR));
    }

    // ------------------------------------------------------------ destination cache

    @Test
    void destinations_boundedLeastRecentlyUsedEvicted() {
        routing.routerAdvertisement(0, R1, ra(100));
        for (int i = 1; i <= 10; i++) {
            routing.nextHop(0, new Ipv6Address(0x2001_0db8_ffff_0000L, i));
            assertTrue(routing.destinationCount() <= 4);
        }
        assertEquals(4, routing.destinationCount());
    }

    // ------------------------------------------------------------ redirects

    @Test
    void redirect_fromFirstHopToRouter_changesNextHop() {
        routing.routerAdvertisement(0, R1, ra(100, sll(MAC1)));
        assertEquals(RedirectOutcome.ACCEPTED, routing.redirect(0, R1, new Redirect(R2, FAR, List.of())));
        assertEquals(R2, routing.nextHop(0, FAR));
        assertEquals(List.of(R1), addresses(routing.routers()), "the router list is untouched");
        assertEquals(R1, routing.nextHop(0, Ipv6Address.parse("2001:db8:eeee::1")), "other destinations unchanged");
    }

    @Test
    void redirect_toTheDestinationItself_makesItOnLink() {
        routing.routerAdvertisement(0, R1, ra(100));
        Ipv6Address neighbour = Ipv6Address.parse("2001:db8:9::9");
        assertEquals(RedirectOutcome.ACCEPTED, routing.redirect(0, R1, new Redirect(neighbour, neighbour,
                List.of(new NdpOption.TargetLinkLayerAddress(MAC2)))));
        assertEquals(neighbour, routing.nextHop(0, neighbour));
        assertEquals(Optional.of(State.STALE), cache.state(neighbour));
        assertFalse(cache.isRouter(neighbour));
    }

    @Test
    void redirect_withTargetLinkLayerAddress_targetIsStaleRouter() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.redirect(0, R1, new Redirect(R2, FAR, List.of(new NdpOption.TargetLinkLayerAddress(MAC2))));
        assertEquals(Optional.of(State.STALE), cache.state(R2));
        assertEquals(Optional.of(MAC2), cache.linkLayerAddress(R2));
        assertTrue(cache.isRouter(R2));
    }

    @Test
    void redirect_notFromCurrentFirstHop_isRefused() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.routerAdvertisement(0, R2, ra(100));
        assertEquals(R1, routing.nextHop(0, FAR));
        assertEquals(RedirectOutcome.NOT_FROM_FIRST_HOP, routing.redirect(0, R2, new Redirect(R3, FAR, List.of())));
        assertEquals(R1, routing.nextHop(0, FAR));
        assertEquals(1, routing.redirectsRefused());
    }

    @Test
    void redirect_forOnLinkDestination_isRefused() {
        routing.routerAdvertisement(0, R1, ra(100, onLink("2001:db8:1::/64", 600)));
        assertEquals(RedirectOutcome.NOT_FROM_FIRST_HOP, routing.redirect(0, R1, new Redirect(R2, NEAR, List.of())));
        assertEquals(NEAR, routing.nextHop(0, NEAR));
    }

    @Test
    void redirect_aboutLinkLocalDestinationFromItself_isRefused() {
        routing.routerAdvertisement(0, R1, ra(100));
        assertEquals(RedirectOutcome.NOT_FROM_FIRST_HOP, routing.redirect(0, R2, new Redirect(R3, R2, List.of())));
        assertEquals(R2, routing.nextHop(0, R2));
    }

    @Test
    void redirect_onLink_survivesPrefixListChange() {
        routing.routerAdvertisement(0, R1, ra(1000));
        routing.redirect(0, R1, new Redirect(FAR, FAR, List.of()));
        routing.routerAdvertisement(S, R1, ra(1000, onLink("2001:db8:1::/64", 600)));
        assertEquals(FAR, routing.nextHop(S, FAR));
    }

    @Test
    void redirect_withoutRouters_isRefused() {
        assertEquals(RedirectOutcome.NOT_FROM_FIRST_HOP, routing.redirect(0, R1, new Redirect(R2, FAR, List.of())));
        assertNull(routing.nextHop(0, FAR));
    }

    @Test
    void redirect_fromTheRedirectedRouter_isAcceptedAgain() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.redirect(0, R1, new Redirect(R2, FAR, List.of()));
        assertEquals(RedirectOutcome.ACCEPTED, routing.redirect(0, R2, new Redirect(R3, FAR, List.of())));
        assertEquals(R3, routing.nextHop(0, FAR));
    }

    @Test
    void redirect_targetBecameHost_destinationDeterminedAgain() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.redirect(0, R1, new Redirect(R2, FAR, List.of()));
        routing.routerBecameHost(R2);
        assertEquals(R1, routing.nextHop(0, FAR));
    }

    @Test
    void redirect_targetUnreachable_destinationDeterminedAgain() {
        routing.routerAdvertisement(0, R1, ra(100));
        routing.redirect(0, R1, new Redirect(R2, FAR, List.of()));
        routing.neighborUnreachable(R2);
        assertEquals(R1, routing.nextHop(0, FAR));
    }

    static List<Ipv6Address> addresses(List<NdpRouting.DefaultRouter> routers) {
        List<Ipv6Address> out = new ArrayList<>();
        for (NdpRouting.DefaultRouter r : routers) {
            out.add(r.address());
        }
        return out;
    }
}
