package mirage.net.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import org.junit.jupiter.api.Test;

/** Two hosts' engines joined by an in-memory link pair ({@link Host#exchange}). */
class TwoStacksTest {
    static final Ipv4Address A = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address B = Ipv4Address.parse("10.0.0.3");

    final Host a = new Host("10.0.0.2/24", 1500);
    final Host b = new Host("10.0.0.3/24", 1500);

    @Test
    void twoStacks_ping8000Bytes_fragmentedAndReassembledBothWays() {
        List<byte[]> replies = new ArrayList<>();
        a.icmp.listen((now, src, id, seq, data, rtt) -> {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            replies.add(copy);
        });
        byte[] payload = Packets.bytes(8000, 77);
        assertEquals(Ipv4Engine.Outcome.SENT, a.icmp.ping(0, B, 1, 1, ByteBuffer.wrap(payload)));
        assertEquals(6, a.link.sent.size());
        Host.exchange(1, a, b);
        assertEquals(1, replies.size());
        assertArrayEquals(payload, replies.get(0));
        assertEquals(1, b.ip.reassembled());
        assertEquals(1, a.ip.reassembled());
        assertEquals(1, b.icmp.stats().echoRepliesSent());
    }

    @Test
    void twoStacks_udpEcho_returnsPayload() {
        b.udp.listen(7, (now, src, sp, dst, data) -> b.udp.send(now, 7, src, sp, data));
        List<byte[]> got = new ArrayList<>();
        int port = a.udp.listenEphemeral((now, src, sp, dst, data) -> {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            got.add(copy);
        });
        for (int n : new int[] {0, 64, 1472, 1473, 8000, 65_507}) {
            a.udp.send(0, port, B, 7, ByteBuffer.wrap(Packets.bytes(n, n)));
            Host.exchange(0, a, b);
            assertArrayEquals(Packets.bytes(n, n), got.getLast(), "size " + n);
        }
        assertEquals(6, got.size());
        assertEquals(6, b.udp.stats().datagramsReceived());
    }

    @Test
    void twoStacks_udpToClosedPort_peerGetsPortUnreachable() {
        a.udp.send(0, 4000, B, 9, ByteBuffer.allocate(10));
        Host.exchange(0, a, b);
        assertEquals(1, b.icmp.stats().unreachableSent());
        assertEquals(1, a.icmp.stats().otherReceived());
    }

    @Test
    void twoStacks_lossyLink_deadlinesReclaimReassemblyMemory() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        int[] delivered = new int[1];
        b.udp.listen(9, (now, src, sp, dst, data) -> delivered[0]++);
        long now = 0;
        for (int i = 0; i < 20; i++) {
            a.udp.send(now, 4000, B, 9, ByteBuffer.wrap(Packets.bytes(8000, i)));
            for (CapturingLink.Sent s : a.link.drain()) {
                if (random.nextInt(10) != 0) { // 10% of fragments lost
                    b.receive(now, s.buffer(), 0, s.bytes().length);
                }
            }
            now += 100_000_000L;
        }
        long lost = 20 - delivered[0];
        org.junit.jupiter.api.Assertions.assertTrue(lost > 0, "the seed loses some datagrams");
        assertEquals(lost, b.ip.reassemblyActive()); // all within 2 s: none has timed out yet
        // Run the clock forward deadline by deadline, as the event loop would.
        long deadline = b.ip.poll(now);
        while (deadline != Long.MAX_VALUE) {
            now = deadline;
            deadline = b.ip.poll(now);
        }
        assertEquals(0, b.ip.reassemblyActive());
        assertEquals(0, b.ip.reassemblyBytes());
        assertEquals(lost, b.ip.reassemblyTimeouts());
        assertEquals(20, b.ip.reassembled() + lost);
    }
}
