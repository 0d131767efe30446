package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The wide reads and writes of {@link Bytes} (one {@code getInt}/{@code getLong} in the
 * buffer's order, then turned to network order) equal the octet-by-octet definition, at any
 * offset, in heap and direct buffers of either byte order, and refuse a region past the limit.
 */
class BytesTest {

    private static ByteBuffer buffer(SplittableRandom r, byte[] content) {
        ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect(content.length) : ByteBuffer.allocate(content.length);
        b.put(0, content);
        return b.order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }

    private static long bigEndian(byte[] data, int at, int octets) {
        long v = 0;
        for (int k = 0; k < octets; k++) {
            v = v << 8 | (data[at + k] & 0xff);
        }
        return v;
    }

    @Test
    void readsEqualTheOctets() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] data = new byte[r.nextInt(8, 80)];
            r.nextBytes(data);
            ByteBuffer b = buffer(r, data);
            int at = r.nextInt(data.length - 7);
            assertEquals((int) bigEndian(data, at, 4), Bytes.i32(b, at));
            assertEquals(bigEndian(data, at, 8), Bytes.i64(b, at));
            assertEquals(bigEndian(data, at, 6), Bytes.u48(b, at));
        });
    }

    @Test
    void writesPutTheOctetsInNetworkOrder() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] data = new byte[r.nextInt(8, 80)];
            ByteBuffer b = buffer(r, data);
            int at = r.nextInt(data.length - 7);
            long v = r.nextLong();
            byte[] expected = data.clone();
            for (int k = 0; k < 8; k++) {
                expected[at + k] = (byte) (v >>> (56 - 8 * k));
            }
            Bytes.put64(b, at, v);
            byte[] got = new byte[data.length];
            b.get(0, got);
            assertArrayEquals(expected, got);
            int w = r.nextInt();
            for (int k = 0; k < 4; k++) {
                expected[at + k] = (byte) (w >>> (24 - 8 * k));
            }
            Bytes.put32(b, at, w);
            b.get(0, got);
            assertArrayEquals(expected, got);
            assertEquals(w, Bytes.i32(b, at));
        });
    }

    @Test
    void aRegionPastTheLimitIsRefused() {
        ByteBuffer b = ByteBuffer.allocateDirect(16).limit(12);
        assertThrows(IndexOutOfBoundsException.class, () -> Bytes.i64(b, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> Bytes.i32(b, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> Bytes.put64(b, 8, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Bytes.put32(b, -1, 1));
        assertEquals(0, Bytes.i64(b, 4));
    }
}
