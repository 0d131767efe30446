package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.Slaac.AddressState;
import mirage.net.internal.engine.ndp.Slaac.Ownership;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.NeighborAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation;
import mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.RouterPreference;
import mirage.net.internal.wire.NdpOption;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/**
 * Scripted tests of SLAAC and Duplicate Address Detection (RFC 4862, RFC 7217, RFC 7527), named
 * state, event, result. Most use EUI-64 identifiers so that addresses can be read off the MAC.
 */
class SlaacTest {
    static final long S = 1_000_000_000L;
    static final long HOUR = 3600 * S;
    static final MacAddress MAC = MacAddress.parse("52:54:00:12:34:56");
    static final Ipv6Address LL = Ipv6Address.parse("fe80::5054:ff:fe12:3456");
    static final Ipv6Address GLOBAL = Ipv6Address.parse("2001:db8:1:0:5054:ff:fe12:3456");
    static final Ipv6Address PEER = Ipv6Address.parse("fe80::99");
    static final byte[] KEY = "0123456789abcdef0123".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static final class Recorder implements Slaac.Link {
        final List<String> events = new ArrayList<>();
        final List<NeighborSolicitation> probes = new ArrayList<>();

        @Override
        public void sendDadProbe(NeighborSolicitation probe) {
            probes.add(probe);
            events.add("probe " + probe.target());
        }

        @Override
        public void joinGroup(long now, Ipv6Address group) {
            events.add("join " + group);
        }

        @Override
        public void leaveGroup(long now, Ipv6Address group) {
            events.add("leave " + group);
        }

        List<String> take() {
            List<String> out = List.copyOf(events);
            events.clear();
            return out;
        }
    }

    final Recorder link = new Recorder();
    final Slaac slaac = new Slaac(SlaacConfig.eui64(MAC), link, Rng.seeded(9));

    static RouterAdvertisement ra(NdpOption.PrefixInformation... prefixes) {
        return new RouterAdvertisement(64, false, false, RouterPreference.MEDIUM, 1800, 0, 0, List.of(prefixes));
    }

    static NdpOption.PrefixInformation autonomous(String prefix, long valid, long preferred) {
        return new NdpOption.PrefixInformation(64, true, true, valid, preferred, Ipv6Address.parse(prefix));
    }

    static NeighborSolicitation probeFromOther(Ipv6Address target) {
        return new NeighborSolicitation(target,
                List.of(new NdpOption.Unknown(Slaac.NONCE_OPTION_TYPE, Octets.of(new byte[] {1, 2, 3, 4, 5, 6}))));
    }

    static String join(Ipv6Address a) {
        return "join " + Icmpv6Repr.solicitedNode(a);
    }

    static String leave(Ipv6Address a) {
        return "leave " + Icmpv6Repr.solicitedNode(a);
    }

    /** The link-local address TENTATIVE, its probe sent at the returned time. */
    long probing() {
        long delay = slaac.start(0);
        assertEquals(List.of(), link.take(), "nothing before the random delay");
        slaac.poll(delay);
        assertEquals(List.of(join(LL), "probe " + LL), link.take());
        return delay;
    }

    /** The link-local address PREFERRED at the returned time. */
    long linkLocalPreferred() {
        long t = probing() + S;
        slaac.poll(t);
        assertEquals(AddressState.PREFERRED, slaac.state(LL));
        return t;
    }

    /** GLOBAL PREFERRED with the lifetimes given (seconds) at the returned time. */
    long globalPreferred(long valid, long preferred) {
        long t = linkLocalPreferred();
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", valid, preferred)));
        assertEquals(List.of(join(GLOBAL), "probe " + GLOBAL), link.take(), "no random delay after the first");
        t += S;
        slaac.poll(t);
        assertEquals(AddressState.PREFERRED, slaac.state(GLOBAL));
        return t;
    }

    // ------------------------------------------------------------ start

