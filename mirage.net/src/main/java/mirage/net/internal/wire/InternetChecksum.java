package mirage.net.internal.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import mirage.net.Ipv6Address;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * the data taken as big-endian 16-bit words, an odd last byte padded with a zero byte on the
 * right (RFC 1071 section 1, step (1)-(3)). Plus the incremental update of RFC 1624.
 *
 * <p>Sums are carried in a {@code long} accumulator and folded once at the end (RFC 1071
 * section 2 (B), "deferred carries"); an accumulator of {@code 0} is the empty sum. Nothing here
 * allocates, and nothing moves a buffer's position or limit. Methods taking a buffer region
 * throw {@link IndexOutOfBoundsException} only if the region lies outside the buffer, which the
 * views of this package never let happen.
 */
public final class InternetChecksum {
    /** Big-endian 64-bit reads at any byte index of a {@code byte[]}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {}

    /**
     * Adds the bytes {@code [offset, offset + length)} of {@code buffer} to {@code sum}, as
     * 16-bit big-endian words starting at {@code offset}; an odd last byte counts as the high
     * byte of a word whose low byte is zero (RFC 1071 section 1, step (1)).
     */
    public static long add(long sum, ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        if (buffer.hasArray()) {
            return addArray(sum, buffer.array(), buffer.arrayOffset() + offset, length);
        }
        return addBuffer(sum, buffer, offset, length);
    }

    /**
     * Adds {@code length} bytes of {@code data} from {@code offset}, read 16 at a time through a
     * big-endian view of the array. Heap buffers come here and direct ones go to
     * {@link #addBuffer}, so that each loop's memory access sees one kind of buffer: a stack
     * receives into direct buffers and sends from heap ones, and one loop over both compiled
     * to a type check per read (decision 0078).
     */
    private static long addArray(long sum, byte[] data, int offset, int length) {
        int end = offset + length;
        int i = offset;
        // Eight bytes at a time as two 32-bit halves: one's complement addition is associative,
        // so summing 32-bit words and folding later gives the same 16-bit sum (RFC 1071
        // section 2 (C), "Parallel Summation"). A long holds 2^30 such additions without
        // overflow; two accumulators let the additions of consecutive words overlap.
        long s = sum;
        long t = 0;
        for (; i + 16 <= end; i += 16) {
            long w = (long) LONGS.get(data, i);
            long x = (long) LONGS.get(data, i + 8);
            s += (w >>> 32) + (w & 0xffff_ffffL);
            t += (x >>> 32) + (x & 0xffff_ffffL);
        }
        if (i + 8 <= end) {
            long w = (long) LONGS.get(data, i);
            s += (w >>> 32) + (w & 0xffff_ffffL);
            i += 8;
        }
        for (; i + 1 < end; i += 2) {
            s += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < end) {
            s += (data[i] & 0xff) << 8;
        }
        return s + t;
    }

    /** As {@link #addArray}, through the buffer's absolute reads (direct and read-only buffers). */
    private static long addBuffer(long sum, ByteBuffer buffer, int offset, int length) {
        int end = offset + length;
        int i = offset;
        long s = sum;
        long t = 0;
        boolean bigEndian = buffer.order() == ByteOrder.BIG_ENDIAN;
        for (; i + 16 <= end; i += 16) {
            long w = buffer.getLong(i);
            long x = buffer.getLong(i + 8);
            if (!bigEndian) {
                w = Long.reverseBytes(w);
                x = Long.reverseBytes(x);
            }
            s += (w >>> 32) + (w & 0xffff_ffffL);
            t += (x >>> 32) + (x & 0xffff_ffffL);
        }
        if (i + 8 <= end) {
            long w = buffer.getLong(i);
            if (!bigEndian) {
                w = Long.reverseBytes(w);
            }
            s += (w >>> 32) + (w & 0xffff_ffffL);
            i += 8;
        }
        for (; i + 1 < end; i += 2) {
            s += ((buffer.get(i) & 0xff) << 8) | (buffer.get(i + 1) & 0xff);
        }
        if (i < end) {
            s += (buffer.get(i) & 0xff) << 8;
        }
        return s + t;
    }

    /** Adds one 16-bit word. */
    public static long addWord(long sum, int word) {
        return sum + (word & 0xffff);
    }

