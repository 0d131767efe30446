package mirage.net.internal.engine.arp;

import static mirage.net.internal.engine.arp.ArpFixture.OTHER;
import static mirage.net.internal.engine.arp.ArpFixture.OTHER_IP;
import static mirage.net.internal.engine.arp.ArpFixture.OUR_IP;
import static mirage.net.internal.engine.arp.ArpFixture.PEER;
import static mirage.net.internal.engine.arp.ArpFixture.PEER_IP;
import static mirage.net.internal.engine.arp.ArpFixture.SECOND;
import static mirage.net.internal.engine.arp.ArpFixture.US;
import static mirage.net.internal.engine.arp.ArpFixture.packet;
import static mirage.net.internal.engine.arp.ArpFixture.reply;
import static mirage.net.internal.engine.arp.ArpFixture.request;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import mirage.net.Arp;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.ArpRepr;
import mirage.net.internal.wire.EthernetFrame;
import org.junit.jupiter.api.Test;

/** Scripted tests, one state and one event each (STYLE.md: named state-then-event). */
class ArpEngineTest {

    private static final ArpRepr.Operation REQUEST = ArpRepr.Operation.REQUEST;
    private static final ArpRepr.Operation REPLY = ArpRepr.Operation.REPLY;

    // ------------------------------------------------------------ empty cache

    @Test
    void emptyCache_requestForUs_sendsReply() {
        ArpFixture f = ArpFixture.bound();
        f.receive(10, request(PEER, PEER_IP, OUR_IP));
        assertEquals(1, f.sent.size());
        ArpFixture.Sent s = f.arpSent(0);
        assertEquals(PEER, s.header().destination());
        assertEquals(US, s.header().source());
        assertEquals(new ArpRepr(REPLY, US, OUR_IP, PEER, PEER_IP), s.arp());
        assertEquals(1, f.arp.stats().repliesSent());
        assertEquals(1, f.arp.stats().requestsReceived());
    }

    @Test
    void emptyCache_requestForUs_learnsSender() {
        ArpFixture f = ArpFixture.bound();
        f.receive(10, request(PEER, PEER_IP, OUR_IP));
        assertEquals(List.of(new Arp.Entry(PEER_IP, Optional.of(PEER), Arp.State.RESOLVED,
                10 + ArpConfig.DEFAULTS.reachableNanos())), f.arp.entries());
        f.sent.clear();
        assertEquals(Optional.of(PEER), f.arp.query(20, PEER_IP));
        assertTrue(f.sent.isEmpty(), "no request for a resolved address");
    }

    @Test
    void emptyCache_requestForAnother_neitherAnswersNorLearns() {
        ArpFixture f = ArpFixture.bound();
        f.receive(10, request(PEER, PEER_IP, OTHER_IP));
        assertTrue(f.sent.isEmpty());
        assertTrue(f.arp.entries().isEmpty());
        assertEquals(1, f.arp.stats().requestsReceived());
    }

    @Test
    void emptyCache_query_broadcastsOneRequest() {
        ArpFixture f = ArpFixture.bound();
        assertEquals(Optional.empty(), f.arp.query(5, PEER_IP));
        assertEquals(1, f.sent.size());
        ArpFixture.Sent s = f.arpSent(0);
        assertEquals(MacAddress.BROADCAST, s.header().destination());
        assertEquals(new ArpRepr(REQUEST, US, OUR_IP, MacAddress.ZERO, PEER_IP), s.arp());
        assertEquals(Arp.State.PENDING, f.arp.entries().getFirst().state());
        assertEquals(5 + SECOND, f.arp.nextDeadline());
    }

    @Test
    void emptyCache_broadcastOrMulticast_resolvesWithoutRequest() {
        ArpFixture f = ArpFixture.bound();
        assertEquals(Optional.of(MacAddress.BROADCAST), f.arp.query(0, Ipv4Address.BROADCAST));
        assertEquals(Optional.of(MacAddress.parse("01:00:5e:7f:00:fb")),
                f.arp.query(0, Ipv4Address.parse("239.255.0.251")));
        assertEquals(Optional.of(US), f.arp.query(0, OUR_IP));
        assertTrue(f.sent.isEmpty());
    }

