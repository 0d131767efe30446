package mirage.net.internal.engine.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.icmp.Icmpv6Errors;
import mirage.net.internal.wire.Icmpv6Repr.UnreachableCode;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import org.junit.jupiter.api.Test;

/**
 * The per-packet paths that need no new state allocate nothing (DESIGN.md section 5):
 * fragmenting at the source, path MTU lookups in a full table, an atomic fragment through the
 * reassembly, an ICMPv6 error the rules or the rate limit suppress.
 */
class Ipv6AllocationTest {
    private static final int ROUNDS = 200_000;

    /** The thread's allocated bytes, by reflection (the test runs inside module {@code mirage.net}). */
    private static long allocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(bean);
    }

    /** Bytes {@code work} allocates over {@link #ROUNDS} calls after as many to warm up, less what measuring costs. */
    private static long allocated(Runnable work) throws ReflectiveOperationException {
        for (int i = 0; i < ROUNDS; i++) {
            work.run();
        }
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long a = allocatedBytes();
            overhead = Math.min(overhead, allocatedBytes() - a);
        }
        long before = allocatedBytes();
        assertTrue(before > 0, "allocation measurement is supported by this JVM");
        for (int i = 0; i < ROUNDS; i++) {
            work.run();
        }
        return allocatedBytes() - before - overhead;
    }

    private static Ipv6Packet view(byte[] bytes) {
        Ipv6Packet p = new Ipv6Packet();
        assertTrue(p.check(ByteBuffer.wrap(bytes), 0, bytes.length));
        return p;
    }

    @Test
    void fragmenting_allocatesNothingPerPacket() throws ReflectiveOperationException {
        Ipv6Fragmenter f = new Ipv6Fragmenter(Rng.seeded(1), 1500);
        Ipv6Packet p = view(V6.packet(V6.US, V6.PEER, 17, List.of(V6.hopByHop()), V6.bytes(4000, 1)));
        long[] fragments = {0};
        Ipv6Fragmenter.Sink sink = (now, buffer, offset, length) -> fragments[0] += buffer.get(offset) == 0x60 ? 1 : 0;
        long allocated = allocated(() -> f.send(0, p, 1280, sink));
        assertEquals(2L * ROUNDS * 4, fragments[0]);
        assertTrue(allocated < ROUNDS, "about 0 bytes per packet, got " + allocated);
    }

    @Test
    void pathMtuLookups_allocateNothing() throws ReflectiveOperationException {
        Ipv6PathMtus mtus = new Ipv6PathMtus(Ipv6PathMtus.DEFAULT_CAPACITY, 9000);
        for (int i = 0; i < Ipv6PathMtus.DEFAULT_CAPACITY; i++) {
            byte[] quoted = V6.packet(V6.US, new Ipv6Address(V6.PEER.high(), i), 17, List.of(), new byte[3000]);
            assertEquals(Ipv6PathMtus.Update.LOWERED, mtus.packetTooBig(0, 1400, view(quoted)));
        }
        long[] sum = {0};
        long allocated = allocated(() -> sum[0] += mtus.pathMtu(1, V6.PEER.high(), 77));
        assertEquals(2L * ROUNDS * 1400, sum[0]);
        assertTrue(allocated < ROUNDS, "about 0 bytes per lookup, got " + allocated);
    }

    @Test
    void atomicFragment_allocatesNothingAfterTheFirst() throws ReflectiveOperationException {
        Ipv6Reassembly r = new Ipv6Reassembly(Ipv6Reassembly.Limits.DEFAULTS);
        Ipv6Packet p = view(V6.fragment(3, 0, false, V6.bytes(500, 1)));
        Ipv6HeaderChain c = new Ipv6HeaderChain();
        assertTrue(c.check(p));
        long allocated = allocated(() -> r.add(0, p, c));
        assertEquals(2L * ROUNDS, r.count(Ipv6Reassembly.Outcome.ATOMIC));
        assertTrue(allocated < ROUNDS, "about 0 bytes per fragment, got " + allocated);
    }

    @Test
    void suppressedErrors_allocateNothing() throws ReflectiveOperationException {
        Icmpv6Errors errors = new Icmpv6Errors(V6.outputWithoutSource(true), 1, 1);
        Ipv6Packet toGroup = view(V6.packet(V6.PEER, Ipv6Address.parse("ff02::1"), 17, List.of(), new byte[100]));
        Ipv6Packet toUs = view(V6.packet(V6.PEER, V6.US, 17, List.of(), new byte[100]));
        long allocated = allocated(() -> {
            errors.destinationUnreachable(0, toGroup, false, UnreachableCode.PORT_UNREACHABLE);
            errors.destinationUnreachable(0, toUs, false, UnreachableCode.PORT_UNREACHABLE);
        });
        assertEquals(2L * ROUNDS - 1, errors.count(Icmpv6Errors.Verdict.RATE_LIMITED));
        assertTrue(allocated < ROUNDS, "about 0 bytes per suppressed error, got " + allocated);
    }
}
