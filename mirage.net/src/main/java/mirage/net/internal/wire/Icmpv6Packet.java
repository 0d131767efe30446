package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of an ICMPv6 message (RFC 4443 section 2.1): the whole upper-layer payload. The
 * package rules apply. Any type and code pass {@link #check}; {@link Icmpv6Repr#parse} refuses
 * what it does not represent. The checksum covers the IPv6 pseudo-header (RFC 4443 section 2.3),
 * so {@link #check} does not verify it: {@link #checksumVerifies(long)} does.
 *
 * <pre>
 *  0      8      16             32
 *  | Type | Code |   Checksum    |
 *  |  message body (by type) ...
 * </pre>
 */
public final class Icmpv6Packet extends View {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    /** Offset of the first 32 bits after the checksum: MTU, pointer, identifier and sequence, flags, or reserved. */
    public static final int BODY = 4;
    /** The least message: type, code, checksum and the 32-bit word every type has (RFC 4443 section 2.1, 3, 4). */
    public static final int HEADER_LENGTH = 8;

    /** Destination Unreachable (RFC 4443 section 3.1). */
    public static final int TYPE_DESTINATION_UNREACHABLE = 1;
    /** Packet Too Big (RFC 4443 section 3.2). */
    public static final int TYPE_PACKET_TOO_BIG = 2;
    /** Time Exceeded (RFC 4443 section 3.3). */
    public static final int TYPE_TIME_EXCEEDED = 3;
    /** Parameter Problem (RFC 4443 section 3.4). */
    public static final int TYPE_PARAMETER_PROBLEM = 4;
    /** Echo Request (RFC 4443 section 4.1). */
    public static final int TYPE_ECHO_REQUEST = 128;
    /** Echo Reply (RFC 4443 section 4.2). */
    public static final int TYPE_ECHO_REPLY = 129;
    /** Multicast Listener Query (RFC 3810 section 5.1; RFC 2710 section 3 for version 1). */
    public static final int TYPE_MULTICAST_LISTENER_QUERY = 130;
    /** Router Solicitation (RFC 4861 section 4.1). */
    public static final int TYPE_ROUTER_SOLICITATION = 133;
    /** Router Advertisement (RFC 4861 section 4.2). */
    public static final int TYPE_ROUTER_ADVERTISEMENT = 134;
    /** Neighbor Solicitation (RFC 4861 section 4.3). */
    public static final int TYPE_NEIGHBOR_SOLICITATION = 135;
    /** Neighbor Advertisement (RFC 4861 section 4.4). */
    public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136;
    /** Redirect (RFC 4861 section 4.5). */
    public static final int TYPE_REDIRECT = 137;
    /** Version 2 Multicast Listener Report (RFC 3810 section 5.2). */
    public static final int TYPE_MULTICAST_LISTENER_REPORT_V2 = 143;

    /**
     * The most an error message may take: "as much of invoking packet as possible without the
     * ICMPv6 packet exceeding the minimum IPv6 MTU" (RFC 4443 section 2.4 (c)): 1280 minus the
     * 40-byte IPv6 header.
     */
    public static final int MAX_ERROR_LENGTH = Ipv6Packet.MINIMUM_MTU - Ipv6Packet.HEADER_LENGTH;

    private int length;

    /** An unchecked view: its accessors are only defined after {@link #check} returns true. */
    public Icmpv6Packet() {}

    /**
     * Checks that {@code [offset, offset + length)} holds at least the 8-byte header, and binds
     * this view to the whole region: the message is all of the upper-layer payload.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        this.length = 0;
        if (length < HEADER_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        this.buffer = buffer;
        this.start = offset;
        this.length = length;
        this.error = null;
        return true;
    }

    /** The message's length: header and body. */
    public int length() {
        return length;
    }

    public int type() {
        return u8(buffer, start + TYPE);
    }

    public int code() {
        return u8(buffer, start + CODE);
    }

    public int checksum() {
        return u16(buffer, start + CHECKSUM);
    }

    /** Whether this is an error message: types 0-127 (RFC 4443 section 2.1). */
    public boolean isError() {
        return type() < 128;
    }

    /** The 32 bits after the checksum: MTU of Packet Too Big, pointer of Parameter Problem, flags of NA, ... */
    public int body() {
        return i32(buffer, start + BODY);
    }

    /** The Identifier of an echo. */
    public int identifier() {
        return u16(buffer, start + BODY);
    }

    /** The Sequence Number of an echo. */
    public int sequence() {
        return u16(buffer, start + BODY + 2);
    }

    /** Index of what follows the first 8 bytes: the invoking packet of an error, an echo's data, an NDP message's fields. */
    public int dataOffset() {
        return start + HEADER_LENGTH;
    }

    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    /** True if the sum over {@code pseudoHeaderSum} and the whole message verifies (RFC 4443 section 2.3). */
    public boolean checksumVerifies(long pseudoHeaderSum) {
        return InternetChecksum.verifies(InternetChecksum.add(pseudoHeaderSum, buffer, start, length));
    }

    /** As {@link #checksumVerifies(long)} with the pseudo-header of {@code packet}, which carries this message. */
    public boolean checksumVerifies(Ipv6Packet packet) {
        return checksumVerifies(packet.pseudoHeaderSum(Ipv6Packet.NEXT_HEADER_ICMPV6, length));
    }
}