    @Test
    void emptyCache_nothingToDo_noDeadline() {
        ArpFixture f = ArpFixture.bound();
        assertEquals(Long.MAX_VALUE, f.arp.poll(100 * SECOND));
    }

    // ------------------------------------------------------------ pending

    @Test
    void pending_queryAgain_sendsNoSecondRequest() {
        ArpFixture f = ArpFixture.bound();
        f.arp.query(0, PEER_IP);
        f.arp.query(SECOND / 2, PEER_IP);
        f.arp.poll(SECOND / 2);
        assertEquals(1, f.sent.size(), "at most one request per second");
    }

    @Test
    void pending_replyArrives_flushesQueue() {
        ArpFixture f = ArpFixture.bound();
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(0, PEER_IP, packet(1, 40)));
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(1, PEER_IP, packet(2, 50)));
        assertEquals(2, f.arp.queued());
        f.sent.clear();
        f.receive(100, reply(PEER, PEER_IP, US, OUR_IP));
        assertEquals(2, f.sent.size());
        for (int i = 0; i < 2; i++) {
            ByteBuffer b = ByteBuffer.wrap(f.sent.get(i));
            EthernetFrame e = new EthernetFrame();
            assertTrue(e.check(b, 0, b.limit()));
            assertEquals(PEER.bits(), e.destination());
            assertEquals(US.bits(), e.source());
            assertEquals(EthernetFrame.TYPE_IPV4, e.etherType());
            byte[] payload = new byte[e.payloadLength()];
            b.get(e.payloadOffset(), payload);
            assertArrayEquals(packet(i + 1, 40 + 10 * i).array(), payload, "queued packets in order");
        }
        assertEquals(0, f.arp.queued());
        assertEquals(Arp.State.RESOLVED, f.arp.entries().getFirst().state());
        assertEquals(ArpEngine.Outcome.SENT, f.arp.output(200, PEER_IP, packet(3, 20)));
    }

    @Test
    void pending_noReply_retriesThenDropsQueue() {
        ArpFixture f = ArpFixture.bound();
        f.arp.output(0, PEER_IP, packet(1, 40));
        f.arp.output(0, PEER_IP, packet(2, 40));
        long next = f.arp.poll(0);
        assertEquals(SECOND, next);
        next = f.arp.poll(next);
        assertEquals(2 * SECOND, next);
        next = f.arp.poll(next);
        assertEquals(3 * SECOND, next);
        assertEquals(3, f.sent.size(), "the request and two retries");
        for (int i = 0; i < 3; i++) {
            assertEquals(REQUEST, f.arpSent(i).arp().operation());
        }
        assertEquals(Long.MAX_VALUE, f.arp.poll(next), "gave up");
        assertEquals(3, f.sent.size());
        assertTrue(f.arp.entries().isEmpty());
        assertEquals(0, f.arp.queued());
        assertEquals(2, f.arp.stats().queueDropped());
        assertEquals(3, f.arp.stats().requestsSent());
    }

    @Test
    void pending_requestFromTarget_resolvesAndFlushes() {
        ArpFixture f = ArpFixture.bound();
        f.arp.output(0, PEER_IP, packet(7, 30));
        f.sent.clear();
        f.receive(10, request(PEER, PEER_IP, OUR_IP));
        assertEquals(2, f.sent.size(), "the queued packet and the reply");
        assertEquals(REPLY, f.arpSent(1).arp().operation());
    }

    @Test
    void pending_lateQueryAfterGivingUp_startsAgain() {
        ArpFixture f = ArpFixture.bound();
        f.arp.query(0, PEER_IP);
        for (long t = SECOND; t <= 3 * SECOND; t += SECOND) {
            f.arp.poll(t);
        }
        f.sent.clear();
        f.arp.query(4 * SECOND, PEER_IP);
        assertEquals(1, f.sent.size());
    }

    // ------------------------------------------------------------ resolved

    @Test
    void resolved_entryExpires_requeries() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(PEER, PEER_IP, OUR_IP));
        long expiry = ArpConfig.DEFAULTS.reachableNanos();
        assertEquals(expiry, f.arp.nextDeadline());
        assertEquals(Long.MAX_VALUE, f.arp.poll(expiry));
        assertTrue(f.arp.entries().isEmpty());
        f.sent.clear();
        assertEquals(Optional.empty(), f.arp.query(expiry + 1, PEER_IP));
        assertEquals(new ArpRepr(REQUEST, US, OUR_IP, MacAddress.ZERO, PEER_IP), f.arpSent(0).arp());
    }

    @Test
    void resolved_expiredButNotPolled_requeries() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(PEER, PEER_IP, OUR_IP));
        f.sent.clear();
        assertEquals(Optional.empty(), f.arp.query(ArpConfig.DEFAULTS.reachableNanos(), PEER_IP));
        assertEquals(1, f.sent.size());
    }

    @Test
    void resolved_gratuitousArp_updatesMac() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(PEER, PEER_IP, OUR_IP));
        f.receive(SECOND, request(OTHER, PEER_IP, PEER_IP));
        assertEquals(Optional.of(OTHER), f.arp.query(2 * SECOND, PEER_IP));
        assertEquals(SECOND + ArpConfig.DEFAULTS.reachableNanos(), f.arp.entries().getFirst().deadlineNanos());
    }

    /**
     * Issue 19 item 6 (TcpStackTest seed 1531): the true MAC came first, then a reply with one
     * bit flipped in its sender hardware address; taking the last one sent every SYN of the
     * connect to a MAC nobody has, for the entry's 60 s. Within the locktime the first stays.
     */
    @Test
    void resolved_differentMacWithinLocktime_isNotTaken_thenIsAfterIt() {
        ArpFixture f = ArpFixture.bound();
        f.arp.query(0, PEER_IP);
        f.receive(1_000_000, reply(PEER, PEER_IP, US, OUR_IP));
        f.receive(2_000_000, reply(OTHER, PEER_IP, US, OUR_IP));
        assertEquals(Optional.of(PEER), f.arp.query(3_000_000, PEER_IP), "the first answer stays");
        assertEquals(1, f.arp.lockedOut());
        f.receive(1_000_000 + SECOND, reply(OTHER, PEER_IP, US, OUR_IP));
        assertEquals(Optional.of(OTHER), f.arp.query(2 * SECOND, PEER_IP), "a change after the locktime is taken");
    }

    /**
     * Issue 19 item 5 (EchoSimulationTest and GitKvSimulationTest seed 1325): the first ARP
     * packet a server saw from its client was a request with one bit flipped in its sender
     * hardware address, and nothing true came after it to lock against; every SYN-ACK went to a
     * MAC nobody has for the entry's 60 s. Used for 5 s, the entry is verified by unicast; no
     * answer in three tries drops it, and the next packet resolves the address afresh.
     */
    @Test
    void resolved_wrongMacThatCameAlone_isVerifiedByUnicast_andDroppedWhenItNeverAnswers() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(OTHER, PEER_IP, OUR_IP));
        f.sent.clear();
        assertEquals(Optional.of(OTHER), f.arp.query(SECOND, PEER_IP), "used as learned");
        assertEquals(0, f.sent.size(), "not yet verified");
        assertEquals(Optional.of(OTHER), f.arp.query(ArpEngine.VERIFY_DELAY_NANOS, PEER_IP), "still used while verified");
        assertEquals(1, f.sent.size());
        ArpFixture.Sent probe = f.arpSent(0);
        assertEquals(OTHER, probe.header().destination(), "unicast to the MAC in the cache");
        assertEquals(new ArpRepr(REQUEST, US, OUR_IP, MacAddress.ZERO, PEER_IP), probe.arp());
        assertEquals(ArpEngine.VERIFY_DELAY_NANOS + SECOND, f.arp.nextDeadline());
        f.arp.poll(ArpEngine.VERIFY_DELAY_NANOS + SECOND);
        f.arp.poll(ArpEngine.VERIFY_DELAY_NANOS + 2 * SECOND);
        assertEquals(3, f.sent.size(), "three tries, as a resolution");
        f.arp.poll(ArpEngine.VERIFY_DELAY_NANOS + 3 * SECOND);
        assertTrue(f.arp.entries().isEmpty(), "no answer: the entry is gone");
        f.sent.clear();
        assertEquals(Optional.empty(), f.arp.query(ArpEngine.VERIFY_DELAY_NANOS + 3 * SECOND, PEER_IP));
        assertEquals(MacAddress.BROADCAST, f.arpSent(0).header().destination(), "resolved afresh by broadcast");
        f.receive(ArpEngine.VERIFY_DELAY_NANOS + 4 * SECOND, reply(PEER, PEER_IP, US, OUR_IP));
        assertEquals(Optional.of(PEER), f.arp.query(ArpEngine.VERIFY_DELAY_NANOS + 4 * SECOND, PEER_IP));
    }

    @Test
    void resolved_macThatAnswersItsVerification_isKeptAndNotVerifiedAgain() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(PEER, PEER_IP, OUR_IP));
        f.sent.clear();
        f.arp.query(ArpEngine.VERIFY_DELAY_NANOS, PEER_IP);
        assertEquals(PEER, f.arpSent(0).header().destination());
        f.receive(ArpEngine.VERIFY_DELAY_NANOS + 1_000_000, reply(PEER, PEER_IP, US, OUR_IP));
        long expiry = ArpEngine.VERIFY_DELAY_NANOS + 1_000_000 + ArpConfig.DEFAULTS.reachableNanos();
        assertEquals(expiry, f.arp.nextDeadline(), "no more verification: only the expiry is due");
        f.arp.poll(ArpEngine.VERIFY_DELAY_NANOS + 3 * SECOND);
        assertEquals(Optional.of(PEER), f.arp.query(ArpEngine.VERIFY_DELAY_NANOS + 30 * SECOND, PEER_IP));
        assertEquals(1, f.sent.size(), "one unicast request in the entry's life");
    }

    @Test
    void resolved_gratuitousArpWithinLocktime_updatesMac() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(PEER, PEER_IP, OUR_IP));
        f.receive(1_000_000, request(OTHER, PEER_IP, PEER_IP));
        assertEquals(Optional.of(OTHER), f.arp.query(2_000_000, PEER_IP), "an announcement moves the address at once");
        assertEquals(0, f.arp.lockedOut());
    }

    @Test
    void cacheFull_newSender_evictsEntryClosestToExpiry() {
        ArpFixture f = ArpFixture.bound(ArpConfig.DEFAULTS.withCacheCapacity(2));
        f.receive(0, request(PEER, PEER_IP, OUR_IP));
        f.receive(1, request(OTHER, OTHER_IP, OUR_IP));
        MacAddress third = MacAddress.parse("02:00:00:00:00:04");
        f.receive(2, request(third, Ipv4Address.parse("10.0.0.4"), OUR_IP));
        assertEquals(List.of(OTHER_IP, Ipv4Address.parse("10.0.0.4")),
                f.arp.entries().stream().map(Arp.Entry::address).toList());
    }

    // ------------------------------------------------------------ queue

    @Test
    void queueFull_dropsAndCounts() {
        ArpFixture f = ArpFixture.bound(ArpConfig.DEFAULTS.withQueue(2, 3));
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(0, PEER_IP, packet(1, 10)));
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(0, PEER_IP, packet(2, 10)));
        assertEquals(ArpEngine.Outcome.DROPPED, f.arp.output(0, PEER_IP, packet(3, 10)), "per destination");
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(0, OTHER_IP, packet(4, 10)));
        assertEquals(ArpEngine.Outcome.DROPPED, f.arp.output(0, Ipv4Address.parse("10.0.0.9"), packet(5, 10)),
                "in total");
        assertEquals(3, f.arp.queued());
        assertEquals(2, f.arp.stats().queueDropped());
    }

    @Test
    void queueFull_replyFreesSlots_queueAcceptsAgain() {
        ArpFixture f = ArpFixture.bound(ArpConfig.DEFAULTS.withQueue(2, 2));
        f.arp.output(0, PEER_IP, packet(1, 10));
        f.arp.output(0, PEER_IP, packet(2, 10));
        f.receive(1, reply(PEER, PEER_IP, US, OUR_IP));
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(2, OTHER_IP, packet(3, 10)));
        assertEquals(ArpEngine.Outcome.QUEUED, f.arp.output(2, OTHER_IP, packet(4, 10)));
    }

    @Test
    void output_packetOverMtu_isRefused() {
        ArpFixture f = ArpFixture.bound();
        assertThrows(IllegalArgumentException.class, () -> f.arp.output(0, PEER_IP, packet(1, 1501)));
    }

    // ------------------------------------------------------------ bad input

    @Test
    void anyState_truncatedPacket_countedMalformed() {
        ArpFixture f = ArpFixture.bound();
        byte[] frame = request(PEER, PEER_IP, OUR_IP);
        f.receive(0, java.util.Arrays.copyOf(frame, 14 + 20));
        assertEquals(1, f.arp.stats().malformed());
        assertTrue(f.sent.isEmpty());
    }

    @Test
    void anyState_unknownOperation_countedMalformed() {
        ArpFixture f = ArpFixture.bound();
        byte[] frame = request(PEER, PEER_IP, OUR_IP);
        frame[14 + 7] = 3; // RARP request
        f.receive(0, frame);
        assertEquals(1, f.arp.stats().malformed());
        assertTrue(f.sent.isEmpty());
    }

    @Test
    void anyState_broadcastSenderHardwareAddress_countedMalformed() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(MacAddress.BROADCAST, PEER_IP, OUR_IP));
        assertEquals(1, f.arp.stats().malformed());
        assertTrue(f.arp.entries().isEmpty());
        assertTrue(f.sent.isEmpty());
    }

    // ------------------------------------------------------------ addresses (RFC 5227)

    @Test
    void noAddress_addAddress_probesThenAnnouncesThenAnswers() {
        ArpFixture f = new ArpFixture(ArpConfig.DEFAULTS, 42);
        f.arp.addAddress(0, OUR_IP);
        assertFalse(f.arp.answersFor(OUR_IP));
        long t = 0;
        for (int i = 0; i < 20 && f.arp.nextDeadline() != Long.MAX_VALUE; i++) {
            t = f.arp.nextDeadline();
            f.arp.poll(t);
        }
        assertEquals(5, f.sent.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(new ArpRepr(REQUEST, US, Ipv4Address.UNSPECIFIED, MacAddress.ZERO, OUR_IP), f.arpSent(i).arp(),
                    "probe " + i);
        }
        for (int i = 3; i < 5; i++) {
            assertEquals(new ArpRepr(REQUEST, US, OUR_IP, MacAddress.ZERO, OUR_IP), f.arpSent(i).arp(),
                    "announcement " + i);
        }
        assertTrue(t >= 3 * SECOND + 4 * SECOND && t <= 6 * SECOND + 4 * SECOND, "RFC 5227 timing: " + t);
        assertTrue(f.arp.answersFor(OUR_IP));
        assertEquals(3, f.arp.stats().requestsSent());
        assertEquals(2, f.arp.stats().announcementsSent());
    }

    @Test
    void probing_requestForProbedAddress_isNotAnswered() {
        ArpFixture f = new ArpFixture(ArpConfig.DEFAULTS, 42);
        f.arp.addAddress(0, OUR_IP);
        f.receive(1, request(PEER, PEER_IP, OUR_IP));
        assertTrue(f.sent.isEmpty());
        assertTrue(f.arp.entries().isEmpty());
    }

    @Test
    void probing_replyFromOwner_abandonsAddress() {
        ArpFixture f = new ArpFixture(ArpConfig.DEFAULTS, 42);
        f.arp.addAddress(0, OUR_IP);
        f.arp.poll(f.arp.nextDeadline());
        f.receive(SECOND, reply(PEER, OUR_IP, US, Ipv4Address.UNSPECIFIED));
        assertEquals(List.of(), f.arp.addresses());
        assertEquals(1, f.arp.stats().conflicts());
        assertEquals(Long.MAX_VALUE, f.arp.nextDeadline());
    }

    @Test
    void probing_probeFromAnother_abandonsAddress() {
        ArpFixture f = new ArpFixture(ArpConfig.DEFAULTS, 42);
        f.arp.addAddress(0, OUR_IP);
        f.receive(1, request(PEER, Ipv4Address.UNSPECIFIED, OUR_IP));
        assertEquals(List.of(), f.arp.addresses());
        assertEquals(1, f.arp.stats().conflicts());
    }

    @Test
    void bound_conflictingAnnouncement_defendsOncePerInterval() {
        ArpFixture f = ArpFixture.bound();
        f.receive(100 * SECOND, request(PEER, OUR_IP, OUR_IP));
        f.receive(101 * SECOND, request(PEER, OUR_IP, OUR_IP));
        assertEquals(1, f.sent.size(), "one defence within DEFEND_INTERVAL");
        assertEquals(new ArpRepr(REQUEST, US, OUR_IP, MacAddress.ZERO, OUR_IP), f.arpSent(0).arp());
        f.receive(111 * SECOND, request(PEER, OUR_IP, OUR_IP));
        assertEquals(2, f.sent.size());
        assertEquals(3, f.arp.stats().conflicts());
        assertEquals(List.of(OUR_IP), f.arp.addresses());
        assertTrue(f.arp.entries().isEmpty(), "the conflicting binding is not learned");
    }

    @Test
    void bound_probeForOurAddress_isAnswered() {
        ArpFixture f = ArpFixture.bound();
        f.receive(0, request(PEER, Ipv4Address.UNSPECIFIED, OUR_IP));
        assertEquals(new ArpRepr(REPLY, US, OUR_IP, PEER, Ipv4Address.UNSPECIFIED), f.arpSent(0).arp());
        assertTrue(f.arp.entries().isEmpty(), "nothing learned from a probe");
    }

    @Test
    void bound_setAddresses_announcesNewAndForgetsOld() {
        ArpFixture f = ArpFixture.bound();
        Ipv4Address next = Ipv4Address.parse("10.0.0.9");
        f.arp.setAddresses(10 * SECOND, List.of(next));
        f.arp.poll(10 * SECOND);
        assertEquals(List.of(next), f.arp.addresses());
        assertEquals(new ArpRepr(REQUEST, US, next, MacAddress.ZERO, next), f.arpSent(0).arp());
        f.sent.clear();
        f.receive(11 * SECOND, request(PEER, PEER_IP, OUR_IP));
        assertTrue(f.sent.isEmpty(), "the old address is no longer answered");
    }

    @Test
    void anyState_badAddress_isRefused() {
        ArpFixture f = ArpFixture.bound();
        assertThrows(IllegalArgumentException.class, () -> f.arp.addAddress(0, Ipv4Address.BROADCAST));
        assertThrows(IllegalArgumentException.class, () -> f.arp.addAddress(0, Ipv4Address.LOCALHOST));
        assertThrows(IllegalArgumentException.class, () -> f.arp.addAddress(0, Ipv4Address.UNSPECIFIED));
        assertThrows(IllegalArgumentException.class,
                () -> f.arp.setAddresses(0, List.of(PEER_IP, Ipv4Address.parse("224.0.0.1"))));
        assertEquals(List.of(OUR_IP), f.arp.addresses(), "a refused set changes nothing");
    }
}
