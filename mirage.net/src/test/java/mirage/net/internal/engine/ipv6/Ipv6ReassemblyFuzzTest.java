package mirage.net.internal.engine.ipv6;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.ipv6.Ipv6Reassembly.Limits;
import mirage.net.internal.engine.ipv6.Ipv6Reassembly.Outcome;
import mirage.net.internal.wire.Ipv6ExtensionHeader;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * Arbitrary fragment sequences into {@link Ipv6Reassembly}, through the wire views as the IPv6
 * layer passes them (a packet that fails {@link Ipv6Packet#check} or
 * {@link Ipv6HeaderChain#check} is not passed): nothing throws, the byte and datagram limits
 * hold after every step, and a packet comes out only when every octet of its datagram came, and
 * then holds exactly those octets (checked against a model of what was accepted).
 *
 * <p>The input is a sequence of steps. Each starts with a byte {@code s}: time advances by
 * 4 x ({@code s >>> 4}) seconds; then, if bit 0 of {@code s} is set, a raw packet follows
 * ({@code length} as two bytes, then the bytes); else a fragment made from fields:
 * identification (1 byte: 64 values from 4 sources), offset in 8-octet units (2 bytes),
 * length (2 bytes, of which the low 12 bits count, so that fuzzing stays fast; the data is a
 * pattern), M (bit 1 of {@code s}), a Hop-by-Hop header (bit 2), a Destination Options header
 * before the Fragment header (bit 3). Seeds under
 * {@code src/test/resources/mirage/net/internal/engine/ipv6/Ipv6ReassemblyFuzzTestInputs/fragments/}.
 */
class Ipv6ReassemblyFuzzTest {
    private static final Limits LIMITS = new Limits(6, 48 * 1024, 12, Limits.TIMEOUT_NANOS);

    /** What was accepted of one datagram: octets and where they came. */
    private static final class Shadow {
        final long started;
        final byte[] data = new byte[Ipv6Packet.MAX_PAYLOAD_LENGTH];
        final BitSet have = new BitSet();

        Shadow(long started) {
            this.started = started;
        }
    }

    private record Key(long sh, long sl, long dh, long dl, int id) {}

    @FuzzTest(maxDuration = "10s")
    void fragments(byte[] input) {
        Ipv6Reassembly r = new Ipv6Reassembly(LIMITS);
        int[] reported = {0};
        r.onTimeExceeded((now, first) -> {
            reported[0]++;
            assertTrue(Ipv6Packet.HEADER_LENGTH + first.payloadLength() <= 1232);
        });
        Map<Key, Shadow> model = new HashMap<>();
        Ipv6Packet p = new Ipv6Packet();
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        ByteBuffer in = ByteBuffer.wrap(input);
        long now = 0;
        while (in.hasRemaining()) {
            int s = in.get() & 0xff;
            now += (s >>> 4) * 4 * V6.SECOND;
            byte[] packet = (s & 1) != 0 ? raw(in) : structured(in, s);
            if (packet == null) {
                break;
            }
            if (!p.check(ByteBuffer.wrap(packet), 0, packet.length) || !c.check(p) || !c.isFragment()) {
                continue;
            }
            Key key = new Key(p.sourceHigh(), p.sourceLow(), p.destinationHigh(), p.destinationLow(), c.fragmentIdentification());
            Shadow shadow = model.get(key);
            if (shadow != null && now - shadow.started >= LIMITS.timeoutNanos()) {
                model.remove(key);
                shadow = null;
            }
            int offset = c.fragmentOffset();
            int length = c.upperLayerLength();
            int dataAt = c.upperLayerOffset();
            boolean atomic = c.isAtomicFragment();
            boolean more = c.moreFragments();
            Outcome o = r.add(now, p, c);
            assertTrue(r.bytes() <= LIMITS.bytes(), () -> r.bytes() + " bytes held");
            assertTrue(r.active() <= LIMITS.datagrams());
            if (atomic) {
                assertEquals(Outcome.ATOMIC, o);
                byte[] out = V6.bytesOf(r.complete());
                assertArrayEquals(java.util.Arrays.copyOfRange(packet, dataAt, dataAt + length),
                        java.util.Arrays.copyOfRange(out, out.length - length, out.length));
                continue;
            }
            switch (o) {
                case PENDING, COMPLETE -> {
                    if (shadow == null) {
                        shadow = new Shadow(now);
                        model.put(key, shadow);
                    }
                    assertTrue(shadow.have.get(offset, offset + length).isEmpty(), "an overlap was accepted");
                    System.arraycopy(packet, dataAt, shadow.data, offset, length);
                    shadow.have.set(offset, offset + length);
                    if (o == Outcome.COMPLETE) {
                        Ipv6Packet whole = r.complete();
                        int total = shadow.have.length();
                        assertEquals(total, shadow.have.cardinality(), "a datagram with a hole came out");
                        byte[] out = V6.bytesOf(whole);
                        assertTrue(out.length >= total + Ipv6Packet.HEADER_LENGTH);
                        assertArrayEquals(java.util.Arrays.copyOf(shadow.data, total),
                                java.util.Arrays.copyOfRange(out, out.length - total, out.length));
                        model.remove(key);
                    }
                }
                case DISCARDED, OVERLAP, MALFORMED, NO_MEMORY, TOO_MANY_FRAGMENTS -> model.remove(key);
                case TOO_LONG -> assertTrue(r.errorPointer() > 0);
                case EMPTY_FRAGMENT -> assertTrue(more && length == 0);
                case NO_DATAGRAM_SLOT -> assertTrue(shadow == null || now - shadow.started >= LIMITS.timeoutNanos());
                case ATOMIC -> throw new AssertionError("a non-atomic fragment came out as atomic");
            }
        }
        assertTrue(reported[0] <= r.timeouts());
        r.poll(now + LIMITS.timeoutNanos());
        assertEquals(0, r.bytes());
        assertEquals(0, r.active());
    }

    private static byte[] raw(ByteBuffer in) {
        if (in.remaining() < 2) {
            return null;
        }
        int length = Math.min(in.getShort() & 0xffff, in.remaining());
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static final Ipv6Address[] SOURCES = {V6.PEER, Ipv6Address.parse("2001:db8::3"),
        Ipv6Address.parse("fe80::1"), Ipv6Address.parse("2001:db8:ffff::1")};

    private static byte[] structured(ByteBuffer in, int s) {
        if (in.remaining() < 5) {
            return null;
        }
        int id = in.get() & 0xff;
        int offset = (in.getShort() & 0x1fff) * 8;
        int length = Math.min(in.getShort() & 0x0fff, 65535 - 8 - 16 - 8 - offset);
        if (length < 0) {
            return new byte[0];
        }
        boolean more = (s & 2) != 0;
        if (more) {
            length &= ~7;
        }
        List<Ipv6ExtensionHeader> headers = new java.util.ArrayList<>();
        if ((s & 4) != 0) {
            headers.add(V6.hopByHop());
        }
        if ((s & 8) != 0) {
            headers.add(V6.destinationOptions(0));
        }
        headers.add(new Ipv6ExtensionHeader.Fragment(offset, more, id >>> 2));
        return V6.packet(SOURCES[id & 3], V6.US, 17, headers, V6.bytes(length, id));
    }
}
