package mirage.net.internal.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Network byte order (big-endian, RFC 791 Appendix B) reads and writes at absolute indexes,
 * whatever the buffer's own {@link ByteBuffer#order()}; never moves position or limit.
 */
final class Bytes {
    private Bytes() {}

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xff) << 8 | (b.get(i + 1) & 0xff);
    }

    /**
     * One 32-bit read in the buffer's order, turned to network order: one bounds check instead
     * of four (an IPv6 address is four of these, read several times per packet; decision 0078).
     */
    static int i32(ByteBuffer b, int i) {
        int v = b.getInt(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static long u48(ByteBuffer b, int i) {
        return (long) u16(b, i) << 32 | (i32(b, i + 2) & 0xffffffffL);
    }

    /** As {@link #i32}: one 64-bit read (half an IPv6 address). */
    static long i64(ByteBuffer b, int i) {
        long v = b.getLong(i);
        return b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }

    static void put64(ByteBuffer b, int i, long v) {
        b.putLong(i, b.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v));
    }

    static void put8(ByteBuffer b, int i, int v) {
        b.put(i, (byte) v);
    }

    static void put16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 8));
        b.put(i + 1, (byte) v);
    }

    static void put32(ByteBuffer b, int i, int v) {
        b.putInt(i, b.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v));
    }

    static void put48(ByteBuffer b, int i, long v) {
        put16(b, i, (int) (v >>> 32));
        put32(b, i + 2, (int) v);
    }
}