    @Test
    void start_formsTentativeLinkLocalAfterRandomDelay() {
        long delay = slaac.start(0);
        assertTrue(delay >= 0 && delay <= S, "MAX_RTR_SOLICITATION_DELAY: " + delay);
        assertEquals(AddressState.TENTATIVE, slaac.state(LL));
        assertNull(slaac.usableLinkLocal());
        assertFalse(slaac.isAssigned(LL));
    }

    @Test
    void start_probeFromUnspecifiedWithNonceOnly() {
        probing();
        NeighborSolicitation probe = link.probes.get(0);
        assertEquals(LL, probe.target());
        assertEquals(1, probe.options().size());
        NdpOption.Unknown nonce = (NdpOption.Unknown) probe.options().get(0);
        assertEquals(Slaac.NONCE_OPTION_TYPE, nonce.type());
        assertEquals(Slaac.NONCE_LENGTH, nonce.data().length());
    }

    @Test
    void start_again_forgetsAddressesAndLeavesGroups() {
        globalPreferred(7200, 3600);
        slaac.start(10 * S);
        assertEquals(List.of(leave(LL), leave(GLOBAL)), link.take());
        assertEquals(1, slaac.addresses().size());
    }

    // ------------------------------------------------------------ tentative

    @Test
    void tentative_retransTimerWithoutAnswer_becomesPreferred() {
        long t = probing();
        assertEquals(t + S, slaac.nextDeadline(), "RetransTimer");
        slaac.poll(t + S - 1);
        assertEquals(AddressState.TENTATIVE, slaac.state(LL));
        slaac.poll(t + S);
        assertEquals(AddressState.PREFERRED, slaac.state(LL));
        assertEquals(LL, slaac.usableLinkLocal());
        assertTrue(slaac.isAssigned(LL));
    }

    @Test
    void tentative_twoTransmits_twoProbesThenPreferred() {
        Slaac two = new Slaac(new SlaacConfig(SlaacConfig.Identifiers.EUI64, MAC, new byte[0], new byte[0], new byte[0],
                2, S, 16, 0), link, Rng.seeded(1));
        long t = two.start(0);
        two.poll(t);
        two.poll(t + S);
        assertEquals(AddressState.TENTATIVE, two.state(LL));
        two.poll(t + 2 * S);
        assertEquals(AddressState.PREFERRED, two.state(LL));
        assertEquals(List.of(join(LL), "probe " + LL, "probe " + LL), link.take());
        assertNotEquals(link.probes.get(0), link.probes.get(1), "a nonce per probe");
    }

    @Test
    void tentative_probeFromOther_isDuplicateNeverUsed() {
        long t = probing();
        assertEquals(Ownership.TENTATIVE, slaac.neighborSolicitation(t, Ipv6Address.UNSPECIFIED, probeFromOther(LL)));
        assertEquals(AddressState.DUPLICATE, slaac.state(LL));
        assertEquals(List.of(leave(LL)), link.take());
        slaac.poll(t + 10 * S);
        assertEquals(AddressState.DUPLICATE, slaac.state(LL));
        assertFalse(slaac.isAssigned(LL));
        assertNull(slaac.usableLinkLocal());
        assertTrue(slaac.linkLocalFailed(), "EUI-64: no other identifier to try");
        assertEquals(1, slaac.duplicates());
    }

    @Test
    void tentative_probeWithoutNonce_isDuplicate() {
        long t = probing();
        slaac.neighborSolicitation(t, Ipv6Address.UNSPECIFIED, new NeighborSolicitation(LL, List.of()));
        assertEquals(AddressState.DUPLICATE, slaac.state(LL));
    }

    @Test
    void tentative_ownProbeLoopedBack_isIgnored() {
        long t = probing();
        NeighborSolicitation own = link.probes.get(0);
        assertEquals(Ownership.TENTATIVE, slaac.neighborSolicitation(t, Ipv6Address.UNSPECIFIED, own));
        assertEquals(AddressState.TENTATIVE, slaac.state(LL));
        assertEquals(1, slaac.loopedBack());
        slaac.poll(t + S);
        assertEquals(AddressState.PREFERRED, slaac.state(LL));
    }