    /** Adds a 32-bit value as two 16-bit words (an IPv4 address). */
    public static long addInt(long sum, int value) {
        return sum + (value >>> 16) + (value & 0xffff);
    }

    /**
     * The sum of the IPv4 pseudo-header that UDP and TCP include in their checksums
     * (RFC 768, "Fields": source address, destination address, zero, protocol, UDP length).
     */
    public static long pseudoHeader(int source, int destination, int protocol, int length) {
        return addInt(addInt(0, source), destination) + (protocol & 0xff) + (length & 0xffff);
    }

    /** Adds a 64-bit value as four 16-bit words (half of an IPv6 address). */
    public static long addLong(long sum, long value) {
        return sum + (value >>> 48) + (value >>> 32 & 0xffff) + (value >>> 16 & 0xffff) + (value & 0xffff);
    }

    /**
     * The sum of the IPv6 pseudo-header that every upper-layer checksum over IPv6 includes (TCP,
     * UDP, ICMPv6): source address, destination address, the upper-layer packet length as 32
     * bits, three zero bytes and the next header value (RFC 8200 section 8.1; RFC 4443 section
     * 2.3 for ICMPv6). The length is that of the upper-layer header and data, without the IPv6
     * header or any extension header before it.
     */
    public static long pseudoHeader(Ipv6Address source, Ipv6Address destination, int nextHeader, int upperLayerLength) {
        long s = addLong(addLong(addLong(addLong(0, source.high()), source.low()), destination.high()), destination.low());
        return addInt(s, upperLayerLength) + (nextHeader & 0xff);
    }

    /**
     * As {@link #pseudoHeader(Ipv6Address, Ipv6Address, int, int)}, reading the two addresses
     * from the 32 bytes at {@code addresses} of {@code buffer} (where an IPv6 header holds them,
     * {@code Ipv6Packet.SOURCE}): allocates nothing.
     *
     * <p>Four straight 64-bit reads, not {@link #add}: a receive path inlines this beside the
     * {@code add} over the datagram, and a second copy of {@code add}'s loop in the same compiled
     * method made C2 compile the datagram's loop about 1.7 times slower (decision 0078).
     */
    public static long ipv6PseudoHeader(ByteBuffer buffer, int addresses, int nextHeader, int upperLayerLength) {
        long sum = addLong(addLong(0, Bytes.i64(buffer, addresses)), Bytes.i64(buffer, addresses + 8));
        sum = addLong(addLong(sum, Bytes.i64(buffer, addresses + 16)), Bytes.i64(buffer, addresses + 24));
        return addInt(sum, upperLayerLength) + (nextHeader & 0xff);
    }

    /** Folds the carries of {@code sum} into 16 bits (RFC 1071 section 4.1, "Fold 32-bit sum to 16 bits"). */
    public static int fold(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum field value for {@code sum}: the one's complement of its folded value. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /**
     * True if data whose checksum field is included in {@code sum} verifies: the folded sum is
     * all ones (RFC 1071 section 1, step (3), "the result will be all 1 bits if correct").
     */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xffff;
    }

    /** The checksum of a buffer region: {@code finish(add(0, buffer, offset, length))}. */
    public static int of(ByteBuffer buffer, int offset, int length) {
        return finish(add(0, buffer, offset, length));
    }

    /**
     * The checksum after one 16-bit word of the data changes from {@code oldWord} to
     * {@code newWord}, from the old checksum alone: RFC 1624 section 3, equation 3,
     * {@code HC' = ~(~HC + ~m + m')}, which, unlike equation 2 of RFC 1141, never yields
     * {@code 0x0000} for data whose sum is not zero (RFC 1624 section 4).
     */
    public static int update(int checksum, int oldWord, int newWord) {
        long s = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(s) & 0xffff;
    }

    /** As {@link #update(int, int, int)} for a 32-bit field (an IPv4 address): two words. */
    public static int updateInt(int checksum, int oldValue, int newValue) {
        long s = (~checksum & 0xffff)
                + (~oldValue >>> 16 & 0xffff) + (~oldValue & 0xffff)
                + (newValue >>> 16) + (newValue & 0xffff);
        return ~fold(s) & 0xffff;
    }
}
