package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.NeighborCache.Outcome;
import mirage.net.internal.engine.ndp.NeighborCache.State;
import org.junit.jupiter.api.Test;

/**
 * Scripted tests of the neighbour cache, named state, event, result (STYLE.md), following RFC
 * 4861 section 7.3.3 and Appendix C. Time is in nanoseconds from 0.
 */
class NeighborCacheTest {
    static final long S = 1_000_000_000L;
    static final Ipv6Address PEER = Ipv6Address.parse("fe80::2");
    static final Ipv6Address OTHER = Ipv6Address.parse("fe80::3");
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:02");
    static final MacAddress NEW_MAC = MacAddress.parse("02:00:00:00:00:22");

    /** The link: what the cache asked for, in order, as text. */
    static final class Recorder implements NeighborLink {
        final List<String> events = new ArrayList<>();

        @Override
        public void solicit(Ipv6Address target, MacAddress destination) {
            events.add("solicit " + target + (destination == null ? " multicast" : " to " + destination));
        }

        @Override
        public void transmit(byte[] packet, int offset, int length, MacAddress mac) {
            events.add("transmit " + packet[offset] + "/" + length + " to " + mac);
        }

        @Override
        public void unreachable(Ipv6Address target, byte[] packet, int length) {
            events.add("unreachable " + target + " " + packet[0] + "/" + length);
        }

        List<String> take() {
            List<String> out = List.copyOf(events);
            events.clear();
            return out;
        }
    }

    final Recorder link = new Recorder();
    final NeighborCache cache = new NeighborCache(NdpConfig.defaults(), link, Rng.seeded(7), 0);

    static byte[] packet(int tag) {
        byte[] p = new byte[60];
        p[0] = (byte) tag;
        return p;
    }

    Outcome send(long now, int tag) {
        return cache.output(now, PEER, packet(tag), 0, 60);
    }

    Optional<State> state() {
        return cache.state(PEER);
    }

    /** PEER INCOMPLETE since 0, packet 1 queued. */
    void incomplete() {
        assertEquals(Outcome.QUEUED, send(0, 1));
        link.take();
    }

    /** PEER REACHABLE at MAC since {@code now}. */
    void reachable(long now) {
        incomplete();
        cache.advertisement(now, PEER, MAC, false, true, true);
        assertEquals(Optional.of(State.REACHABLE), state());
        link.take();
    }

    /** PEER STALE at MAC. */
    void stale() {
        cache.learn(0, PEER, MAC, false);
        assertEquals(Optional.of(State.STALE), state());
        link.take();
    }

    /** PEER in DELAY since {@code now}. */
    void delay(long now) {
        stale();
        assertEquals(Outcome.SENT, send(now, 2));
        assertEquals(Optional.of(State.DELAY), state());
        link.take();
    }

    /** PEER in PROBE since {@code now}, one probe sent. */
    void probe(long now) {
        delay(now - 5 * S);
        cache.poll(now);
        assertEquals(Optional.of(State.PROBE), state());
        assertEquals(List.of("solicit fe80::2 to 02:00:00:00:00:02"), link.take());
    }

    // ------------------------------------------------------------ no entry

    @Test
    void noEntry_output_createsIncompleteSolicitsAndQueues() {
        assertEquals(Outcome.QUEUED, send(0, 1));
        assertEquals(Optional.of(State.INCOMPLETE), state());
        assertEquals(List.of("solicit fe80::2 multicast"), link.take());
        assertEquals(S, cache.nextDeadline(), "RetransTimer");
    }

    @Test
    void noEntry_advertisement_isIgnored() {
        assertFalse(cache.advertisement(0, PEER, MAC, true, true, true));
        assertEquals(Optional.empty(), state());
        assertEquals(0, cache.size());
    }

    @Test
    void noEntry_learn_createsStale() {
        cache.learn(0, PEER, MAC, false);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(Optional.of(MAC), cache.linkLayerAddress(PEER));
        assertFalse(cache.isRouter(PEER));
        assertEquals(List.of(), link.take());
    }

    @Test
    void noEntry_routerAdvertisement_createsStaleRouter() {
        cache.learn(0, PEER, MAC, true);
        assertTrue(cache.isRouter(PEER));
        cache.routerSeen(OTHER);
        assertEquals(Optional.empty(), cache.state(OTHER), "no entry is made without a link-layer address");
    }