    @Test
    void tentative_solicitationFromUnicast_isAddressResolutionIgnored() {
        long t = probing();
        assertEquals(Ownership.TENTATIVE, slaac.neighborSolicitation(t, PEER, new NeighborSolicitation(LL, List.of())));
        assertEquals(AddressState.TENTATIVE, slaac.state(LL));
    }

    @Test
    void tentative_advertisement_isDuplicate() {
        long t = probing();
        assertEquals(Ownership.TENTATIVE, slaac.neighborAdvertisement(t,
                new NeighborAdvertisement(false, false, true, LL, List.of())));
        assertEquals(AddressState.DUPLICATE, slaac.state(LL));
    }

    @Test
    void tentative_duplicateWithStableIdentifiers_triesNextCounter() {
        Slaac stable = new Slaac(SlaacConfig.stablePrivacy(MAC, KEY), link, Rng.seeded(2));
        stable.poll(stable.start(0));
        Ipv6Address first = stable.addresses().get(0).address().address();
        link.take();
        stable.neighborSolicitation(S, Ipv6Address.UNSPECIFIED, probeFromOther(first));
        Slaac.AddressInfo second = stable.addresses().get(0);
        assertNotEquals(first, second.address().address());
        assertEquals(1, second.dadCounter());
        assertEquals(AddressState.TENTATIVE, second.state());
        assertEquals(List.of(leave(first), join(second.address().address()), "probe " + second.address().address()),
                link.take(), "DAD again at once");
        assertNull(stable.state(first), "the duplicate is not ours");
    }

    @Test
    void tentative_duplicateBeyondIdgenRetries_staysDuplicate() {
        Slaac stable = new Slaac(SlaacConfig.stablePrivacy(MAC, KEY), link, Rng.seeded(2));
        stable.poll(stable.start(0));
        for (int i = 0; i <= 3; i++) {
            Ipv6Address a = stable.addresses().get(0).address().address();
            stable.neighborAdvertisement(S, new NeighborAdvertisement(false, false, true, a, List.of()));
        }
        assertEquals(1, stable.addresses().size());
        assertEquals(AddressState.DUPLICATE, stable.addresses().get(0).state());
        assertEquals(3, stable.addresses().get(0).dadCounter(), "IDGEN_RETRIES");
        assertTrue(stable.linkLocalFailed());
        assertEquals(4, stable.duplicates());
    }

    @Test
    void tentative_notAnswered_sourceAddressIsNone() {
        probing();
        assertNull(slaac.sourceAddress(PEER));
    }

    // ------------------------------------------------------------ preferred

    @Test
    void preferred_solicitation_isOursToAnswer() {
        long t = linkLocalPreferred();
        assertEquals(Ownership.ASSIGNED, slaac.neighborSolicitation(t, PEER, new NeighborSolicitation(LL, List.of())));
        assertEquals(Ownership.ASSIGNED, slaac.neighborSolicitation(t, Ipv6Address.UNSPECIFIED, probeFromOther(LL)),
                "another node's DAD for our address: we defend it");
        assertEquals(AddressState.PREFERRED, slaac.state(LL));
        assertEquals(Ownership.NOT_OURS, slaac.neighborSolicitation(t, PEER, new NeighborSolicitation(PEER, List.of())));
    }

    @Test
    void preferred_advertisementFromOther_isCountedConflict() {
        long t = linkLocalPreferred();
        assertEquals(Ownership.ASSIGNED, slaac.neighborAdvertisement(t,
                new NeighborAdvertisement(false, false, true, LL, List.of())));
        assertEquals(AddressState.PREFERRED, slaac.state(LL));
        assertEquals(1, slaac.conflicts());
    }

    @Test
    void preferred_routerAdvertisementWithPrefix_formsTentativeGlobal() {
        long t = linkLocalPreferred();
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", 86400, 14400)));
        assertEquals(AddressState.TENTATIVE, slaac.state(GLOBAL));
        assertEquals(LL, slaac.sourceAddress(Ipv6Address.parse("2001:db8:2::1")), "not the tentative one");
        slaac.poll(t + S);
        assertEquals(GLOBAL, slaac.sourceAddress(Ipv6Address.parse("2001:db8:2::1")));
        assertEquals(LL, slaac.sourceAddress(PEER));
    }

