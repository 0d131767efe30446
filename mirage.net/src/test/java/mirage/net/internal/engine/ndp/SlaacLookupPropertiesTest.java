package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.Slaac.AddressInfo;
import mirage.net.internal.engine.ndp.Slaac.AddressState;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.NdpOption;
import org.junit.jupiter.api.Test;

/**
 * {@link Slaac#assigned}, which remembers the entry it found last (decision 0078), answers as a
 * walk of {@link Slaac#addresses()} does: the address if an entry of it is PREFERRED or
 * DEPRECATED, null if none is (absent, TENTATIVE or DUPLICATE), after any sequence of starts,
 * manual additions, Router Advertisements (lifetimes that deprecate and expire), probes from
 * another node during Duplicate Address Detection (DUPLICATE, and with stable privacy
 * identifiers a new address) and time passing. And {@link Slaac#sourceAddress}, which remembers
 * its last answer while nothing it depends on changed, equals the selection made afresh.
 */
class SlaacLookupPropertiesTest {
    static final long S = 1_000_000_000L;
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");
    static final byte[] KEY = "0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static final class Quiet implements Slaac.Link {
        @Override
        public void sendDadProbe(mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation probe) {}

        @Override
        public void joinGroup(long now, Ipv6Address group) {}

        @Override
        public void leaveGroup(long now, Ipv6Address group) {}
    }

    @Test
    void assignedEqualsTheWalkOfTheAddresses() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            SlaacConfig config = r.nextBoolean() ? SlaacConfig.eui64(MAC) : SlaacConfig.stablePrivacy(MAC, KEY);
            Slaac slaac = new Slaac(config, new Quiet(), Rng.seeded(seed));
            String[] prefixes = {"2001:db8:1::", "2001:db8:2::", "fd00::"};
            List<Ipv6Address> asked = new ArrayList<>();
            List<Ipv6Address> destinations = List.of(Ipv6Address.parse("2001:db8:1::99"), Ipv6Address.parse("2001:db8:2::1"),
                    Ipv6Address.parse("fd00::7"), Ipv6Address.parse("2001:db8:9::5"), Ipv6Address.parse("fe80::99"),
                    Ipv6Address.parse("ff02::1"), Ipv6Address.parse("ff05::2"), Ipv6Address.parse("2606:4700::1"));
            long now = 0;
            slaac.start(now);
            for (int step = 0; step < 60; step++) {
                switch (r.nextInt(10)) {
                    case 0 -> slaac.start(now);
                    case 1 -> {
                        Ipv6Address a = new Ipv6Address(0x2001_0db8_0009_0000L, r.nextInt(1, 4));
                        slaac.addManual(now, Ipv6Cidr.of(a, 64));
                        asked.add(a);
                    }
                    case 2, 3 -> {
                        long valid = r.nextInt(0, 8);
                        long preferred = r.nextLong(0, valid + 1);
                        slaac.routerAdvertisement(now, new mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement(64, false, false,
                                mirage.net.internal.wire.Icmpv6Repr.RouterPreference.MEDIUM, 1800, 0, 0,
                                List.of(new NdpOption.PrefixInformation(64, true, true, valid, preferred,
                                        Ipv6Address.parse(prefixes[r.nextInt(prefixes.length)])))));
                    }
                    case 4 -> {
                        List<AddressInfo> all = slaac.addresses();
                        if (!all.isEmpty()) {
                            Ipv6Address target = all.get(r.nextInt(all.size())).address().address();
                            slaac.neighborSolicitation(now, Ipv6Address.UNSPECIFIED,
                                    new mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation(target, List.of(new NdpOption.Unknown(
                                            Slaac.NONCE_OPTION_TYPE, mirage.net.internal.wire.Octets.of(new byte[] {1, 2, 3, 4, 5, 6})))));
                        }
                    }
                    default -> {
                        now += r.nextLong(0, 3 * S);
                        slaac.poll(now);
                    }
                }
                for (AddressInfo i : slaac.addresses()) {
                    asked.add(i.address().address());
                }
                for (int k = Math.max(0, asked.size() - 12); k < asked.size(); k++) {
                    Ipv6Address a = asked.get(k);
                    Ipv6Address expected = null;
                    for (AddressInfo i : slaac.addresses()) {
                        if (i.address().address().equals(a)
                                && (i.state() == AddressState.PREFERRED || i.state() == AddressState.DEPRECATED)) {
                            expected = a;
                        }
                    }
                    assertEquals(expected, slaac.assigned(a.high(), a.low()), a + " at step " + step);
                    assertEquals(expected, slaac.assigned(a.high(), a.low()), a + " asked again at step " + step);
                }
                for (Ipv6Address d : destinations) {
                    assertEquals(slaac.selectSource(d), slaac.sourceAddress(d), "source for " + d + " at step " + step);
                    assertEquals(slaac.selectSource(d), slaac.sourceAddress(d), "source for " + d + " again at step " + step);
                }
            }
        });
    }

    /** Prefixes whose addresses are PREFERRED (DAD passed) at the returned time; lifetimes in seconds. */
    private static long assign(Slaac slaac, long[][] lifetimes, String... prefixes) {
        long t = slaac.start(0);
        slaac.poll(t);
        t += S;
        slaac.poll(t);
        List<NdpOption> options = new ArrayList<>();
        for (int i = 0; i < prefixes.length; i++) {
            options.add(new NdpOption.PrefixInformation(64, true, true, lifetimes[i][0], lifetimes[i][1],
                    Ipv6Address.parse(prefixes[i])));
        }
        slaac.routerAdvertisement(t, new Icmpv6Repr.RouterAdvertisement(64, false, false,
                Icmpv6Repr.RouterPreference.MEDIUM, 1800, 0, 0, options));
        t += S;
        slaac.poll(t);
        return t;
    }

    /** An address that expires stops being the source at once, though the destination asked for is the same. */
    @Test
    void theSourceAfterItsAddressExpired() {
        Slaac slaac = new Slaac(SlaacConfig.eui64(MAC), new Quiet(), Rng.seeded(1));
        long t = assign(slaac, new long[][] {{4, 4}}, "2001:db8:1::");
        Ipv6Address destination = Ipv6Address.parse("2001:db8:9::5");
        Ipv6Address global = slaac.sourceAddress(destination);
        assertEquals(0x2001_0db8_0001_0000L, global.high());
        slaac.poll(t + 4 * S);
        assertEquals(slaac.usableLinkLocal(), slaac.sourceAddress(destination));
        assertEquals(null, slaac.assigned(global.high(), global.low()));
    }

    /** A deprecated source gives way to a preferred one (RFC 6724 rule 3) at once. */
    @Test
    void theSourceAfterItsAddressWasDeprecated() {
        Slaac slaac = new Slaac(SlaacConfig.eui64(MAC), new Quiet(), Rng.seeded(1));
        long t = assign(slaac, new long[][] {{100, 3}, {100, 100}}, "2001:db8:1::", "2001:db8:2::");
        Ipv6Address destination = Ipv6Address.parse("2001:db8:1::5");
        assertEquals(0x2001_0db8_0001_0000L, slaac.sourceAddress(destination).high(), "the longer common prefix");
        slaac.poll(t + 3 * S);
        assertEquals(0x2001_0db8_0002_0000L, slaac.sourceAddress(destination).high(), "the preferred one");
    }
}
