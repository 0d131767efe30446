package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of the fixed IPv6 header (RFC 8200 section 3) and the payload its Payload Length
 * declares. The package rules apply. Extension headers are part of the payload here:
 * {@link Ipv6HeaderChain} walks them, {@link Ipv6Repr#parse} reads all of it.
 *
 * <pre>
 *  0       4               12                              32
 *  |Version| Traffic Class |           Flow Label           |
 *  |       Payload Length          |  Next Header |Hop Limit |
 *  |                 Source Address (128 bits)               |
 *  |              Destination Address (128 bits)             |
 * </pre>
 *
 * <p>Addresses are read as two {@code long}s each ({@link #sourceHigh()} ...) so that the view
 * allocates nothing; {@link Ipv6Repr} makes {@link mirage.net.Ipv6Address}es of them. A Payload
 * Length of zero is a zero-length payload here: jumbograms (RFC 2675) are not supported, and
 * their Hop-by-Hop header then does not fit, so {@link Ipv6HeaderChain#check} refuses them.
 */
public final class Ipv6Packet extends View {
    /** Offset of version (4 bits), traffic class (8 bits) and flow label (20 bits). */
    public static final int VERSION_CLASS_FLOW = 0;
    /** Offset of the Payload Length: "the rest of the packet following this IPv6 header, in octets" (RFC 8200 section 3). */
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;
    /** The fixed header's length. */
    public static final int HEADER_LENGTH = 40;
    /** The only version this view accepts (RFC 8200 section 3, "Version"). */
    public static final int VERSION = 6;
    /** Largest Payload Length: a 16-bit field. */
    public static final int MAX_PAYLOAD_LENGTH = 0xffff;
    /** The flow label's mask: 20 bits (RFC 6437). */
    public static final int FLOW_LABEL_MASK = 0xfffff;
    /** "Every link in the Internet have an MTU of 1280 octets or greater" (RFC 8200 section 5). */
    public static final int MINIMUM_MTU = 1280;

    /** Next Header value of ICMPv6 (RFC 4443 section 1). */
    public static final int NEXT_HEADER_ICMPV6 = 58;
    /** Next Header value of TCP. */
    public static final int NEXT_HEADER_TCP = 6;
    /** Next Header value of UDP. */
    public static final int NEXT_HEADER_UDP = 17;

    private int length;

    /** An unchecked view: its accessors are only defined after a check returns true. */
    public Ipv6Packet() {}

    /**
     * Checks that {@code [offset, offset + length)} holds an IPv6 packet: 40 bytes or more,
     * version 6, and a Payload Length that fits in the region (bytes past it are link padding,
     * outside {@link #payloadLength()}).
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        return check(buffer, offset, length, false);
    }

    /**
     * As {@link #check}, for the packet an ICMPv6 error message quotes ("as much of invoking
     * packet as possible", RFC 4443 section 3): the Payload Length may exceed the region, and
     * {@link #payloadLength()} is what is there.
     */
    public boolean checkQuoted(ByteBuffer buffer, int offset, int length) {
        return check(buffer, offset, length, true);
    }

    private boolean check(ByteBuffer buffer, int offset, int length, boolean quoted) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        this.length = 0;
        if (length < HEADER_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        if (u8(buffer, offset) >>> 4 != VERSION) {
            return fail(WireError.BAD_VERSION);
        }
        int total = HEADER_LENGTH + u16(buffer, offset + PAYLOAD_LENGTH);
        if (!quoted && total > length) {
            return fail(WireError.TRUNCATED);
        }
        this.buffer = buffer;
        this.start = offset;
        this.length = Math.min(total, length);
        this.error = null;
        return true;
    }

    /** The traffic class byte: DSCP and ECN (RFC 8200 section 7). */
    public int trafficClass() {
        return i32(buffer, start) >>> 20 & 0xff;
    }

    /** The six DSCP bits of the traffic class (RFC 2474 section 3). */
    public int dscp() {
        return trafficClass() >>> 2;
    }

    /** The two ECN bits of the traffic class (RFC 3168 section 5). */
    public int ecn() {
        return trafficClass() & 3;
    }

    /** The 20-bit flow label (RFC 6437). */
    public int flowLabel() {
        return i32(buffer, start) & FLOW_LABEL_MASK;
    }

    /** The Payload Length field. */
    public int payloadLengthField() {
        return u16(buffer, start + PAYLOAD_LENGTH);
    }

    /** The Next Header field: the first extension header's type or the upper-layer protocol. */
    public int nextHeader() {
        return u8(buffer, start + NEXT_HEADER);
    }

    public int hopLimit() {
        return u8(buffer, start + HOP_LIMIT);
    }

    /** Bits 0-63 of the source address. */
    public long sourceHigh() {
        return Bytes.i64(buffer, start + SOURCE);
    }

    /** Bits 64-127 of the source address. */
    public long sourceLow() {
        return Bytes.i64(buffer, start + SOURCE + 8);
    }

    /** Bits 0-63 of the destination address. */
    public long destinationHigh() {
        return Bytes.i64(buffer, start + DESTINATION);
    }

    /** Bits 64-127 of the destination address. */
    public long destinationLow() {
        return Bytes.i64(buffer, start + DESTINATION + 8);
    }

    /** Whether the destination is a multicast address ({@code ff00::/8}, RFC 4291 section 2.7). */
    public boolean destinationIsMulticast() {
        return u8(buffer, start + DESTINATION) == 0xff;
    }

    /** Index of the payload (the first extension header, if any) in {@link #buffer()}. */
    public int payloadOffset() {
        return start + HEADER_LENGTH;
    }

    /** The payload's length: the Payload Length field (for a quoted packet, what of it is there). */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /**
     * The pseudo-header sum for an upper-layer message of {@code upperLayerLength} bytes with
     * {@code nextHeader} carried in this packet (RFC 8200 section 8.1), from the addresses in
     * place: allocates nothing. A Routing header with segments left would change the final
     * destination; {@link Ipv6HeaderChain#check} refuses those, so the destination field is the
     * final destination of every packet that passes it.
     */
    public long pseudoHeaderSum(int nextHeader, int upperLayerLength) {
        return InternetChecksum.ipv6PseudoHeader(buffer, start + SOURCE, nextHeader, upperLayerLength);
    }
}