    @Test
    void preferred_prefixIgnoredByRule_counted() {
        long t = linkLocalPreferred();
        slaac.routerAdvertisement(t, ra(
                new NdpOption.PrefixInformation(64, true, false, 600, 600, Ipv6Address.parse("2001:db8:1::")),
                new NdpOption.PrefixInformation(64, true, true, 600, 600, Ipv6Address.parse("fe80::")),
                new NdpOption.PrefixInformation(64, true, true, 600, 700, Ipv6Address.parse("2001:db8:2::")),
                new NdpOption.PrefixInformation(48, true, true, 600, 600, Ipv6Address.parse("2001:db8:3::"))));
        assertEquals(1, slaac.addresses().size());
        assertEquals(3, slaac.prefixesIgnored(), "A clear is not counted; link-local, preferred > valid, /48 are");
    }

    @Test
    void preferred_newPrefixWithZeroValidLifetime_formsNothing() {
        long t = linkLocalPreferred();
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", 0, 0)));
        assertEquals(1, slaac.addresses().size());
    }

    @Test
    void preferred_tooManyPrefixes_refusedAndCounted() {
        Slaac few = new Slaac(new SlaacConfig(SlaacConfig.Identifiers.EUI64, MAC, new byte[0], new byte[0],
                new byte[0], 1, S, 2, 0), link, Rng.seeded(1));
        few.start(0);
        few.routerAdvertisement(0, ra(autonomous("2001:db8:1::", 600, 600), autonomous("2001:db8:2::", 600, 600)));
        assertEquals(2, few.addresses().size());
        assertEquals(1, few.addressesRefused());
    }

    @Test
    void preferred_preferredLifetimeRunsOut_deprecated() {
        long t = globalPreferred(7200, 600);
        long deprecatedAt = slaac.addresses().get(1).preferredUntil();
        slaac.poll(deprecatedAt);
        assertEquals(AddressState.DEPRECATED, slaac.state(GLOBAL));
        assertTrue(slaac.isAssigned(GLOBAL), "still assigned");
        assertEquals(GLOBAL, slaac.sourceAddress(Ipv6Address.parse("2001:db8:1::1")),
                "the right scope before avoiding deprecated (RFC 6724 rules 2 and 3)");
        assertTrue(deprecatedAt > t);
    }

    @Test
    void preferred_validLifetimeRunsOut_removedAndGroupLeft() {
        long t = globalPreferred(7200, 600);
        long invalidAt = slaac.addresses().get(1).validUntil();
        slaac.poll(invalidAt);
        assertNull(slaac.state(GLOBAL));
        assertEquals(List.of(leave(GLOBAL)), link.take());
        assertTrue(invalidAt > t);
    }

    @Test
    void deprecated_advertisementWithPreferredLifetime_preferredAgain() {
        long t = globalPreferred(7200, 600);
        t += 700 * S;
        slaac.poll(t);
        assertEquals(AddressState.DEPRECATED, slaac.state(GLOBAL));
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", 7200, 600)));
        assertEquals(AddressState.PREFERRED, slaac.state(GLOBAL));
    }

    // ------------------------------------------------------------ two-hour rule (RFC 4862 section 5.5.3 e)

    long validUntilAfter(long validFirst, long validThen) {
        long t = globalPreferred(validFirst, 600);
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", validThen, 0)));
        return slaac.addresses().get(1).validUntil() - t;
    }

    @Test
    void twoHours_longerThanTwoHours_taken() {
        assertEquals(3 * HOUR, validUntilAfter(86400, 3 * 3600));
    }

    @Test
    void twoHours_longerThanRemaining_taken() {
        assertEquals(3600 * S, validUntilAfter(1800, 3600));
    }

    @Test
    void twoHours_shortWhileRemainingLong_setToTwoHours() {
        assertEquals(2 * HOUR, validUntilAfter(86400, 60));
    }

