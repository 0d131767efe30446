package mirage.platform.xen.internal.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian field layouts for Xen's x86-64 ABI, unaligned (ring entries are read at any
 * offset a peer could make us compute), and the page size.
 */
public final class Layouts {
    /** A page: Xen's {@code XEN_PAGE_SIZE} on x86. */
    public static final int PAGE_SIZE = 4096;

    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Layouts() {}

    /** An unsigned byte. */
    public static int u8(MemorySegment s, long at) {
        return s.get(U8, at) & 0xff;
    }

    /** An unsigned 16-bit field. */
    public static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xffff;
    }

    /** A signed 16-bit field ({@code int16_t}). */
    public static int s16(MemorySegment s, long at) {
        return s.get(U16, at);
    }

    /** A 32-bit field, as Java's int (unsigned values above 2^31 come out negative). */
    public static int u32(MemorySegment s, long at) {
        return s.get(U32, at);
    }

    public static long u64(MemorySegment s, long at) {
        return s.get(U64, at);
    }

    public static void u8(MemorySegment s, long at, int v) {
        s.set(U8, at, (byte) v);
    }

    public static void u16(MemorySegment s, long at, int v) {
        s.set(U16, at, (short) v);
    }

    public static void u32(MemorySegment s, long at, int v) {
        s.set(U32, at, v);
    }

    public static void u64(MemorySegment s, long at, long v) {
        s.set(U64, at, v);
    }

    /**
     * Whether this JVM's memory is little-endian, as Xen's x86 ABI is: ring indices and event
     * bitmaps are read and written with the native order (for atomic access) and must agree.
     */
    public static boolean nativeLittleEndian() {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    }
}
