package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of a TCP segment (RFC 9293 section 3.1, "Header Format"). The package rules apply. TCP
 * has no length field: the segment is the whole region, as the IP layer's length gives it. The
 * checksum needs the IPv4 pseudo-header, so {@link #check} does not verify it:
 * {@link #checksumVerifies} does.
 *
 * <p>{@link #check} also walks the options (RFC 9293 section 3.2) once and keeps what an engine
 * needs of them in fields of the view, so reading them allocates nothing: MSS (RFC 9293 section
 * 3.7.1), window scale (RFC 7323 section 2), SACK-permitted and SACK blocks (RFC 2018), and
 * timestamps (RFC 7323 section 3). The walk stops at End of Option List; a known kind with a
 * length other than its own is ignored, as are unknown kinds (RFC 9293 section 3.1: "a TCP
 * implementation MUST be able to receive a TCP Option in any segment" and MUST-64 "ignore
 * without error any TCP Option it does not implement"). An option whose length byte is
 * missing, below 2 or runs past the header makes the segment malformed
 * ({@link WireError#BAD_OPTIONS}).
 *
 * <pre>
 *  0              16             32
 *  |  Source Port  |  Dest. Port  |
 *  |        Sequence Number       |
 *  |     Acknowledgment Number    |
 *  |Off|Rsv|Flags  |    Window    |
 *  |   Checksum    |  Urgent Ptr  |
 *  |  Options (0-40) ... | data ...
 * </pre>
 */
public final class TcpSegment extends View {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int SEQUENCE = 4;
    public static final int ACKNOWLEDGMENT = 8;
    /** Data offset (high 4 bits) and the reserved bits. */
    public static final int DATA_OFFSET = 12;
    public static final int FLAGS = 13;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT_POINTER = 18;
    /** The header without options; also the least data offset (5 words, RFC 9293 section 3.1). */
    public static final int MIN_HEADER_LENGTH = 20;
    /** The data offset is 4 bits of 32-bit words: 15 words. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Room for options: 40 bytes. */
    public static final int MAX_OPTIONS_LENGTH = MAX_HEADER_LENGTH - MIN_HEADER_LENGTH;

    // Control bits (RFC 9293 section 3.1; CWR and ECE from RFC 3168 section 6.1).
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    // Option kinds (RFC 9293 section 3.2, RFC 7323, RFC 2018).
    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WINDOW_SCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_SACK = 5;
    public static final int OPTION_TIMESTAMPS = 8;
    /** Length of the MSS option (RFC 9293 section 3.2: kind 2, length 4). */
    public static final int OPTION_MSS_LENGTH = 4;
    /** Length of the window scale option (RFC 7323 section 2.2: kind 3, length 3). */
    public static final int OPTION_WINDOW_SCALE_LENGTH = 3;
    /** Length of the SACK-permitted option (RFC 2018 section 2: kind 4, length 2). */
    public static final int OPTION_SACK_PERMITTED_LENGTH = 2;
    /** Length of the timestamps option (RFC 7323 section 3.2: kind 8, length 10). */
    public static final int OPTION_TIMESTAMPS_LENGTH = 10;
    /** At most 4 SACK blocks fit the 40 bytes of options (RFC 2018 section 3). */
    public static final int MAX_SACK_BLOCKS = 4;

    private int headerLength;
    private int length;
    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlocks;
    private int sackOffset;

    /** An unchecked view: its accessors are only defined after {@link #check} returns true. */
    public TcpSegment() {}

    /**
     * Checks that {@code [offset, offset + length)} holds a TCP header whose data offset is 5 to
     * 15 words and within the region, with well-formed options, and binds this view; the rest
     * of the region is the segment's data.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        if (length < MIN_HEADER_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        int hl = (u8(buffer, offset + DATA_OFFSET) >>> 4) * 4;
        if (hl < MIN_HEADER_LENGTH) {
            return fail(WireError.BAD_HEADER_LENGTH);
        }
        if (hl > length) {
            return fail(WireError.TRUNCATED);
        }
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlocks = 0;
        sackOffset = 0;
        int i = offset + MIN_HEADER_LENGTH;
        int end = offset + hl;
        while (i < end) {
            int kind = u8(buffer, i);
            if (kind == OPTION_END) {
                break;
            }
            if (kind == OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return fail(WireError.BAD_OPTIONS);
            }
            int len = u8(buffer, i + 1);
            if (len < 2 || i + len > end) {
                return fail(WireError.BAD_OPTIONS);
            }
            switch (kind) {
                case OPTION_MSS -> {
                    if (len == OPTION_MSS_LENGTH) {
                        mss = u16(buffer, i + 2);
                    }
                }
                case OPTION_WINDOW_SCALE -> {
                    if (len == OPTION_WINDOW_SCALE_LENGTH) {
                        windowScale = u8(buffer, i + 2);
                    }
                }
                case OPTION_SACK_PERMITTED -> {
                    if (len == OPTION_SACK_PERMITTED_LENGTH) {
                        sackPermitted = true;
                    }
                }
                case OPTION_SACK -> {
                    if ((len - 2) % 8 == 0 && len > 2) {
                        sackBlocks = (len - 2) / 8;
                        sackOffset = i + 2;
                    }
                }
                case OPTION_TIMESTAMPS -> {
                    if (len == OPTION_TIMESTAMPS_LENGTH) {
                        timestamps = true;
                        tsVal = i32(buffer, i + 2);
                        tsEcr = i32(buffer, i + 6);
                    }
                }
                default -> { }
            }
            i += len;
        }
        this.headerLength = hl;
        this.length = length;
        this.buffer = buffer;
        this.start = offset;
        this.error = null;
        return true;
    }

    public int sourcePort() {
        return u16(buffer, start + SOURCE_PORT);
    }

    public int destinationPort() {
        return u16(buffer, start + DESTINATION_PORT);
    }

    /** The sequence number, a 32-bit value compared modulo 2^32 (RFC 9293 section 3.4). */
    public int sequence() {
        return i32(buffer, start + SEQUENCE);
    }

    public int acknowledgment() {
        return i32(buffer, start + ACKNOWLEDGMENT);
    }

    /** Header length in bytes: the data offset times 4, 20 to 60. */
    public int headerLength() {
        return headerLength;
    }

    /** The four bits between the data offset and the control bits (reserved; bit 0 was NS, RFC 3540, now historic). */
    public int reserved() {
        return u8(buffer, start + DATA_OFFSET) & 0x0f;
    }

    /** The eight control bits: {@link #FIN} to {@link #CWR}. */
    public int flags() {
        return u8(buffer, start + FLAGS);
    }

    public boolean fin() {
        return (flags() & FIN) != 0;
    }

    public boolean syn() {
        return (flags() & SYN) != 0;
    }

    public boolean rst() {
        return (flags() & RST) != 0;
    }

    public boolean ack() {
        return (flags() & ACK) != 0;
    }

    /** The window field as sent (before any window scaling). */
    public int window() {
        return u16(buffer, start + WINDOW);
    }

    public int checksum() {
        return u16(buffer, start + CHECKSUM);
    }

    public int urgentPointer() {
        return u16(buffer, start + URGENT_POINTER);
    }

    /** Index of the first option byte in {@link #buffer()}. */
    public int optionsOffset() {
        return start + MIN_HEADER_LENGTH;
    }

    public int optionsLength() {
        return headerLength - MIN_HEADER_LENGTH;
    }

    public int payloadOffset() {
        return start + headerLength;
    }

    public int payloadLength() {
        return length - headerLength;
    }

    /** Header and data. */
    public int length() {
        return length;
    }

    /** Sequence space the segment occupies: its data, plus one for SYN and one for FIN (RFC 9293 section 3.4, SEG.LEN). */
    public int sequenceLength() {
        int f = flags();
        return payloadLength() + ((f & SYN) != 0 ? 1 : 0) + ((f & FIN) != 0 ? 1 : 0);
    }

    /** The Maximum Segment Size option's value, or -1 if absent. */
    public int mss() {
        return mss;
    }

    /** The window scale option's shift count as sent (0-255; RFC 7323 clamps above 14), or -1 if absent. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** True if a timestamps option is present. */
    public boolean hasTimestamps() {
        return timestamps;
    }

    /** TSval, when {@link #hasTimestamps()}. */
    public int tsVal() {
        return tsVal;
    }

    /** TSecr, when {@link #hasTimestamps()}. */
    public int tsEcr() {
        return tsEcr;
    }

    /** Number of SACK blocks (0-4; the option holds at most 4 in 40 bytes). */
    public int sackBlockCount() {
        return sackBlocks;
    }

    /** Left edge of SACK block {@code i}. */
    public int sackLeft(int i) {
        Objects.checkIndex(i, sackBlocks);
        return i32(buffer, sackOffset + 8 * i);
    }

    /** Right edge (one past the last byte) of SACK block {@code i}. */
    public int sackRight(int i) {
        Objects.checkIndex(i, sackBlocks);
        return i32(buffer, sackOffset + 8 * i + 4);
    }

    /**
     * True if the sum over the IPv4 pseudo-header (RFC 9293 section 3.1, "Checksum"), the header
     * and the data verifies. TCP's checksum is mandatory: there is no "no checksum" value.
     */
    public boolean checksumVerifies(int source, int destination) {
        return checksumVerifies(InternetChecksum.pseudoHeader(source, destination, Ipv4Packet.PROTOCOL_TCP, length));
    }

    /** As {@link #checksumVerifies(int, int)} over IPv6, with the pseudo-header of {@code packet} (RFC 8200 section 8.1). */
    public boolean checksumVerifies(Ipv6Packet packet) {
        return checksumVerifies(packet.pseudoHeaderSum(Ipv6Packet.NEXT_HEADER_TCP, length));
    }

    /** True if the sum of {@code pseudoHeaderSum}, the header and the data verifies. */
    public boolean checksumVerifies(long pseudoHeaderSum) {
        return InternetChecksum.verifies(InternetChecksum.add(pseudoHeaderSum, buffer, start, length));
    }
}
