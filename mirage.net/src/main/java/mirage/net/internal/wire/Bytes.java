package mirage.net.internal.wire;

import java.nio.ByteBuffer;

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

    static int i32(ByteBuffer b, int i) {
        return (b.get(i) & 0xff) << 24 | (b.get(i + 1) & 0xff) << 16 | (b.get(i + 2) & 0xff) << 8 | (b.get(i + 3) & 0xff);
    }

    static long u48(ByteBuffer b, int i) {
        return (long) u16(b, i) << 32 | (i32(b, i + 2) & 0xffffffffL);
    }

    static long i64(ByteBuffer b, int i) {
        return (long) i32(b, i) << 32 | (i32(b, i + 4) & 0xffffffffL);
    }

    static void put64(ByteBuffer b, int i, long v) {
        put32(b, i, (int) (v >>> 32));
        put32(b, i + 4, (int) v);
    }

    static void put8(ByteBuffer b, int i, int v) {
        b.put(i, (byte) v);
    }

    static void put16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 8));
        b.put(i + 1, (byte) v);
    }

    static void put32(ByteBuffer b, int i, int v) {
        b.put(i, (byte) (v >>> 24));
        b.put(i + 1, (byte) (v >>> 16));
        b.put(i + 2, (byte) (v >>> 8));
        b.put(i + 3, (byte) v);
    }

    static void put48(ByteBuffer b, int i, long v) {
        put16(b, i, (int) (v >>> 32));
        put32(b, i + 2, (int) v);
    }
}
