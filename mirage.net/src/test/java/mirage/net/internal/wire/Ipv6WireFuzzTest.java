package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import mirage.net.Ipv6Address;

/**
 * One fuzz test per IPv6 parser: any bytes are checked, every accessor read and the record
 * parsed; nothing may throw, and what parses re-emits to bytes that parse to the same record.
 * Seeds are the frames Linux sent (see {@code ipv6/seeds.py}) under
 * {@code src/test/resources/mirage/net/internal/wire/Ipv6WireFuzzTestInputs/<method>/}.
 */
class Ipv6WireFuzzTest {

    /** An IPv6 packet: the fixed header, the chain both ways, and the record. */
    @FuzzTest(maxDuration = "10s")
    void ipv6(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Ipv6Packet p = exercise(b, 0, data.length);
        if (p != null && Ipv6Repr.parse(p) instanceof Parsed.Ok<Ipv6Repr>(Ipv6Repr ip)) {
            ByteBuffer out = ByteBuffer.allocate(ip.totalLength());
            ip.emit(out, 0);
            Ipv6Packet q = new Ipv6Packet();
            assertTrue(q.check(out, 0, out.limit()));
            assertEquals(Parsed.ok(ip), Ipv6Repr.parse(q));
        }
    }

    /**
     * An ICMPv6 message: the first 32 bytes are its source and destination address, the next its
     * hop limit (see {@code seeds.py}). Parsed once as it is and once with its checksum fixed, so
     * that the fuzzer reaches the type-specific rules.
     */
    @FuzzTest(maxDuration = "10s")
    void icmpv6(byte[] data) {
        if (data.length < 33) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        Ipv6Address src = Ipv6Address.read(b, 0);
        Ipv6Address dst = Ipv6Address.read(b, 16);
        int hopLimit = data[32] & 0xff;
        int at = 33;
        int len = data.length - at;
        Icmpv6Packet p = new Icmpv6Packet();
        if (!p.check(b, at, len)) {
            assertNotNull(p.error());
            return;
        }
        assertNull(p.error());
        long s = p.type() + p.code() + p.checksum() + (long) p.body() + p.identifier() + p.sequence();
        assertTrue(p.dataOffset() + p.dataLength() == at + len && p.isError() == p.type() < 128, () -> "" + s);
        assertNotNull(Icmpv6Repr.parse(p, src, dst, hopLimit));
        Bytes.put16(b, at + Icmpv6Packet.CHECKSUM, 0);
        long sum = InternetChecksum.pseudoHeader(src, dst, Ipv6Packet.NEXT_HEADER_ICMPV6, len);
        Bytes.put16(b, at + Icmpv6Packet.CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, b, at, len)));
        if (Icmpv6Repr.parse(p, src, dst, hopLimit) instanceof Parsed.Ok<Icmpv6Repr>(Icmpv6Repr m)) {
            ByteBuffer out = ByteBuffer.allocate(m.bufferLen());
            m.emit(out, 0, src, dst);
            Icmpv6Packet q = new Icmpv6Packet();
            assertTrue(q.check(out, 0, out.limit()));
            assertEquals(Parsed.ok(m), Icmpv6Repr.parse(q, src, dst, hopLimit));
        }
    }

    /** Checks {@code [at, at + len)} as an IPv6 packet and reads everything a check allows; the view if it passed. */
    static Ipv6Packet exercise(ByteBuffer b, int at, int len) {
        Ipv6Packet p = new Ipv6Packet();
        if (p.checkQuoted(b, at, len)) {
            fields(p);
        }
        if (!p.check(b, at, len)) {
            assertNotNull(p.error());
            return null;
        }
        fields(p);
        Ipv6HeaderChain chain = new Ipv6HeaderChain();
        if (chain.check(p)) {
            assertNull(chain.error());
            chain(chain, p);
        } else {
            assertNotNull(chain.error());
            if (chain.error() == WireError.UNRECOGNIZED_OPTION) {
                assertNotNull(chain.optionAction());
            }
            assertTrue(chain.errorPointer() >= -1 && chain.errorPointer() < p.payloadOffset() - p.offset() + p.payloadLength());
        }
        if (chain.checkStructure(p)) {
            chain(chain, p);
        }
        return p;
    }

    private static void fields(Ipv6Packet p) {
        long s = p.trafficClass() + p.dscp() + p.ecn() + p.flowLabel() + p.payloadLengthField() + p.nextHeader()
                + p.hopLimit() + p.sourceHigh() + p.sourceLow() + p.destinationHigh() + p.destinationLow()
                + (p.destinationIsMulticast() ? 1 : 0) + p.pseudoHeaderSum(58, 8);
        assertTrue(p.payloadLength() >= 0 && p.payloadOffset() + p.payloadLength() <= p.buffer().limit(), () -> "" + s);
    }

    private static void chain(Ipv6HeaderChain c, Ipv6Packet p) {
        int end = p.payloadOffset() + p.payloadLength();
        for (int i = 0; i < c.headerCount(); i++) {
            assertTrue(c.headerOffset(i) >= p.payloadOffset() && c.headerOffset(i) + c.headerLength(i) <= end);
            assertTrue(c.headerType(i) >= 0);
        }
        assertTrue(c.upperLayerOffset() + c.upperLayerLength() == end && c.upperLayerLength() >= 0);
        assertTrue(c.upperLayerProtocol() >= 0 && c.upperLayerPointer() >= p.offset());
        if (c.isFragment()) {
            assertTrue(c.fragmentOffset() >= 0 && c.fragmentIdentification() + (c.moreFragments() ? 1 : 0)
                    + (c.isAtomicFragment() ? 1 : 0) != Long.MIN_VALUE);
        }
    }
}
