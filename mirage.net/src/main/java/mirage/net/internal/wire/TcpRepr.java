package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put8;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;

/**
 * A validated TCP header (RFC 9293 section 3.1) with its options. The data is not part of it:
 * {@link #emit} writes the header in front of data the caller has already written, and
 * checksums both. The reserved bits are not represented: sent as zero, ignored on receipt
 * (RFC 9293 section 3.1, "Reserved: ... Must be zero in generated segments and must be ignored
 * in received segments").
 *
 * <p>This record is for tests, tools and slow paths; the engine reads the {@link TcpSegment}
 * view and writes headers itself, allocating nothing per segment.
 *
 * @param sequence and {@code acknowledgment}: 32-bit sequence numbers, compared modulo 2^32
 * @param flags the eight control bits ({@link TcpSegment#FIN} to {@link TcpSegment#CWR})
 * @param options in order, without No-Operation and End; at most 40 bytes together
 */
public record TcpRepr(int sourcePort, int destinationPort, int sequence, int acknowledgment, int flags, int window,
        int urgentPointer, List<TcpOption> options, int payloadLength) {

    public TcpRepr {
        checkU16("source port", sourcePort);
        checkU16("destination port", destinationPort);
        checkU16("window", window);
        checkU16("urgent pointer", urgentPointer);
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags are 8 bits: " + flags);
        }
        options = List.copyOf(options);
        int len = 0;
        for (TcpOption o : options) {
            len += o.length();
        }
        if (len > TcpSegment.MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("options take at most 40 bytes: " + len);
        }
        if (payloadLength < 0 || payloadLength > 0xffff - TcpSegment.MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("payload length out of range: " + payloadLength);
        }
    }

    private static void checkU16(String what, int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException(what + " must be 0..65535: " + v);
        }
    }

    /** A header without options. */
    public static TcpRepr of(int sourcePort, int destinationPort, int sequence, int acknowledgment, int flags,
            int window, int payloadLength) {
        return new TcpRepr(sourcePort, destinationPort, sequence, acknowledgment, flags, window, 0, List.of(),
                payloadLength);
    }

    /**
     * The header of a checked segment carried from {@code source} to {@code destination}:
     * refuses a checksum that does not verify.
     */
    public static Parsed<TcpRepr> parse(TcpSegment segment, Ipv4Address source, Ipv4Address destination) {
        if (!segment.checksumVerifies(source.bits(), destination.bits())) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        return parseVerified(segment);
    }

    /** As {@link #parse(TcpSegment, Ipv4Address, Ipv4Address)} over IPv6 (pseudo-header of RFC 8200 section 8.1). */
    public static Parsed<TcpRepr> parse(TcpSegment segment, Ipv6Address source, Ipv6Address destination) {
        if (!segment.checksumVerifies(InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_TCP,
                segment.length()))) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        return parseVerified(segment);
    }

    private static Parsed<TcpRepr> parseVerified(TcpSegment segment) {
        ByteBuffer b = segment.buffer();
        List<TcpOption> options = new ArrayList<>();
        int i = segment.optionsOffset();
        int end = segment.payloadOffset();
        while (i < end) {
            int kind = u8(b, i);
            if (kind == TcpSegment.OPTION_END) {
                break;
            }
            if (kind == TcpSegment.OPTION_NOP) {
                i++;
                continue;
            }
            int len = u8(b, i + 1); // the view's check proved 2 <= len and i + len <= end
            options.add(option(b, i, kind, len));
            i += len;
        }
        return Parsed.ok(new TcpRepr(segment.sourcePort(), segment.destinationPort(), segment.sequence(),
                segment.acknowledgment(), segment.flags(), segment.window(), segment.urgentPointer(), options,
                segment.payloadLength()));
    }

    private static TcpOption option(ByteBuffer b, int i, int kind, int len) {
        switch (kind) {
            case TcpSegment.OPTION_MSS -> {
                if (len == TcpSegment.OPTION_MSS_LENGTH) {
                    return new TcpOption.Mss(u16(b, i + 2));
                }
            }
            case TcpSegment.OPTION_WINDOW_SCALE -> {
                if (len == TcpSegment.OPTION_WINDOW_SCALE_LENGTH) {
                    return new TcpOption.WindowScale(u8(b, i + 2));
                }
            }
            case TcpSegment.OPTION_SACK_PERMITTED -> {
                if (len == TcpSegment.OPTION_SACK_PERMITTED_LENGTH) {
                    return new TcpOption.SackPermitted();
                }
            }
            case TcpSegment.OPTION_SACK -> {
                if (len > 2 && (len - 2) % 8 == 0) {
                    List<TcpOption.SackBlock> blocks = new ArrayList<>();
                    for (int j = i + 2; j < i + len; j += 8) {
                        blocks.add(new TcpOption.SackBlock(i32(b, j), i32(b, j + 4)));
                    }
                    return new TcpOption.Sack(blocks);
                }
            }
            case TcpSegment.OPTION_TIMESTAMPS -> {
                if (len == TcpSegment.OPTION_TIMESTAMPS_LENGTH) {
                    return new TcpOption.Timestamps(i32(b, i + 2), i32(b, i + 6));
                }
            }
            default -> { }
        }
        return new TcpOption.Unknown(kind, Octets.copyOf(b, i + 2, len - 2));
    }

    /** Header length: 20 plus the options rounded up to a multiple of 4. */
    public int headerLength() {
        int len = 0;
        for (TcpOption o : options) {
            len += o.length();
        }
        return TcpSegment.MIN_HEADER_LENGTH + (len + 3 & ~3);
    }

    /** Header and data. */
    public int bufferLen() {
        return headerLength() + payloadLength;
    }

    /**
     * Writes the header into {@code [offset, offset + headerLength())}, options in order and
     * padded with End of Option List (zero bytes), and the checksum over the IPv4 pseudo-header,
     * this header and the {@code payloadLength} bytes after it, which the caller has written;
     * together {@code bufferLen()} bytes. Position and limit are left alone.
     */
    public void emit(ByteBuffer buffer, int offset, Ipv4Address source, Ipv4Address destination) {
        emit(buffer, offset, InternetChecksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_TCP,
                bufferLen()));
    }

    /** As {@link #emit(ByteBuffer, int, Ipv4Address, Ipv4Address)} over IPv6 (pseudo-header of RFC 8200 section 8.1). */
    public void emit(ByteBuffer buffer, int offset, Ipv6Address source, Ipv6Address destination) {
        emit(buffer, offset, InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_TCP, bufferLen()));
    }

    private void emit(ByteBuffer buffer, int offset, long sum) {
        int hl = headerLength();
        int len = hl + payloadLength;
        Objects.checkFromIndexSize(offset, len, buffer.limit());
        put16(buffer, offset + TcpSegment.SOURCE_PORT, sourcePort);
        put16(buffer, offset + TcpSegment.DESTINATION_PORT, destinationPort);
        put32(buffer, offset + TcpSegment.SEQUENCE, sequence);
        put32(buffer, offset + TcpSegment.ACKNOWLEDGMENT, acknowledgment);
        put8(buffer, offset + TcpSegment.DATA_OFFSET, hl / 4 << 4);
        put8(buffer, offset + TcpSegment.FLAGS, flags);
        put16(buffer, offset + TcpSegment.WINDOW, window);
        put16(buffer, offset + TcpSegment.CHECKSUM, 0);
        put16(buffer, offset + TcpSegment.URGENT_POINTER, urgentPointer);
        int i = offset + TcpSegment.MIN_HEADER_LENGTH;
        for (TcpOption o : options) {
            switch (o) {
                case TcpOption.Mss m -> {
                    put8(buffer, i, TcpSegment.OPTION_MSS);
                    put8(buffer, i + 1, m.length());
                    put16(buffer, i + 2, m.value());
                }
                case TcpOption.WindowScale w -> {
                    put8(buffer, i, TcpSegment.OPTION_WINDOW_SCALE);
                    put8(buffer, i + 1, w.length());
                    put8(buffer, i + 2, w.shift());
                }
                case TcpOption.SackPermitted s -> {
                    put8(buffer, i, TcpSegment.OPTION_SACK_PERMITTED);
                    put8(buffer, i + 1, s.length());
                }
                case TcpOption.Sack s -> {
                    put8(buffer, i, TcpSegment.OPTION_SACK);
                    put8(buffer, i + 1, s.length());
                    int j = i + 2;
                    for (TcpOption.SackBlock block : s.blocks()) {
                        put32(buffer, j, block.left());
                        put32(buffer, j + 4, block.right());
                        j += 8;
                    }
                }
                case TcpOption.Timestamps t -> {
                    put8(buffer, i, TcpSegment.OPTION_TIMESTAMPS);
                    put8(buffer, i + 1, t.length());
                    put32(buffer, i + 2, t.tsVal());
                    put32(buffer, i + 6, t.tsEcr());
                }
                case TcpOption.Unknown u -> {
                    put8(buffer, i, u.kind());
                    put8(buffer, i + 1, u.length());
                    u.value().copyTo(buffer, i + 2);
                }
            }
            i += o.length();
        }
        for (; i < offset + hl; i++) {
            put8(buffer, i, TcpSegment.OPTION_END);
        }
        put16(buffer, offset + TcpSegment.CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, buffer, offset, len)));
    }
}