    @Test
    void twoHours_zeroWhileRemainingLong_setToTwoHours() {
        assertEquals(2 * HOUR, validUntilAfter(86400, 0), "an unauthenticated zero cannot end the address");
    }

    @Test
    void twoHours_shortWhileRemainingShort_ignored() {
        long t = globalPreferred(3600, 600);
        long before = slaac.addresses().get(1).validUntil();
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", 60, 0)));
        assertEquals(before, slaac.addresses().get(1).validUntil());
    }

    @Test
    void twoHours_infinite_taken() {
        long t = globalPreferred(3600, 600);
        slaac.routerAdvertisement(t, ra(autonomous("2001:db8:1::", NdpOption.PrefixInformation.INFINITE,
                NdpOption.PrefixInformation.INFINITE)));
        assertEquals(NdpRouting.NEVER, slaac.addresses().get(1).validUntil());
        assertEquals(AddressState.PREFERRED, slaac.state(GLOBAL));
    }

    // ------------------------------------------------------------ identifiers

    @Test
    void identifiers_eui64_ofTheMac() {
        assertEquals(0x5054_00ff_fe12_3456L, Slaac.eui64(MAC));
        assertEquals(0x0000_00ff_fe00_0001L, Slaac.eui64(MacAddress.parse("02:00:00:00:00:01")));
    }

    @Test
    void identifiers_stable_sameInputsSameIdentifierOtherwiseDifferent() {
        Slaac a = new Slaac(SlaacConfig.stablePrivacy(MAC, KEY), link, Rng.seeded(1));
        Slaac b = new Slaac(SlaacConfig.stablePrivacy(MAC, KEY), link, Rng.seeded(2));
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        Slaac c = new Slaac(SlaacConfig.stablePrivacy(MAC, otherKey), link, Rng.seeded(1));
        Slaac d = new Slaac(SlaacConfig.stablePrivacy(MacAddress.parse("52:54:00:12:34:57"), KEY), link, Rng.seeded(1));
        long prefix = 0x2001_0db8_0001_0000L;
        assertEquals(a.stableIdentifier(prefix, 0), b.stableIdentifier(prefix, 0), "stable across restarts");
        assertNotEquals(a.stableIdentifier(prefix, 0), a.stableIdentifier(prefix + 1, 0), "per prefix");
        assertNotEquals(a.stableIdentifier(prefix, 0), a.stableIdentifier(prefix, 1), "per DAD_Counter");
        assertNotEquals(a.stableIdentifier(prefix, 0), c.stableIdentifier(prefix, 0), "per key");
        assertNotEquals(a.stableIdentifier(prefix, 0), d.stableIdentifier(prefix, 0), "per interface");
        assertNotEquals(Slaac.eui64(MAC), a.stableIdentifier(prefix, 0) & 0xffff_ffff_ffffL, "not the MAC");
    }

    @Test
    void identifiers_reserved() {
        assertTrue(Slaac.reservedIdentifier(0));
        assertTrue(Slaac.reservedIdentifier(0x0200_5eff_fe00_0000L));
        assertTrue(Slaac.reservedIdentifier(0x0200_5eff_fe00_5213L));
        assertTrue(Slaac.reservedIdentifier(0x0200_5eff_feff_ffffL));
        assertTrue(Slaac.reservedIdentifier(0xfdff_ffff_ffff_ff80L));
        assertTrue(Slaac.reservedIdentifier(0xfdff_ffff_ffff_ffffL));
        assertFalse(Slaac.reservedIdentifier(0xfdff_ffff_ffff_ff7fL));
        assertFalse(Slaac.reservedIdentifier(0x0200_5eff_ff00_0000L));
        assertFalse(Slaac.reservedIdentifier(1));
    }

    @Test
    void noDad_addressesAssignedAtOnce() {
        Slaac none = new Slaac(new SlaacConfig(SlaacConfig.Identifiers.EUI64, MAC, new byte[0], new byte[0],
                new byte[0], 0, S, 16, 0), link, Rng.seeded(1));
        none.start(0);
        assertEquals(AddressState.PREFERRED, none.state(LL));
        assertEquals(List.of(join(LL)), link.take());
    }
}
