package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of an ICMPv4 message (RFC 792): the whole IPv4 payload. The package rules apply. Any
 * type and code pass {@link #check}; {@link Icmpv4Repr#parse} refuses the ones it does not
 * represent and a checksum that does not verify.
 *
 * <pre>
 *  0      8      16             32
 *  | Type | Code |   Checksum    |
 *  |  rest of header (by type)   |   echo: Identifier | Sequence Number
 *  |  data ...                       errors: quoted IPv4 header + 64 bits of its data
 * </pre>
 */
public final class Icmpv4Packet extends View {
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    /** Offset of the second word: identifier and sequence number of an echo, unused (or next-hop MTU) in errors. */
    public static final int REST_OF_HEADER = 4;
    public static final int IDENTIFIER = 4;
    public static final int SEQUENCE = 6;
    /** Offset of the next-hop MTU of "fragmentation needed and DF set" (RFC 1191 section 4). */
    public static final int NEXT_HOP_MTU = 6;
    public static final int HEADER_LENGTH = 8;

    /** Echo Reply (RFC 792, "Echo or Echo Reply Message"). */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Destination Unreachable (RFC 792, "Destination Unreachable Message"). */
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    /** Echo (request) (RFC 792). */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Time Exceeded (RFC 792, "Time Exceeded Message"). */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Parameter Problem (RFC 792, "Parameter Problem Message"). */
    public static final int TYPE_PARAMETER_PROBLEM = 12;

    private int length;

    /** An unchecked view: its accessors are only defined after {@link #check} returns true. */
    public Icmpv4Packet() {}

    /**
     * Checks that {@code [offset, offset + length)} holds at least the 8-byte header, and binds
     * this view to the whole region: the message is all of the IPv4 payload.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        this.length = 0;
        if (length < HEADER_LENGTH) {
            this.error = WireError.TRUNCATED;
            return false;
        }
        this.buffer = buffer;
        this.start = offset;
        this.length = length;
        this.error = null;
        return true;
    }

    /** The message's length: header and data. */
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

    public int restOfHeader() {
        return i32(buffer, start + REST_OF_HEADER);
    }

    public int identifier() {
        return u16(buffer, start + IDENTIFIER);
    }

    public int sequence() {
        return u16(buffer, start + SEQUENCE);
    }

    public int nextHopMtu() {
        return u16(buffer, start + NEXT_HOP_MTU);
    }

    public int dataOffset() {
        return start + HEADER_LENGTH;
    }

    public int dataLength() {
        return length - HEADER_LENGTH;
    }

    /** True if the checksum over the whole message verifies (RFC 792: "starting with the ICMP Type"). */
    public boolean checksumVerifies() {
        return InternetChecksum.verifies(InternetChecksum.add(0, buffer, start, length));
    }
}
