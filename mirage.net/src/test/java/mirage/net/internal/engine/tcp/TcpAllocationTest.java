package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.NetException;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.wire.Ipv4Packet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bulk transfer allocates nothing per segment in steady state (DESIGN.md section 5): two engines
 * joined by a link of preallocated slots move 256 MiB after a warm-up, and the thread's allocated
 * bytes grow by less than one byte per segment.
 */
class TcpAllocationTest {

    /** One direction of the link: a ring of preallocated datagram slots. */
    static final class Wire implements Ipv4Link {
        final ByteBuffer[] slots = new ByteBuffer[4096];
        int head;
        int count;
        long datagrams;
        Ipv4Engine to;
        TcpEngine toTcp;

        Wire() {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = ByteBuffer.allocate(1500);
            }
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void transmit(long now, Ipv4Address nextHop, ByteBuffer packet) {
            ByteBuffer s = slots[(head + count) % slots.length];
            s.clear();
            s.put(0, packet, packet.position(), packet.remaining());
            s.limit(packet.remaining());
            count++;
            datagrams++;
        }

        boolean deliver(long now) {
            if (count == 0) {
                return false;
            }
            ByteBuffer s = slots[head];
            head = (head + 1) % slots.length;
            count--;
            Ipv4Packet p = to.receive(now, s, 0, s.limit());
            if (p != null) {
                toTcp.receive(now, p);
            }
            return true;
        }
    }

    private static long allocatedBytes() throws ReflectiveOperationException {
        Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(bean);
    }

    Wire ab = new Wire();
    Wire ba = new Wire();
    TcpEngine a;
    TcpEngine b;
    long now;
    final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    void pump() {
        boolean moved = true;
        while (moved) {
            moved = ab.deliver(now) | ba.deliver(now);
        }
        now += 10_000;
        a.poll(now);
        b.poll(now);
    }

    long transfer(TcpConnection writer, TcpConnection reader, long bytes) {
        long read = 0;
        long written = 0;
        while (read < bytes) {
            while (written < bytes) {
                out.clear().limit((int) Math.min(out.capacity(), bytes - written));
                int n = writer.write(now, out);
                if (n <= 0) {
                    break;
                }
                written += n;
            }
            pump();
            int n;
            while (read < bytes && (n = reader.read(now, in.clear().limit((int) Math.min(in.capacity(), bytes - read)))) > 0) {
                read += n;
            }
        }
        return read;
    }

    @ParameterizedTest
    @EnumSource(CongestionControl.Kind.class)
    void bulk_steadyState_allocatesNothingPerSegment(CongestionControl.Kind kind)
            throws NetException, ReflectiveOperationException {
        Ipv4Engine ipA = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.1/24")), List.of()), ab, Rng.seeded(1));
        Ipv4Engine ipB = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of()), ba, Rng.seeded(2));
        ab.to = ipB;
        ba.to = ipA;
        TcpConfig config = TcpConfig.DEFAULT.withCongestionControl(kind);
        a = new TcpEngine(ipA, config, Rng.seeded(3));
        b = new TcpEngine(ipB, config, Rng.seeded(4));
        ab.toTcp = b;
        ba.toTcp = a;
        TcpConnection[] accepted = new TcpConnection[1];
        b.events(new TcpEvents() {
            @Override
            public void accepted(TcpConnection c) {
                accepted[0] = c;
            }
        });
        b.listen(5001, 8);
        TcpConnection writer = a.connect(now, null, Ipv4Address.parse("10.0.0.2"), 5001, 10_000_000_000L);
        pump();
        assertNotNull(accepted[0]);
        transfer(writer, accepted[0], 64L << 20);
        long overhead = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long x = allocatedBytes();
            overhead = Math.min(overhead, allocatedBytes() - x);
        }
        long before = allocatedBytes();
        long datagrams = ab.datagrams + ba.datagrams;
        long bytes = 256L << 20;
        assertEquals(bytes, transfer(writer, accepted[0], bytes));
        long allocated = allocatedBytes() - before - overhead;
        long segments = ab.datagrams + ba.datagrams - datagrams;
        assertTrue(segments > bytes / 1448, "data segments and ACKs went through: " + segments);
        assertTrue(allocated < segments, "about 0 bytes per segment, got " + allocated + " for " + segments);
    }
}
