package mirage.net.internal.engine.ipv6;

import static mirage.net.internal.engine.ipv6.V6.SECOND;
import static mirage.net.internal.engine.ipv6.V6.add;
import static mirage.net.internal.engine.ipv6.V6.bytes;
import static mirage.net.internal.engine.ipv6.V6.bytesOf;
import static mirage.net.internal.engine.ipv6.V6.fragment;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.icmp.Icmpv6Errors;
import mirage.net.internal.engine.ipv6.Ipv6Reassembly.Limits;
import mirage.net.internal.engine.ipv6.Ipv6Reassembly.Outcome;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;

/** Scripted reassembly: orders, duplicates and overlaps (RFC 5722), each limit, timeouts, atomic fragments (RFC 6946). */
class Ipv6ReassemblyTest {

    private final List<byte[]> timedOut = new ArrayList<>();

    private Ipv6Reassembly reassembly(Limits limits) {
        Ipv6Reassembly r = new Ipv6Reassembly(limits);
        r.onTimeExceeded((now, first) -> timedOut.add(bytesOf(first)));
        return r;
    }

    private static byte[] udp(int n, int seed) {
        return V6.packet(V6.PEER, V6.US, 17, List.of(), bytes(n, seed));
    }

    @Test
    void inOrder_lastFragmentCompletes_byteIdentical() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        byte[] whole = udp(4000, 1);
        List<byte[]> f = V6.fragments(whole, 1280, 11);
        assertEquals(4, f.size());
        for (int i = 0; i < f.size() - 1; i++) {
            assertEquals(Outcome.PENDING, add(r, 0, f.get(i)));
        }
        assertEquals(Outcome.COMPLETE, add(r, 0, f.getLast()));
        assertArrayEquals(whole, bytesOf(r.complete()));
        r.release();
        assertEquals(0, r.bytes());
        assertEquals(0, r.active());
        assertEquals(1, r.count(Outcome.COMPLETE));
    }

    @Test
    void reversed_firstFragmentLast_completes() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        byte[] whole = udp(3000, 2);
        List<byte[]> f = new ArrayList<>(V6.fragments(whole, 1280, 12));
        Collections.reverse(f);
        assertEquals(Outcome.PENDING, add(r, 0, f.get(0)));
        assertEquals(Outcome.PENDING, add(r, 0, f.get(1)));
        assertEquals(Outcome.COMPLETE, add(r, 0, f.get(2)));
        assertArrayEquals(whole, bytesOf(r.complete()));
    }

    @Test
    void unfragmentablePart_repeatedInEachFragment_andRestoredOnce() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        // Hop-by-Hop and Routing are unfragmentable; the Destination Options after the Routing header are not.
        byte[] whole = V6.packet(V6.PEER, V6.US, 17, List.of(V6.hopByHop(), V6.routing(), V6.destinationOptions(2)),
                bytes(5000, 3));
        List<byte[]> f = V6.fragments(whole, 1400, 13);
        Ipv6Packet p = new Ipv6Packet();
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        for (byte[] fragment : f) {
            assertTrue(fragment.length <= 1400);
            assertTrue(p.check(ByteBuffer.wrap(fragment), 0, fragment.length));
            assertTrue(c.check(p), () -> String.valueOf(c.error()));
            assertEquals(3, c.headerCount());
            assertEquals(Ipv6HeaderChain.HOP_BY_HOP, c.headerType(0));
            assertEquals(Ipv6HeaderChain.ROUTING, c.headerType(1));
            assertEquals(Ipv6HeaderChain.FRAGMENT, c.headerType(2));
        }
        Collections.shuffle(f, new java.util.Random(5));
        Outcome last = null;
        for (byte[] fragment : f) {
            last = add(r, 0, fragment);
        }
        assertEquals(Outcome.COMPLETE, last);
        assertArrayEquals(whole, bytesOf(r.complete()));
    }

    @Test
    void duplicate_discardsDatagram_andItsLaterFragments() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        List<byte[]> f = V6.fragments(udp(4000, 4), 1280, 14);
        assertEquals(Outcome.PENDING, add(r, 0, f.get(0)));
        assertEquals(Outcome.OVERLAP, add(r, 0, f.get(0)));
        assertEquals(0, r.bytes());
        // RFC 5722: "and any constituent fragments, including those not yet received".
        for (int i = 1; i < f.size(); i++) {
            assertEquals(Outcome.DISCARDED, add(r, SECOND, f.get(i)));
        }
        assertEquals(0, r.count(Outcome.COMPLETE));
        assertEquals(f.size() - 1, r.count(Outcome.DISCARDED));
        assertEquals(1, r.active());
        // Forgotten at the deadline, silently: no Time Exceeded for a discarded datagram.
        assertEquals(Limits.TIMEOUT_NANOS, r.poll(2 * SECOND));
        assertEquals(Long.MAX_VALUE, r.poll(Limits.TIMEOUT_NANOS));
        assertEquals(0, r.active());
        assertEquals(0, r.timeouts());
        assertTrue(timedOut.isEmpty());
        // The Identification may then be used again.
        for (byte[] fragment : f) {
            add(r, Limits.TIMEOUT_NANOS + 1, fragment);
        }
        assertEquals(1, r.count(Outcome.COMPLETE));
    }

    @Test
    void partialOverlap_discardsDatagram_whicheverComesFirst() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        assertEquals(Outcome.PENDING, add(r, 0, fragment(7, 512, true, bytes(1024, 5))));
        assertEquals(Outcome.OVERLAP, add(r, 0, fragment(7, 0, true, bytes(1024, 5))));
        assertEquals(Outcome.DISCARDED, add(r, 0, fragment(7, 1536, false, bytes(100, 5))));
        // A last fragment inside data already received overlaps too.
        assertEquals(Outcome.PENDING, add(r, 0, fragment(8, 0, true, bytes(1024, 6))));
        assertEquals(Outcome.OVERLAP, add(r, 0, fragment(8, 1016, false, bytes(8, 6))));
        assertEquals(2, r.count(Outcome.OVERLAP));
        assertEquals(0, r.bytes());
    }

    @Test
    void datagramLimit_newDatagramsDropped_untilSlotsFree() {
        Ipv6Reassembly r = reassembly(new Limits(2, 1 << 20, 64, Limits.TIMEOUT_NANOS));
        assertEquals(Outcome.PENDING, add(r, 0, fragment(1, 0, true, bytes(8, 1))));
        assertEquals(Outcome.PENDING, add(r, 0, fragment(2, 0, true, bytes(8, 1))));
        assertEquals(Outcome.NO_DATAGRAM_SLOT, add(r, 0, fragment(3, 0, true, bytes(8, 1))));
        assertEquals(Outcome.COMPLETE, add(r, 0, fragment(1, 8, false, bytes(8, 1))));
        assertEquals(Outcome.PENDING, add(r, 0, fragment(3, 0, true, bytes(8, 1))));
        assertEquals(1, r.count(Outcome.NO_DATAGRAM_SLOT));
    }

    @Test
    void byteLimit_tinyFragmentsFarApart_neverExceeded() {
        int limit = 16 * 1024;
        Ipv6Reassembly r = reassembly(new Limits(64, limit, 64, Limits.TIMEOUT_NANOS));
        for (int id = 0; id < 64; id++) {
            // Each claims a far offset: a buffer reaching it would be ~60 KiB.
            Outcome o = add(r, 0, fragment(id, 60_000, true, bytes(8, id)));
            assertTrue(r.bytes() <= limit, () -> r.bytes() + " bytes");
            assertTrue(o == Outcome.PENDING || o == Outcome.NO_MEMORY, o::toString);
        }
        assertEquals(64, r.count(Outcome.NO_MEMORY));
        // Near offsets fit: a datagram's first buffer is 2 KiB, so eight of them use the budget up.
        Ipv6Reassembly near = reassembly(new Limits(64, limit, 64, Limits.TIMEOUT_NANOS));
        int pending = 0;
        for (int id = 0; id < 64; id++) {
            pending += add(near, 0, fragment(id, 8, true, bytes(8, id))) == Outcome.PENDING ? 1 : 0;
            assertTrue(near.bytes() <= limit);
        }
        assertEquals(8, pending);
        assertEquals(limit, near.bytes());
        assertEquals(56, near.count(Outcome.NO_MEMORY));
    }

    @Test
    void fragmentLimit_oneMore_discardsDatagram() {
        Ipv6Reassembly r = reassembly(new Limits(4, 1 << 20, 3, Limits.TIMEOUT_NANOS));
        assertEquals(Outcome.PENDING, add(r, 0, fragment(9, 0, true, bytes(8, 1))));
        assertEquals(Outcome.PENDING, add(r, 0, fragment(9, 8, true, bytes(8, 1))));
        assertEquals(Outcome.PENDING, add(r, 0, fragment(9, 16, true, bytes(8, 1))));
        assertEquals(Outcome.TOO_MANY_FRAGMENTS, add(r, 0, fragment(9, 24, true, bytes(8, 1))));
        assertEquals(Outcome.DISCARDED, add(r, 0, fragment(9, 32, false, bytes(8, 1))));
        assertEquals(0, r.bytes());
    }

    @Test
    void tinyFragmentFlood_everyLimitHolds() {
        Limits limits = new Limits(8, 32 * 1024, 16, Limits.TIMEOUT_NANOS);
        Ipv6Reassembly r = reassembly(limits);
        java.util.Random random = new java.util.Random(42);
        int[] next = new int[12];
        for (int i = 0; i < 20_000; i++) {
            int id = random.nextInt(12);
            // Mostly the next 8 octets of a datagram (reaching the fragment limit), some far out (the byte limit).
            int offset = random.nextInt(10) == 0 ? 60_000 + 8 * random.nextInt(100) : 8 * next[id]++ % 8000;
            add(r, i * 10_000_000L, fragment(id, offset, true, bytes(8, i)));
            assertTrue(r.bytes() <= limits.bytes());
            assertTrue(r.active() <= limits.datagrams());
        }
        assertTrue(r.count(Outcome.NO_DATAGRAM_SLOT) > 0);
        assertTrue(r.count(Outcome.NO_MEMORY) > 0);
        assertTrue(r.count(Outcome.TOO_MANY_FRAGMENTS) > 0);
        assertEquals(0, r.count(Outcome.COMPLETE));
        r.poll(Long.MAX_VALUE / 2);
        assertEquals(0, r.bytes());
        assertEquals(0, r.active());
    }

    @Test
    void timeout_withFirstFragment_reportsItAsItCame() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        List<byte[]> f = V6.fragments(udp(3000, 6), 1280, 15);
        assertEquals(Outcome.PENDING, add(r, 5 * SECOND, f.get(1)));
        assertEquals(Outcome.PENDING, add(r, 6 * SECOND, f.get(0)));
        // 60 s from the first-arriving fragment, not the first fragment.
        assertEquals(65 * SECOND, r.nextDeadline());
        r.poll(65 * SECOND - 1);
        assertTrue(timedOut.isEmpty());
        r.poll(65 * SECOND);
        assertEquals(1, timedOut.size());
        // An ICMPv6 error quotes at most 1232 octets (RFC 4443 section 2.4 (c)).
        assertArrayEquals(java.util.Arrays.copyOf(f.get(0), 1232), timedOut.getFirst());
        assertEquals(1, r.timeouts());
        assertEquals(1, r.timeExceeded());
        assertEquals(0, r.bytes());
    }

    @Test
    void timeout_withFirstFragment_timeExceededCode1SentToItsSource() {
        List<byte[]> messages = new ArrayList<>();
        Icmpv6Errors errors = new Icmpv6Errors(new Icmpv6Errors.Output() {
            @Override
            public Ipv6Address sourceFor(Ipv6Address destination) {
                throw new AssertionError("the first fragment was sent to our unicast address");
            }

            @Override
            public boolean send(long now, Ipv6Address source, Ipv6Address destination, ByteBuffer message) {
                assertEquals(V6.US, source);
                assertEquals(V6.PEER, destination);
                byte[] m = new byte[message.remaining()];
                message.get(message.position(), m);
                messages.add(m);
                return true;
            }
        });
        Ipv6Reassembly r = new Ipv6Reassembly(Limits.DEFAULTS);
        r.onTimeExceeded((now, first) -> errors.timeExceeded(now, first, false,
                Icmpv6Repr.TimeExceededCode.FRAGMENT_REASSEMBLY_TIME_EXCEEDED));
        List<byte[]> a = V6.fragments(udp(3000, 11), 1280, 21);
        List<byte[]> b = V6.fragments(udp(3000, 12), 1280, 22);
        add(r, 0, a.get(0));
        add(r, 0, b.get(1));
        add(r, 0, b.get(2));
        r.poll(Limits.TIMEOUT_NANOS);
        // Only the datagram whose first fragment came is reported.
        assertEquals(1, messages.size());
        byte[] m = messages.getFirst();
        assertEquals(Icmpv6Packet.TYPE_TIME_EXCEEDED, m[0]);
        assertEquals(1, m[1]);
        assertArrayEquals(java.util.Arrays.copyOf(a.get(0), 1232), java.util.Arrays.copyOfRange(m, 8, m.length));
        assertEquals(2, r.timeouts());
    }

    @Test
    void timeout_withoutFirstFragment_silent() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        List<byte[]> f = V6.fragments(udp(3000, 7), 1280, 16);
        add(r, 0, f.get(1));
        add(r, 0, f.get(2));
        // Expired by a later arrival as well as by poll.
        add(r, Limits.TIMEOUT_NANOS, fragment(99, 8, true, bytes(8, 1)));
        assertEquals(1, r.timeouts());
        assertEquals(0, r.timeExceeded());
        assertTrue(timedOut.isEmpty());
    }

    @Test
    void timeout_firstFragmentWithLongHeaders_quotedWithinTheMinimumMtu() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        byte[] whole = V6.packet(V6.PEER, V6.US, 17, List.of(V6.hopByHop()), bytes(6000, 8));
        List<byte[]> f = V6.fragments(whole, 1500, 17);
        add(r, 0, f.get(0));
        r.poll(Limits.TIMEOUT_NANOS);
        assertEquals(1, timedOut.size());
        byte[] quoted = timedOut.getFirst();
        assertEquals(1232, quoted.length);
        assertArrayEquals(java.util.Arrays.copyOf(f.get(0), 1232), quoted);
    }

    @Test
    void atomicFragment_processedAlone_reassemblyUntouched() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        byte[] whole = udp(3000, 9);
        List<byte[]> f = V6.fragments(whole, 1280, 0x77);
        assertEquals(Outcome.PENDING, add(r, 0, f.get(0)));
        // Same source, destination and Identification (the fragmenter's seed gives 0x77).
        byte[] atomic = fragment(0x77, 0, false, bytes(100, 10));
        assertEquals(Outcome.ATOMIC, add(r, 0, atomic));
        assertArrayEquals(V6.packet(V6.PEER, V6.US, 17, List.of(), bytes(100, 10)), bytesOf(r.complete()));
        assertEquals(Outcome.ATOMIC, add(r, 0, atomic));
        assertEquals(Outcome.PENDING, add(r, 0, f.get(1)));
        assertEquals(Outcome.COMPLETE, add(r, 0, f.get(2)));
        assertArrayEquals(whole, bytesOf(r.complete()));
        assertEquals(0, r.count(Outcome.OVERLAP));
    }

    @Test
    void atomicFragment_withHeaders_keepsThemAndPatchesNextHeader() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        byte[] atomic = V6.packet(V6.PEER, V6.US, 17,
                List.of(V6.hopByHop(), new mirage.net.internal.wire.Ipv6ExtensionHeader.Fragment(0, false, 3)), bytes(50, 1));
        assertEquals(Outcome.ATOMIC, add(r, 0, atomic));
        assertArrayEquals(V6.packet(V6.PEER, V6.US, 17, List.of(V6.hopByHop()), bytes(50, 1)), bytesOf(r.complete()));
    }

    @Test
    void beyond65535WithUnfragmentableHeaders_tooLong_pointsAtFragmentOffset() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        byte[] f = V6.packet(V6.PEER, V6.US, 17,
                List.of(V6.hopByHop(), new mirage.net.internal.wire.Ipv6ExtensionHeader.Fragment(65520, true, 4)), bytes(8, 1));
        assertEquals(Outcome.TOO_LONG, add(r, 0, f));
        assertEquals(40 + 8 + 2, r.errorPointer());
        assertEquals(0, r.active());
    }

    @Test
    void emptyNonFinalFragment_droppedAlone() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        assertEquals(Outcome.EMPTY_FRAGMENT, add(r, 0, fragment(5, 8, true, new byte[0])));
        assertEquals(0, r.active());
        assertEquals(Outcome.PENDING, add(r, 0, fragment(5, 8, false, bytes(8, 1))));
        assertEquals(Outcome.COMPLETE, add(r, 0, fragment(5, 0, true, bytes(8, 1))));
    }

    @Test
    void secondLastFragmentDisagreeing_malformed_datagramDiscarded() {
        Ipv6Reassembly r = reassembly(Limits.DEFAULTS);
        assertEquals(Outcome.PENDING, add(r, 0, fragment(6, 16, false, bytes(8, 1))));
        assertEquals(Outcome.MALFORMED, add(r, 0, fragment(6, 32, false, bytes(8, 1))));
        assertEquals(Outcome.DISCARDED, add(r, 0, fragment(6, 0, true, bytes(16, 1))));
    }

    @Test
    void zeroDatagramSlots_refusesEveryFragment_butAtomicOnesPass() {
        Ipv6Reassembly r = reassembly(new Limits(0, 0, 1, SECOND));
        assertEquals(Outcome.NO_DATAGRAM_SLOT, add(r, 0, fragment(1, 0, true, bytes(8, 1))));
        assertEquals(Outcome.ATOMIC, add(r, 0, fragment(1, 0, false, bytes(8, 1))));
    }
}
