package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import mirage.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Round trips, checksums after emit, and "a checked view never throws" on random bytes. */
class WirePropertiesTest {

    /** Emits into a buffer with random bytes around the region, so emit must write every byte it owns. */
    static ByteBuffer noisy(SplittableRandom r, int before, int length) {
        byte[] b = new byte[before + length + r.nextInt(8)];
        r.nextBytes(b);
        return ByteBuffer.wrap(b);
    }

    @Test
    void ethernetRoundTrip() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            EthernetRepr e = Gen.ethernet(r);
            int at = r.nextInt(4);
            ByteBuffer b = noisy(r, at, e.bufferLen());
            e.emit(b, at);
            EthernetFrame f = new EthernetFrame();
            assertTrue(f.check(b, at, e.bufferLen()), () -> String.valueOf(f.error()));
            assertEquals(e.bufferLen(), f.headerLength());
            assertEquals(0, f.payloadLength());
            assertEquals(Parsed.ok(e), EthernetRepr.parse(f));
        });
    }

    @Test
    void arpRoundTrip() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            ArpRepr a = Gen.arp(r);
            int at = r.nextInt(4);
            ByteBuffer b = noisy(r, at, a.bufferLen());
            a.emit(b, at);
            ArpPacket p = new ArpPacket();
            assertTrue(p.check(b, at, a.bufferLen()), () -> String.valueOf(p.error()));
            assertEquals(Parsed.ok(a), ArpRepr.parse(p));
        });
    }

    @Test
    void ipv4RoundTripAndChecksum() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Ipv4Repr ip = Gen.ipv4(r, 2000);
            int at = r.nextInt(4);
            ByteBuffer b = noisy(r, at, ip.totalLength());
            ip.emit(b, at);
            Ipv4Packet p = new Ipv4Packet();
            assertTrue(p.check(b, at, ip.totalLength()), () -> String.valueOf(p.error()));
            assertTrue(p.checksumVerifies());
            assertEquals(ip.payloadLength(), p.payloadLength());
            assertEquals(Parsed.ok(ip), Ipv4Repr.parse(p));
        });
    }

    @Test
    void udpRoundTripAndChecksum() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            UdpRepr u = Gen.udp(r);
            Ipv4Address src = Gen.ip(r);
            Ipv4Address dst = Gen.ip(r);
            int at = r.nextInt(4);
            ByteBuffer b = noisy(r, at, u.bufferLen());
            u.emit(b, at, src, dst);
            UdpPacket p = new UdpPacket();
            assertTrue(p.check(b, at, u.bufferLen()), () -> String.valueOf(p.error()));
            assertTrue(p.checksum() != UdpPacket.NO_CHECKSUM, "emit always sends a checksum");
            assertTrue(p.checksumVerifies(src.bits(), dst.bits()));
            assertEquals(Parsed.ok(u), UdpRepr.parse(p, src, dst));
        });
    }

    @Test
    void tcpRoundTripAndChecksum() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            TcpRepr t = Gen.tcp(r);
            Ipv4Address src = Gen.ip(r);
            Ipv4Address dst = Gen.ip(r);
            int at = r.nextInt(4);
            ByteBuffer b = noisy(r, at, t.bufferLen());
            t.emit(b, at, src, dst);
            TcpSegment p = new TcpSegment();
            assertTrue(p.check(b, at, t.bufferLen()), () -> String.valueOf(p.error()));
            assertEquals(t.headerLength(), p.headerLength());
            assertEquals(t.payloadLength(), p.payloadLength());
            assertTrue(p.checksumVerifies(src.bits(), dst.bits()));
            assertEquals(Parsed.ok(t), TcpRepr.parse(p, src, dst));
        });
    }

    /** Random bytes after a plausible fixed header: the option walk never throws and never reads past the header. */
    @Test
    void tcpOptionWalkNeverThrows() {
        qt().withExamples(5000).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bytes = new byte[20 + r.nextInt(60)];
            r.nextBytes(bytes);
            bytes[TcpSegment.DATA_OFFSET] = (byte) ((5 + r.nextInt(11)) << 4);
            Exercise.tcp(ByteBuffer.wrap(bytes), 0, bytes.length, Gen.ip(r), Gen.ip(r));
        });
    }

    @Test
    void icmpRoundTripAndChecksum() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Icmpv4Repr m = Gen.icmp(r);
            int at = r.nextInt(4);
            ByteBuffer b = noisy(r, at, m.bufferLen());
            m.emit(b, at);
            Icmpv4Packet p = new Icmpv4Packet();
            assertTrue(p.check(b, at, m.bufferLen()), () -> String.valueOf(p.error()));
            assertTrue(p.checksumVerifies());
            assertEquals(Parsed.ok(m), Icmpv4Repr.parse(p));
        });
    }

    /** Random bytes of random length: every check either fails with a reason or leaves every accessor safe. */
    @Test
    void checkedViewsNeverThrow() {
        qt().withExamples(5000).forAll(longs().all(), integers().between(0, 120)).checkAssert((seed, length) -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bytes = new byte[length + r.nextInt(4)];
            r.nextBytes(bytes);
            // Bias towards plausible headers so checks pass often enough to exercise the accessors.
            if (bytes.length > 0 && r.nextBoolean()) {
                bytes[0] = (byte) (0x45 + r.nextInt(11));
            }
            if (bytes.length > 4 && r.nextBoolean()) {
                bytes[2] = 0;
                bytes[3] = (byte) r.nextInt(Math.min(bytes.length, 127) + 1);
                bytes[4] = (byte) r.nextInt(bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int at = bytes.length == 0 ? 0 : r.nextInt(Math.min(3, bytes.length) + 1);
            Exercise.all(b, at, bytes.length - at, Gen.ip(r), Gen.ip(r));
        });
    }
}
