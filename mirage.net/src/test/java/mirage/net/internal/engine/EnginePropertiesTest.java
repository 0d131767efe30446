package mirage.net.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import mirage.net.Icmpv4;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.Udp;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import org.junit.jupiter.api.Test;

/** Properties of the engines over random payloads, MTUs and packets. */
class EnginePropertiesTest {
    static final Ipv4Address A = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address B = Ipv4Address.parse("10.0.0.3");
    static final int PROTO = 253;

    @Test
    void fragmentShuffleReassemble_returnsOriginal() {
        qt().forAll(longs().all(), integers().between(68, 9000), integers().between(0, 65_515)).checkAssert((seed, mtu, n) -> {
            Host sender = new Host("10.0.0.2/24", mtu);
            // Fragment limit raised: at MTU 68 a 64 KiB datagram takes 1366 fragments.
            Host receiver = new Host(new Ipv4Config(List.of(Ipv4Cidr.parse("10.0.0.3/24")), List.of(), 4, 1 << 20, 8192,
                    Ipv4Config.REASSEMBLY_TIMEOUT_NANOS), 1500, seed);
            List<byte[]> got = new ArrayList<>();
            receiver.other = (now, d) -> {
                byte[] b = new byte[d.payloadLength()];
                d.buffer().get(d.payloadOffset(), b);
                got.add(b);
            };
            byte[] payload = new byte[n];
            new SplittableRandom(seed).nextBytes(payload);
            assertEquals(Ipv4Engine.Outcome.SENT, sender.ip.send(0, Ipv4Address.UNSPECIFIED, B, PROTO, 64,
                    Ipv4.Fragmentation.ALLOW, ByteBuffer.wrap(payload)));
            List<CapturingLink.Sent> fragments = new ArrayList<>(sender.link.drain());
            assertTrue(fragments.stream().allMatch(f -> f.bytes().length <= mtu));
            Collections.shuffle(fragments, new Random(seed));
            for (CapturingLink.Sent f : fragments) {
                receiver.receive(0, f.buffer(), 0, f.bytes().length);
            }
            assertEquals(1, got.size());
            assertArrayEquals(payload, got.get(0));
            assertEquals(0, receiver.ip.reassemblyBytes());
        });
    }

    @Test
    void randomAndMutatedPackets_neverThrow_onlyCount() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Host host = new Host("10.0.0.3/24", 1500);
            host.udp.listen(7, (now, s, sp, d, p) -> { });
            byte[] base = switch (r.nextInt(4)) {
                case 0 -> Packets.ipv4(A, B, 17, r.nextInt(0x10000), 0, 64, Packets.udp(A, B, 5, 7, Packets.bytes(r.nextInt(100), 1), true));
                case 1 -> Packets.ipv4(A, B, 1, r.nextInt(0x10000), 0, 64, Packets.icmpEcho(8, 1, 2, Packets.bytes(r.nextInt(100), 2)));
                case 2 -> Packets.fragments(A, B, 17, 9, Packets.udp(A, B, 5, 9, Packets.bytes(3000, 3), true), 1480).get(r.nextInt(3));
                default -> {
                    byte[] b = new byte[r.nextInt(120)];
                    r.nextBytes(b);
                    yield b;
                }
            };
            for (int i = 0; i < 30; i++) {
                byte[] m = base.clone();
                int flips = r.nextInt(4);
                for (int k = 0; k < flips && m.length > 0; k++) {
                    m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
                }
                int len = m.length == 0 ? 0 : r.nextInt(m.length + 1);
                Ipv4.Stats before = host.ip.stats();
                host.receive(i, ByteBuffer.wrap(m), 0, len);
                Ipv4.Stats after = host.ip.stats();
                assertEquals(before.packetsReceived() + 1, after.packetsReceived());
                host.ip.poll(i);
                host.icmp.poll(i);
            }
            Udp.Stats u = host.udp.stats();
            Icmpv4.Stats c = host.icmp.stats();
            assertTrue(u.datagramsReceived() >= 0 && c.malformed() >= 0);
        });
    }
}
