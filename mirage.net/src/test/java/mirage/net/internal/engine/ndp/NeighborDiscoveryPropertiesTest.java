package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.Slaac.AddressState;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQuery;
import mirage.net.internal.wire.Icmpv6Repr.NeighborAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation;
import mirage.net.internal.wire.Icmpv6Repr.Redirect;
import mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.RouterPreference;
import mirage.net.internal.wire.NdpOption;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of Router Advertisements, solicitations, advertisements (some for our own
 * addresses, some our own probes looped back), Redirects, MLD queries, packets and time against
 * {@link NeighborDiscovery}; after each step {@link NdpDriver#check} holds: the router list never
 * selects an expired router, SLAAC never reports a tentative or duplicate address as usable and
 * keeps no address past its valid lifetime, every bound holds, and what is sent is well-formed.
 */
class NeighborDiscoveryPropertiesTest {
    static final long S = NdpDriver.S;
    static final Ipv6Address[] ROUTERS = {Ipv6Address.parse("fe80::1"), Ipv6Address.parse("fe80::2"),
        Ipv6Address.parse("fe80::3"), Ipv6Address.parse("fe80::4")};
    static final Ipv6Address[] PREFIXES = {Ipv6Address.parse("2001:db8:1::"), Ipv6Address.parse("2001:db8:2::"),
        Ipv6Address.parse("2001:db8:3::"), Ipv6Address.parse("2001:db8:4::"), Ipv6Address.parse("2001:db8:5::")};
    static final long[] LIFETIMES = {0, 1, 30, 600, 7300, NdpOption.PrefixInformation.INFINITE};
    static final MacAddress[] MACS = {MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02")};

    @Test
    void invariantsHoldAfterEveryStep() {
        qt().forAll(longs().all()).checkAssert(seed -> run(seed, 300));
    }

    @Test
    void withoutInterferenceEveryAddressBecomesUsable() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            NdpDriver d = new NdpDriver(seed, r.nextBoolean());
            d.nd.start(0);
            long now = S; // past MAX_RTR_SOLICITATION_DELAY: the link-local probe and the first solicitation went
            d.nd.poll(now);
            d.nd.receive(now, ROUTERS[0], Icmpv6Repr.ALL_NODES, new RouterAdvertisement(64, false, false,
                    RouterPreference.MEDIUM, 1800, 0, 0, List.of(new NdpOption.PrefixInformation(64, true, true, 86400,
                            14400, PREFIXES[r.nextInt(PREFIXES.length - 1)]))));
            now += 2 * S;
            d.nd.poll(now);
            d.check(now);
            List<Slaac.AddressInfo> all = d.nd.slaac().addresses();
            assertEquals(2, all.size());
            for (Slaac.AddressInfo a : all) {
                assertEquals(AddressState.PREFERRED, a.state());
            }
            assertEquals(ROUTERS[0], d.nd.routing().defaultRouter());
            assertEquals(RouterSolicitor.State.DONE, d.nd.solicitor().state());
            assertEquals(1, d.solicitations, "one solicitation, from ::");
        });
    }

    static void run(long seed, int steps) {
        SplittableRandom r = new SplittableRandom(seed);
        NdpDriver d = new NdpDriver(seed, r.nextBoolean());
        long now = 0;
        d.nd.start(now);
        for (int step = 0; step < steps; step++) {
            now += switch (r.nextInt(8)) {
                case 0 -> r.nextLong(3 * 3600 * S);
                case 1, 2 -> r.nextLong(5 * S);
                default -> r.nextLong(S);
            };
            List<Ipv6Address> ours = new ArrayList<>();
            for (Slaac.AddressInfo a : d.nd.slaac().addresses()) {
                ours.add(a.address().address());
            }
            Ipv6Address mine = ours.isEmpty() ? ROUTERS[0] : ours.get(r.nextInt(ours.size()));
            Ipv6Address router = ROUTERS[r.nextInt(ROUTERS.length)];
            MacAddress mac = MACS[r.nextInt(MACS.length)];
            switch (r.nextInt(10)) {
                case 0, 1 -> d.receive(now, router, Icmpv6Repr.ALL_NODES, advertisement(r, mac));
                case 2 -> d.receive(now, Ipv6Address.UNSPECIFIED, Icmpv6Repr.solicitedNode(mine),
                        new NeighborSolicitation(mine, List.of(new NdpOption.Unknown(Slaac.NONCE_OPTION_TYPE,
                                Octets.of(new byte[] {9, 9, 9, 9, 9, (byte) r.nextInt(256)})))));
                case 3 -> {
                    if (!d.probes.isEmpty()) {
                        NeighborSolicitation own = d.probes.get(r.nextInt(d.probes.size()));
                        d.receive(now, Ipv6Address.UNSPECIFIED, Icmpv6Repr.solicitedNode(own.target()), own);
                    }
                }
                case 4 -> d.receive(now, router, Icmpv6Repr.ALL_NODES, new NeighborAdvertisement(r.nextBoolean(),
                        false, r.nextBoolean(), r.nextInt(3) == 0 ? mine : router,
                        r.nextBoolean() ? List.of(new NdpOption.TargetLinkLayerAddress(mac)) : List.of()));
                case 5 -> d.receive(now, router, mine, new NeighborSolicitation(mine,
                        List.of(new NdpOption.SourceLinkLayerAddress(mac))));
                case 6 -> {
                    Ipv6Address far = new Ipv6Address(0x2001_0db8_ff00_0000L, r.nextInt(4));
                    Ipv6Address target = r.nextBoolean() ? far : ROUTERS[r.nextInt(ROUTERS.length)];
                    d.receive(now, router, mine, new Redirect(target, far, List.of()));
                }
                case 7 -> d.receive(now, router, Icmpv6Repr.ALL_NODES, new MulticastListenerQuery(r.nextInt(3000),
                        r.nextBoolean() ? Ipv6Address.UNSPECIFIED : Icmpv6Repr.solicitedNode(mine), false, r.nextInt(4),
                        125, List.of()));
                case 8 -> {
                    Ipv6Address destination = r.nextBoolean() ? new Ipv6Address(0x2001_0db8_ff00_0000L, r.nextInt(4))
                            : new Ipv6Address(PREFIXES[r.nextInt(PREFIXES.length)].high(), 7);
                    Ipv6Address hop = d.nd.routing().nextHop(now, destination);
                    if (hop != null) {
                        d.nd.cache().output(now, hop, new byte[80], 0, 80);
                    }
                }
                default -> {
                }
            }
            d.nd.poll(now);
            d.check(now);
        }
        assertTrue(d.probes.size() >= 1, "the link-local address was probed");
    }

    static RouterAdvertisement advertisement(SplittableRandom r, MacAddress mac) {
        List<NdpOption> options = new ArrayList<>();
        if (r.nextBoolean()) {
            options.add(new NdpOption.SourceLinkLayerAddress(mac));
        }
        if (r.nextInt(4) == 0) {
            options.add(new NdpOption.Mtu(1200 + r.nextInt(400)));
        }
        for (int i = r.nextInt(4); i > 0; i--) {
            Ipv6Address prefix = PREFIXES[r.nextInt(PREFIXES.length)];
            long valid = LIFETIMES[r.nextInt(LIFETIMES.length)];
            long preferred = r.nextInt(4) == 0 ? LIFETIMES[r.nextInt(LIFETIMES.length)] : valid / 2;
            int length = prefix.equals(PREFIXES[4]) ? 48 : 64;
            options.add(new NdpOption.PrefixInformation(length, r.nextBoolean(), r.nextInt(4) != 0, valid, preferred,
                    prefix));
        }
        int lifetime = switch (r.nextInt(4)) {
            case 0 -> 0;
            case 1 -> 1 + r.nextInt(30);
            default -> 600 + r.nextInt(3000);
        };
        return new RouterAdvertisement(r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(255), false, false,
                RouterPreference.values()[r.nextInt(3)], lifetime, r.nextInt(3) == 0 ? 1 + r.nextInt(60_000) : 0,
                r.nextInt(3) == 0 ? 1 + r.nextInt(3000) : 0, options);
    }
}
