package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    /** RFC 1071 section 3, "Numerical Examples": bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2 (after carries). */
    @Test
    void rfc1071Example() {
        ByteBuffer b = Golden.buffer("0001f203f4f5f6f7");
        assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.add(0, b, 0, 8)));
        assertEquals(0x220d, InternetChecksum.of(b, 0, 8));
    }

    /** An odd length pads with a zero byte on the right (RFC 1071 section 1). */
    @Test
    void oddLength() {
        assertEquals(InternetChecksum.of(Golden.buffer("0001f203f4f5f6"), 0, 7),
                InternetChecksum.of(Golden.buffer("0001f203f4f5f600"), 0, 8));
    }

    /**
     * RFC 1624 section 4: the other header octets sum to 0xcd7a, m = 0x5555 becomes 0x3285, HC =
     * 0xdd2f; equation 3 gives 0x0000 as recomputation does (RFC 1141's equation gave 0xffff).
     */
    @Test
    void rfc1624Example() {
        assertEquals(0xdd2f, InternetChecksum.finish(0xcd7a + 0x5555));
        assertEquals(0x0000, InternetChecksum.finish(0xcd7a + 0x3285));
        assertEquals(0x0000, InternetChecksum.update(0xdd2f, 0x5555, 0x3285));
    }

    @Test
    void incrementalUpdateEqualsRecomputation() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] data = new byte[2 * r.nextInt(2, 40)];
            r.nextBytes(data);
            ByteBuffer b = ByteBuffer.wrap(data);
            int before = InternetChecksum.of(b, 0, data.length);
            int at = 2 * r.nextInt(data.length / 2 - 1);
            int oldWord = Bytes.u16(b, at);
            int oldInt = Bytes.i32(b, at);
            int newWord = r.nextInt(1, 0x10000);
            Bytes.put16(b, at, newWord);
            assertEquals(InternetChecksum.of(b, 0, data.length), InternetChecksum.update(before, oldWord, newWord));
            int afterWord = InternetChecksum.of(b, 0, data.length);
            int newInt = r.nextInt() | 1;
            Bytes.put32(b, at, newInt);
            assertEquals(InternetChecksum.of(b, 0, data.length),
                    InternetChecksum.updateInt(afterWord, (newWord << 16) | (oldInt & 0xffff), newInt));
        });
    }

    @Test
    void dataWithItsChecksumVerifies() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] data = new byte[2 + 2 * r.nextInt(50)];
            r.nextBytes(data);
            ByteBuffer b = ByteBuffer.wrap(data);
            Bytes.put16(b, 0, 0);
            Bytes.put16(b, 0, InternetChecksum.of(b, 0, data.length));
            assertTrue(InternetChecksum.verifies(InternetChecksum.add(0, b, 0, data.length)));
        });
    }

    /**
     * The word-at-a-time sum equals the plain RFC 1071 definition, at any offset and length (the
     * 16-byte loop, its 8-byte step and the odd tail), in either buffer byte order, over a heap
     * buffer, a slice of one (array offset not zero), a read-only one and a direct one: the
     * array and buffer loops of {@link InternetChecksum#add} agree.
     */
    @Test
    void sumEqualsTheDefinition() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] data = new byte[r.nextInt(0, r.nextBoolean() ? 200 : 1600)];
            r.nextBytes(data);
            int off = data.length == 0 ? 0 : r.nextInt(data.length);
            int len = r.nextInt(data.length - off + 1);
            long reference = 0;
            for (int i = 0; i < len; i += 2) {
                reference += (data[off + i] & 0xff) << 8 | (i + 1 < len ? data[off + i + 1] & 0xff : 0);
            }
            ByteBuffer b = switch (r.nextInt(4)) {
                case 0 -> ByteBuffer.wrap(data);
                case 1 -> ByteBuffer.allocateDirect(data.length).put(0, data);
                case 2 -> ByteBuffer.wrap(data).asReadOnlyBuffer();
                default -> {
                    byte[] wider = new byte[data.length + 13];
                    System.arraycopy(data, 0, wider, 13, data.length);
                    yield ByteBuffer.wrap(wider).position(13).slice();
                }
            };
            b.order(r.nextBoolean() ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
            long start = r.nextLong(0, 1L << 40);
            assertEquals(InternetChecksum.fold(start + reference), InternetChecksum.fold(InternetChecksum.add(start, b, off, len)));
        });
    }

    /**
     * The pseudo-header sum read from a buffer (four 64-bit reads) equals the one from the two
     * addresses, at any offset, in heap and direct buffers of either byte order.
     */
    @Test
    void ipv6PseudoHeaderFromTheBufferEqualsTheAddresses() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            mirage.net.Ipv6Address source = new mirage.net.Ipv6Address(r.nextLong(), r.nextLong());
            mirage.net.Ipv6Address destination = new mirage.net.Ipv6Address(r.nextLong(), r.nextLong());
            int off = r.nextInt(0, 64);
            ByteBuffer b = (r.nextBoolean() ? ByteBuffer.allocateDirect(off + 40) : ByteBuffer.allocate(off + 40))
                    .order(r.nextBoolean() ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
            Bytes.put32(b, off, (int) (source.high() >>> 32));
            Bytes.put32(b, off + 4, (int) source.high());
            Bytes.put32(b, off + 8, (int) (source.low() >>> 32));
            Bytes.put32(b, off + 12, (int) source.low());
            Bytes.put32(b, off + 16, (int) (destination.high() >>> 32));
            Bytes.put32(b, off + 20, (int) destination.high());
            Bytes.put32(b, off + 24, (int) (destination.low() >>> 32));
            Bytes.put32(b, off + 28, (int) destination.low());
            int nextHeader = r.nextInt(256);
            int length = r.nextInt(0, 1 << 20);
            long fromBuffer = InternetChecksum.ipv6PseudoHeader(b, off, nextHeader, length);
            assertEquals(InternetChecksum.fold(InternetChecksum.pseudoHeader(source, destination, nextHeader, length)),
                    InternetChecksum.fold(fromBuffer));
            // and the definition: the 40 octets of RFC 8200 section 8.1 summed as words
            long reference = InternetChecksum.add(0, b, off, 32) + (length >>> 16) + (length & 0xffff) + nextHeader;
            assertEquals(InternetChecksum.fold(reference), InternetChecksum.fold(fromBuffer));
        });
    }

    @Test
    void aRegionOutsideTheBufferIsRefused() {
        ByteBuffer heap = ByteBuffer.allocate(32).limit(20);
        ByteBuffer direct = ByteBuffer.allocateDirect(32).limit(20);
        for (ByteBuffer b : new ByteBuffer[] {heap, direct}) {
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.add(0, b, 8, 16));
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.add(0, b, -1, 4));
            assertEquals(0, InternetChecksum.add(0, b, 4, 16));
        }
    }
}
