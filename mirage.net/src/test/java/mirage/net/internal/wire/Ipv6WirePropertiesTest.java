package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import mirage.net.Ipv6Address;
import org.junit.jupiter.api.Test;

/** Round trips (write then parse gives the same record), checksums after emit, and "a checked view never throws" on random bytes. */
class Ipv6WirePropertiesTest {

    @Test
    void ipv6RoundTrip() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Ipv6Repr ip = Gen6.ipv6(r, 600);
            int at = r.nextInt(4);
            ByteBuffer b = WirePropertiesTest.noisy(r, at, ip.totalLength());
            ip.emit(b, at);
            Ipv6Packet p = new Ipv6Packet();
            assertTrue(p.check(b, at, ip.totalLength()), () -> String.valueOf(p.error()));
            assertEquals(ip.payloadLengthField(), p.payloadLength());
            assertEquals(Parsed.ok(ip), Ipv6Repr.parse(p));
            Ipv6HeaderChain chain = new Ipv6HeaderChain();
            assertTrue(chain.checkStructure(p));
            assertEquals(ip.extensions().size(), chain.headerCount());
            assertEquals(at + ip.bufferLen(), chain.upperLayerOffset());
            assertEquals(ip.payloadLength(), chain.upperLayerLength());
            assertEquals(InternetChecksum.fold(ip.pseudoHeaderSum()),
                    InternetChecksum.fold(p.pseudoHeaderSum(ip.protocol(), ip.payloadLength())));
        });
    }

    @Test
    void icmpv6RoundTripAndChecksum() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Gen6.Message m = Gen6.icmpv6(r);
            int len = m.message().bufferLen();
            int at = r.nextInt(4);
            ByteBuffer b = WirePropertiesTest.noisy(r, at, len);
            m.message().emit(b, at, m.source(), m.destination());
            Icmpv6Packet p = new Icmpv6Packet();
            assertTrue(p.check(b, at, len));
            assertTrue(p.checksumVerifies(InternetChecksum.pseudoHeader(m.source(), m.destination(),
                    Ipv6Packet.NEXT_HEADER_ICMPV6, len)));
            assertEquals(Parsed.ok(m.message()), Icmpv6Repr.parse(p, m.source(), m.destination(), m.hopLimit()));
            // Another source address: the pseudo-header no longer matches (unless the sums happen to agree).
            Ipv6Address other = new Ipv6Address(m.source().high(), m.source().low() + 1);
            assertEquals(Parsed.err(WireError.BAD_CHECKSUM), Icmpv6Repr.parse(p, other, m.destination(), m.hopLimit()));
        });
    }

    @Test
    void udpAndTcpOverIpv6RoundTrip() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Ipv6Address src = Gen6.address(r);
            Ipv6Address dst = Gen6.address(r);
            UdpRepr u = Gen.udp(r);
            ByteBuffer b = WirePropertiesTest.noisy(r, 0, u.bufferLen());
            u.emit(b, 0, src, dst);
            UdpPacket up = new UdpPacket();
            assertTrue(up.check(b, 0, u.bufferLen()));
            assertTrue(up.checksum() != UdpPacket.NO_CHECKSUM);
            assertEquals(Parsed.ok(u), UdpRepr.parse(up, src, dst));
            assertEquals(Parsed.err(WireError.BAD_CHECKSUM), UdpRepr.parse(up, new Ipv6Address(src.high() ^ 1, src.low()), dst));
            TcpRepr t = Gen.tcp(r);
            ByteBuffer c = WirePropertiesTest.noisy(r, 0, t.bufferLen());
            t.emit(c, 0, src, dst);
            TcpSegment s = new TcpSegment();
            assertTrue(s.check(c, 0, t.bufferLen()));
            assertEquals(Parsed.ok(t), TcpRepr.parse(s, src, dst));
        });
    }

    @Test
    void checkedViewsNeverThrowOnRandomBytes() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] bytes = new byte[r.nextInt(200)];
            r.nextBytes(bytes);
            if (bytes.length > 0 && r.nextBoolean()) {
                bytes[0] = (byte) (0x60 | bytes[0] & 0x0f);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            Ipv6WireFuzzTest.exercise(b, 0, bytes.length);
            Icmpv6Packet p = new Icmpv6Packet();
            if (p.check(b, 0, bytes.length)) {
                Icmpv6Repr.parse(p, Gen6.address(r), Gen6.address(r), 255);
            }
        });
    }

    @Test
    void pseudoHeaderFromTheBufferEqualsTheOneFromAddresses() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Ipv6Address src = Gen6.address(r);
            Ipv6Address dst = Gen6.address(r);
            int next = r.nextInt(256);
            int len = r.nextInt(0x10000);
            ByteBuffer b = ByteBuffer.allocate(40);
            Ipv6Repr.of(src, dst, next, 64, 0).emit(b, 0);
            long fromAddresses = InternetChecksum.pseudoHeader(src, dst, next, len);
            assertEquals(InternetChecksum.fold(fromAddresses),
                    InternetChecksum.fold(InternetChecksum.ipv6PseudoHeader(b, Ipv6Packet.SOURCE, next, len)));
            assertFalse(fromAddresses < 0);
        });
    }
}