    // ------------------------------------------------------------ INCOMPLETE

    @Test
    void incomplete_output_queuesWithoutSolicitingAgain() {
        incomplete();
        assertEquals(Outcome.QUEUED, send(S / 2, 2));
        assertEquals(List.of(), link.take());
    }

    @Test
    void incomplete_queueFull_dropsTheOldest() {
        NeighborCache three = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 256, 3, 1500), link, Rng.seeded(7), 0);
        for (int tag = 1; tag <= 4; tag++) {
            assertEquals(Outcome.QUEUED, three.output(tag, PEER, packet(tag), 0, 60));
        }
        assertEquals(1, three.queueDropped());
        link.take();
        three.advertisement(5, PEER, MAC, false, true, false);
        assertEquals(List.of("transmit 2/60 to 02:00:00:00:00:02", "transmit 3/60 to 02:00:00:00:00:02",
                "transmit 4/60 to 02:00:00:00:00:02"), link.take());
    }

    /**
     * The fragments of the largest datagram (65,535 octets of payload, 40 + 8 + 1,448 octets a
     * fragment at MTU 1500: 46) sent to a neighbour being resolved all wait and all leave, in
     * order, when it answers: the default queue holds them (it held 3 and lost the rest).
     */
    @Test
    void incomplete_theFragmentsOfTheLargestDatagram_allWaitAndLeaveInOrder() {
        int fragments = (65_535 + 1447) / 1448;
        for (int i = 0; i < fragments; i++) {
            byte[] fragment = new byte[1500];
            fragment[0] = (byte) i;
            assertEquals(Outcome.QUEUED, cache.output(0, PEER, fragment, 0, 1500));
        }
        assertEquals(0, cache.queueDropped());
        assertEquals(fragments * 1500L, cache.queuedBytes());
        link.take();
        cache.advertisement(S / 10, PEER, MAC, false, true, false);
        List<String> sent = link.take();
        assertEquals(fragments, sent.size());
        for (int i = 0; i < fragments; i++) {
            assertEquals("transmit " + (byte) i + "/1500 to 02:00:00:00:00:02", sent.get(i));
        }
        assertEquals(0, cache.queuedBytes());
    }

    @Test
    void incomplete_octetsPerEntryReached_theOldestGiveWayForALongerPacket() {
        NeighborCache small = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 4, 10, 1000, 2000, 4000), link,
                Rng.seeded(1), 0);
        assertEquals(Outcome.QUEUED, small.output(0, PEER, packet(1), 0, 60));
        assertEquals(Outcome.QUEUED, small.output(0, PEER, filled(2, 900), 0, 900));
        assertEquals(Outcome.QUEUED, small.output(0, PEER, filled(3, 1000), 0, 1000)); // 1960 of 2000
        assertEquals(Outcome.QUEUED, small.output(0, PEER, filled(4, 1000), 0, 1000)); // 1 and 2 give way
        assertEquals(2, small.queueDropped());
        assertEquals(2000, small.queuedBytes());
        link.take();
        small.advertisement(1, PEER, MAC, false, true, false);
        assertEquals(List.of("transmit 3/1000 to 02:00:00:00:00:02", "transmit 4/1000 to 02:00:00:00:00:02"), link.take());
    }

    @Test
    void incomplete_octetsOfAllEntriesReached_aNewNeighboursPacketIsDroppedAndCounted() {
        NeighborCache small = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 4, 10, 1000, 2000, 2500), link,
                Rng.seeded(1), 0);
        assertEquals(Outcome.QUEUED, small.output(0, PEER, filled(1, 1000), 0, 1000));
        assertEquals(Outcome.QUEUED, small.output(0, PEER, filled(2, 1000), 0, 1000));
        assertEquals(Outcome.QUEUED, small.output(0, OTHER, filled(3, 500), 0, 500)); // 2500 of 2500
        assertEquals(Outcome.DROPPED, small.output(0, Ipv6Address.parse("fe80::4"), filled(4, 100), 0, 100),
                "the others' packets hold the rest");
        assertEquals(Outcome.QUEUED, small.output(0, OTHER, filled(5, 400), 0, 400), "its own older packet gives way");
        assertEquals(2, small.queueDropped());
        assertEquals(2400, small.queuedBytes());
        for (int second = 1; second <= 4; second++) {
            small.poll(second * S); // the resolutions fail: what waited is handed back
        }
        assertTrue(link.take().stream().filter(e -> e.startsWith("unreachable")).count() == 3);
        assertEquals(0, small.queuedBytes());
    }

    static byte[] filled(int tag, int length) {
        byte[] p = new byte[length];
        p[0] = (byte) tag;
        return p;
    }

    @Test
    void incomplete_retransTimer_solicitsAgainThenGivesUp() {
        incomplete();
        send(1, 2);
        assertEquals(2 * S, cache.poll(S));
        assertEquals(List.of("solicit fe80::2 multicast"), link.take());
        assertEquals(2 * S, cache.poll(S), "nothing more is due at the same time");
        assertEquals(3 * S, cache.poll(2 * S));
        assertEquals(List.of("solicit fe80::2 multicast"), link.take());
        cache.poll(3 * S - 1);
        assertEquals(List.of(), link.take(), "MAX_MULTICAST_SOLICIT is 3; RetransTimer after the third");
        assertEquals(NeighborCache.REDRAW_NANOS, cache.poll(3 * S), "a failed entry's deadline is not the next one");
        assertEquals(List.of("unreachable fe80::2 1/60", "unreachable fe80::2 2/60"), link.take());
        assertEquals(Optional.empty(), state());
        assertEquals(1, cache.resolutionsFailed());
        assertEquals(3, cache.solicitationsSent());
    }

    @Test
    void incomplete_solicitedAdvertisement_reachableAndSends() {
        incomplete();
        cache.advertisement(S / 2, PEER, MAC, false, true, true);
        assertEquals(Optional.of(State.REACHABLE), state());
        assertEquals(List.of("transmit 1/60 to 02:00:00:00:00:02"), link.take());
        assertEquals(S / 2 + cache.reachableTime(), cache.poll(S / 2));
    }

    @Test
    void incomplete_unsolicitedAdvertisement_stale() {
        incomplete();
        cache.advertisement(1, PEER, MAC, true, false, true);
        assertEquals(Optional.of(State.STALE), state());
        assertTrue(cache.isRouter(PEER));
        assertEquals(List.of("transmit 1/60 to 02:00:00:00:00:02"), link.take());
    }

    @Test
    void incomplete_advertisementWithoutLinkLayerAddress_ignored() {
        incomplete();
        cache.advertisement(1, PEER, null, false, true, true);
        assertEquals(Optional.of(State.INCOMPLETE), state());
        assertEquals(List.of(), link.take());
    }

    @Test
    void incomplete_solicitationWithSourceLinkLayer_staleAndSends() {
        incomplete();
        cache.learn(1, PEER, MAC, false);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(List.of("transmit 1/60 to 02:00:00:00:00:02"), link.take());
    }

    // ------------------------------------------------------------ REACHABLE

    @Test
    void reachable_output_sendsAndStaysReachable() {
        reachable(0);
        assertEquals(Outcome.SENT, send(1, 5));
        assertEquals(List.of("transmit 5/60 to 02:00:00:00:00:02"), link.take());
        assertEquals(Optional.of(State.REACHABLE), state());
    }

    @Test
    void reachable_reachableTimeRunsOut_stale() {
        reachable(0);
        long t = cache.reachableTime();
        assertTrue(t >= 15 * S && t <= 45 * S, "0.5 to 1.5 times 30 s: " + t);
        cache.poll(t - 1);
        assertEquals(Optional.of(State.REACHABLE), state());
        cache.poll(t);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(List.of(), link.take());
    }

    @Test
    void reachable_confirmation_restartsReachableTime() {
        reachable(0);
        cache.confirm(10 * S, PEER);
        cache.poll(cache.reachableTime());
        assertEquals(Optional.of(State.REACHABLE), state());
        assertEquals(10 * S + cache.reachableTime(), cache.nextDeadline());
    }

    @Test
    void reachable_advertisementOverrideClearDifferentAddress_staleKeepsAddress() {
        reachable(0);
        cache.advertisement(1, PEER, NEW_MAC, false, true, false);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(Optional.of(MAC), cache.linkLayerAddress(PEER));
    }

    @Test
    void reachable_unsolicitedOverrideDifferentAddress_staleWithNewAddress() {
        reachable(0);
        cache.advertisement(1, PEER, NEW_MAC, false, false, true);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(Optional.of(NEW_MAC), cache.linkLayerAddress(PEER));
    }

    @Test
    void reachable_unsolicitedSameAddress_unchanged() {
        reachable(0);
        cache.advertisement(1, PEER, MAC, false, false, false);
        assertEquals(Optional.of(State.REACHABLE), state());
    }

    @Test
    void reachable_routerFlagCleared_reportsTheDemotion() {
        incomplete();
        cache.advertisement(0, PEER, MAC, true, true, true);
        assertTrue(cache.isRouter(PEER));
        assertTrue(cache.advertisement(1, PEER, MAC, false, true, true));
        assertFalse(cache.isRouter(PEER));
    }

    // ------------------------------------------------------------ STALE

    @Test
    void stale_pollForAnyTime_staysStale() {
        stale();
        assertEquals(NeighborCache.REDRAW_NANOS, cache.poll(3600 * S), "no deadline but ReachableTime's redraw");
        assertEquals(Optional.of(State.STALE), state());
    }

    @Test
    void stale_output_sendsAndEntersDelay() {
        stale();
        assertEquals(Outcome.SENT, send(10 * S, 2));
        assertEquals(List.of("transmit 2/60 to 02:00:00:00:00:02"), link.take());
        assertEquals(Optional.of(State.DELAY), state());
        assertEquals(15 * S, cache.nextDeadline(), "DELAY_FIRST_PROBE_TIME");
    }

    @Test
    void stale_learnDifferentAddress_updatesAndStaysStale() {
        stale();
        cache.learn(1, PEER, NEW_MAC, false);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(Optional.of(NEW_MAC), cache.linkLayerAddress(PEER));
    }

    @Test
    void stale_solicitedAdvertisement_reachable() {
        stale();
        cache.advertisement(1, PEER, null, false, true, false);
        assertEquals(Optional.of(State.REACHABLE), state());
    }

    @Test
    void stale_overrideClearDifferentAddress_ignored() {
        stale();
        cache.advertisement(1, PEER, NEW_MAC, false, true, false);
        assertEquals(Optional.of(State.STALE), state());
        assertEquals(Optional.of(MAC), cache.linkLayerAddress(PEER));
    }

    // ------------------------------------------------------------ DELAY

    @Test
    void delay_confirmation_reachableWithoutProbing() {
        delay(0);
        cache.confirm(S, PEER);
        assertEquals(Optional.of(State.REACHABLE), state());
        cache.poll(5 * S);
        assertEquals(List.of(), link.take());
    }

    @Test
    void delay_firstProbeTimeRunsOut_probesUnicast() {
        delay(0);
        cache.poll(5 * S - 1);
        assertEquals(Optional.of(State.DELAY), state());
        assertEquals(6 * S, cache.poll(5 * S));
        assertEquals(Optional.of(State.PROBE), state());
        assertEquals(List.of("solicit fe80::2 to 02:00:00:00:00:02"), link.take());
    }

    @Test
    void delay_output_sendsAndStaysInDelay() {
        delay(0);
        assertEquals(Outcome.SENT, send(S, 3));
        assertEquals(Optional.of(State.DELAY), state());
        assertEquals(5 * S, cache.nextDeadline());
    }

    // ------------------------------------------------------------ PROBE

    @Test
    void probe_solicitedAdvertisement_reachable() {
        probe(10 * S);
        cache.advertisement(10 * S + 1, PEER, null, false, true, false);
        assertEquals(Optional.of(State.REACHABLE), state());
        cache.poll(11 * S);
        assertEquals(List.of(), link.take());
    }

    @Test
    void probe_unsolicitedAdvertisement_staysProbing() {
        probe(10 * S);
        cache.advertisement(10 * S + 1, PEER, null, false, false, true);
        assertEquals(Optional.of(State.PROBE), state());
    }

    @Test
    void probe_noAnswer_deletedAfterThreeProbes() {
        probe(10 * S);
        cache.poll(11 * S);
        cache.poll(12 * S);
        assertEquals(List.of("solicit fe80::2 to 02:00:00:00:00:02", "solicit fe80::2 to 02:00:00:00:00:02"), link.take());
        cache.poll(13 * S);
        assertEquals(Optional.empty(), state());
        assertEquals(1, cache.probesFailed());
        assertEquals(List.of(), link.take(), "nothing waited: nothing is unreachable");
    }

    @Test
    void probe_newAddressAfterDeletion_resolvesAgain() {
        probe(10 * S);
        cache.poll(11 * S);
        cache.poll(12 * S);
        cache.poll(13 * S);
        link.take();
        assertEquals(Outcome.QUEUED, send(14 * S, 9));
        assertEquals(List.of("solicit fe80::2 multicast"), link.take());
        cache.advertisement(14 * S + 1, PEER, NEW_MAC, false, true, true);
        assertEquals(List.of("transmit 9/60 to 02:00:00:00:00:22"), link.take());
    }

    // ------------------------------------------------------------ limits and timers

    @Test
    void fullCache_evictsTheLeastRecentlyUsedResolvedEntry() {
        NeighborCache small = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 2, 1, 100), link, Rng.seeded(1), 0);
        small.learn(0, PEER, MAC, false);
        small.learn(0, OTHER, MAC, false);
        small.output(1, PEER, packet(1), 0, 10); // PEER used: OTHER is the eldest
        Ipv6Address third = Ipv6Address.parse("fe80::4");
        small.learn(2, third, MAC, false);
        assertEquals(Optional.empty(), small.state(OTHER));
        assertEquals(Optional.of(State.DELAY), small.state(PEER));
        assertEquals(1, small.evicted());
    }

    /**
     * Repeated outputs to one neighbour skip the map (decision 0078) without changing the
     * least-recently-used order, and an evicted entry is never answered from that memory.
     */
    @Test
    void repeatedOutputs_keepTheAccessOrder_andAnEvictedEntryIsForgotten() {
        NeighborCache small = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 2, 1, 100), link, Rng.seeded(1), 0);
        small.learn(0, PEER, MAC, false);
        small.learn(0, OTHER, MAC, false);
        small.output(1, PEER, packet(1), 0, 10);
        small.output(1, PEER, packet(2), 0, 10);
        small.output(1, OTHER, packet(3), 0, 10);
        small.output(1, OTHER, packet(4), 0, 10);
        small.output(1, PEER, packet(5), 0, 10); // OTHER is the eldest again
        Ipv6Address third = Ipv6Address.parse("fe80::4");
        small.learn(2, third, MAC, false);
        assertEquals(Optional.empty(), small.state(OTHER));
        assertEquals(Optional.of(State.DELAY), small.state(PEER));

        NeighborCache one = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 1, 1, 100), link, Rng.seeded(1), 0);
        one.learn(0, PEER, MAC, false);
        assertEquals(Outcome.SENT, one.output(1, PEER, packet(6), 0, 10));
        one.learn(2, OTHER, MAC, false); // evicts PEER, the entry last looked up
        assertEquals(Outcome.QUEUED, one.output(3, PEER, packet(7), 0, 10), "resolved again, not sent to the old address");
    }

    @Test
    void fullCacheOfIncompleteEntries_refusesANewResolution() {
        NeighborCache small = new NeighborCache(new NdpConfig(3, 3, 5 * S, 30 * S, S, 1, 1, 100), link, Rng.seeded(1), 0);
        assertEquals(Outcome.QUEUED, small.output(0, PEER, packet(1), 0, 10));
        assertEquals(Outcome.DROPPED, small.output(0, OTHER, packet(2), 0, 10));
        assertEquals(Outcome.DROPPED, small.output(0, PEER, new byte[101], 0, 101), "longer than the MTU");
        assertEquals(2, small.queueDropped());
    }

    @Test
    void routerAdvertisedTimers_applyToWhatFollows() {
        cache.setRetransTimer(2 * S);
        cache.setBaseReachableTime(0, 10 * S);
        assertTrue(cache.reachableTime() >= 5 * S && cache.reachableTime() <= 15 * S);
        incomplete();
        assertEquals(2 * S, cache.nextDeadline());
    }

    @Test
    void reachableTime_isDrawnAgainEveryTwoHours() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            cache.poll(i * NeighborCache.REDRAW_NANOS);
            seen.add(cache.reachableTime());
        }
        assertTrue(seen.size() > 1, "drawn again: " + seen);
    }
}
