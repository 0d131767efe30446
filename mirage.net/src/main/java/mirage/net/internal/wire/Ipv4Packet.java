package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of an IPv4 datagram (RFC 791 section 3.1, "Internet Header Format"). The package rules
 * apply. The checksum is not verified by {@link #check}: {@link #checksumVerifies()} does, and
 * {@link Ipv4Repr#parse} refuses a datagram whose checksum does not verify.
 *
 * <pre>
 *  0       4       8              16    19                     32
 *  |Version|  IHL  | DSCP    |ECN |     Total Length            |
 *  |       Identification         |Flags|   Fragment Offset     |
 *  | Time to Live  |   Protocol   |     Header Checksum         |
 *  |                     Source Address                         |
 *  |                  Destination Address                       |
 *  |                  Options (IHL*4 - 20 bytes)                |
 * </pre>
 */
public final class Ipv4Packet extends View {
    public static final int VERSION_IHL = 0;
    /** Offset of the former type-of-service byte: DSCP (6 bits, RFC 2474 section 3) and ECN (2 bits, RFC 3168 section 5). */
    public static final int DSCP_ECN = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    /** Offset of flags (3 bits) and fragment offset (13 bits). */
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    /** Length of a header without options; also the least IHL times 4 (RFC 791 section 3.1, "IHL"). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Longest header: IHL is 4 bits, 15 words. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Largest total length: a 16-bit field (RFC 791 section 3.1, "Total Length"). */
    public static final int MAX_TOTAL_LENGTH = 0xffff;
    /** The only version this view accepts (RFC 791 section 3.1, "Version"). */
    public static final int VERSION = 4;

    /** Flags bit 0: reserved, must be zero (RFC 791 section 3.1, "Flags"). */
    public static final int FLAG_RESERVED = 0x8000;
    /** Flags bit 1: DF, don't fragment. */
    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    /** Flags bit 2: MF, more fragments. */
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    /** The fragment offset, in 8-octet units (RFC 791 section 3.1, "Fragment Offset"). */
    public static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    /** Protocol number of ICMP (RFC 792; IANA protocol numbers). */
    public static final int PROTOCOL_ICMP = 1;
    /** Protocol number of TCP (RFC 9293). */
    public static final int PROTOCOL_TCP = 6;
    /** Protocol number of UDP (RFC 768, "IP Interface": "the protocol number 17"). */
    public static final int PROTOCOL_UDP = 17;

    /** Option type End of Option List (RFC 791 section 3.1, "Options"): one octet, ends the list. */
    public static final int OPTION_END = 0;
    /** Option type No Operation: one octet. */
    public static final int OPTION_NOP = 1;

    private int length;

    /** An unchecked view: its accessors are only defined after a check returns true. */
    public Ipv4Packet() {}

    /**
     * Checks that {@code [offset, offset + length)} holds an IPv4 datagram: version 4, IHL of 5
     * or more whose header fits, and a total length between the header length and the region's
     * length (bytes past the total length are link padding, outside {@link #payloadLength()}).
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        return check(buffer, offset, length, false);
    }

    /**
     * As {@link #check}, for the header an ICMP error message quotes (RFC 792: "Internet Header
     * + 64 bits of Data Datagram"): the total length may exceed the region, and
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
        if (length < MIN_HEADER_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        int vihl = u8(buffer, offset + VERSION_IHL);
        if (vihl >>> 4 != VERSION) {
            return fail(WireError.BAD_VERSION);
        }
        int headerLength = (vihl & 0xf) * 4;
        if (headerLength < MIN_HEADER_LENGTH) {
            return fail(WireError.BAD_HEADER_LENGTH);
        }
        if (headerLength > length) {
            return fail(WireError.TRUNCATED);
        }
        int total = u16(buffer, offset + TOTAL_LENGTH);
        if (total < headerLength) {
            return fail(WireError.BAD_LENGTH);
        }
        if (!quoted && total > length) {
            return fail(WireError.TRUNCATED);
        }
        this.buffer = buffer;
        this.start = offset;
        this.length = Math.min(total, length);
        this.error = null;
        return true;
    }

    /** IHL times 4: 20 to 60. */
    public int headerLength() {
        return (u8(buffer, start + VERSION_IHL) & 0xf) * 4;
    }

    public int dscp() {
        return u8(buffer, start + DSCP_ECN) >>> 2;
    }

    public int ecn() {
        return u8(buffer, start + DSCP_ECN) & 3;
    }

    public int totalLength() {
        return u16(buffer, start + TOTAL_LENGTH);
    }

    public int identification() {
        return u16(buffer, start + IDENTIFICATION);
    }

    /** The 3 flag bits in place: a mask of {@code FLAG_*}. */
    public int flags() {
        return u16(buffer, start + FLAGS_FRAGMENT) & 0xe000;
    }

    public boolean dontFragment() {
        return (flags() & FLAG_DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments() {
        return (flags() & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** Fragment offset in 8-octet units, 0 to 8191. */
    public int fragmentOffset() {
        return u16(buffer, start + FLAGS_FRAGMENT) & FRAGMENT_OFFSET_MASK;
    }

    public int ttl() {
        return u8(buffer, start + TTL);
    }

    public int protocol() {
        return u8(buffer, start + PROTOCOL);
    }

    public int checksum() {
        return u16(buffer, start + CHECKSUM);
    }

    public int source() {
        return i32(buffer, start + SOURCE);
    }

    public int destination() {
        return i32(buffer, start + DESTINATION);
    }

    /** Index of the options in {@link #buffer()}. */
    public int optionsOffset() {
        return start + MIN_HEADER_LENGTH;
    }

    /** Length of the options, padding included: 0 to 40. */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Index of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return start + headerLength();
    }

    /** Payload length: total length minus header length (for a quoted header, what of it is there). */
    public int payloadLength() {
        return length - headerLength();
    }

    /** True if the header checksum verifies (RFC 791 section 3.1, "Header Checksum"; RFC 1071). */
    public boolean checksumVerifies() {
        return InternetChecksum.verifies(InternetChecksum.add(0, buffer, start, headerLength()));
    }

    /** True if this header's options (none, or any) are a well-formed list; see {@link #optionsWellFormed(ByteBuffer, int, int)}. */
    public boolean optionsWellFormed() {
        return optionsWellFormed(buffer, optionsOffset(), optionsLength());
    }

    /**
     * True if the options region {@code [offset, offset + length)} is a well-formed list: End
     * and NOP are one octet; every other option has a length octet of at least 2 that stays
     * inside the region; after End anything is padding (RFC 791 section 3.1, "Options").
     */
    static boolean optionsWellFormed(ByteBuffer buffer, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int type = u8(buffer, i);
            if (type == OPTION_END) {
                return true;
            }
            if (type == OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            int len = u8(buffer, i + 1);
            if (len < 2 || i + len > end) {
                return false;
            }
            i += len;
        }
        return true;
    }
}
