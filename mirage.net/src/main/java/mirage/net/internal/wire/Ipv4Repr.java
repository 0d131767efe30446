package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;
import static mirage.net.internal.wire.Bytes.put32;
import static mirage.net.internal.wire.Bytes.put8;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Set;
import mirage.net.Ipv4Address;

/**
 * A validated IPv4 header (RFC 791 section 3.1). {@code payloadLength} is the total length
 * minus the header length; the payload itself is not part of it.
 *
 * @param options the options as on the wire, padding included: a multiple of 4 bytes, at most
 *     40, a well-formed list (see {@link Ipv4Packet#optionsWellFormed})
 * @param fragmentOffset in 8-octet units, 0 to 8191
 */
public record Ipv4Repr(Ipv4Address source, Ipv4Address destination, int protocol, int ttl, int dscp, int ecn,
        int identification, Set<Flag> flags, int fragmentOffset, Octets options, int payloadLength) {

    /** The flags of RFC 791 section 3.1 other than the reserved bit (which parse refuses). */
    public enum Flag {
        /** DF: "1 = Don't Fragment". */
        DONT_FRAGMENT,
        /** MF: "1 = More Fragments". */
        MORE_FRAGMENTS
    }

    private static final Set<Flag> NONE = Set.of();
    private static final Set<Flag> DF = Set.of(Flag.DONT_FRAGMENT);
    private static final Set<Flag> MF = Set.of(Flag.MORE_FRAGMENTS);
    private static final Set<Flag> DF_MF = Set.of(Flag.DONT_FRAGMENT, Flag.MORE_FRAGMENTS);

    public Ipv4Repr {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        flags = Set.copyOf(flags);
        Objects.requireNonNull(options, "options");
        range("protocol", protocol, 0xff);
        range("ttl", ttl, 0xff);
        range("dscp", dscp, 0x3f);
        range("ecn", ecn, 3);
        range("identification", identification, 0xffff);
        range("fragmentOffset", fragmentOffset, Ipv4Packet.FRAGMENT_OFFSET_MASK);
        int n = options.length();
        if (n % 4 != 0 || n > Ipv4Packet.MAX_HEADER_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH
                || !Ipv4Packet.optionsWellFormed(ByteBuffer.wrap(options.toArray()), 0, n)) {
            throw new IllegalArgumentException("options must be a well-formed list padded to 4 bytes, at most 40: " + options);
        }
        range("payloadLength", payloadLength, Ipv4Packet.MAX_TOTAL_LENGTH - Ipv4Packet.MIN_HEADER_LENGTH - n);
    }

    private static void range(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be 0.." + max + ": " + value);
        }
    }

    /** An unfragmented datagram's header without options, DSCP 0, ECN 0, DF set (as Linux sends). */
    public static Ipv4Repr of(Ipv4Address source, Ipv4Address destination, int protocol, int ttl, int identification,
            int payloadLength) {
        return new Ipv4Repr(source, destination, protocol, ttl, 0, 0, identification, DF, 0, Octets.EMPTY, payloadLength);
    }

    /**
     * The header of a checked datagram: refuses a header checksum that does not verify, the
     * reserved flag, and ill-formed options.
     */
    public static Parsed<Ipv4Repr> parse(Ipv4Packet packet) {
        if (!packet.checksumVerifies()) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        return parseUnverified(packet);
    }

    /** As {@link #parse} without the checksum: for a header quoted in an ICMP error. */
    static Parsed<Ipv4Repr> parseUnverified(Ipv4Packet packet) {
        int flags = packet.flags();
        if ((flags & Ipv4Packet.FLAG_RESERVED) != 0) {
            return Parsed.err(WireError.RESERVED_BIT);
        }
        if (!Ipv4Packet.optionsWellFormed(packet.buffer(), packet.optionsOffset(), packet.optionsLength())) {
            return Parsed.err(WireError.BAD_OPTIONS);
        }
        Set<Flag> set = switch (flags) {
            case Ipv4Packet.FLAG_DONT_FRAGMENT -> DF;
            case Ipv4Packet.FLAG_MORE_FRAGMENTS -> MF;
            case Ipv4Packet.FLAG_DONT_FRAGMENT | Ipv4Packet.FLAG_MORE_FRAGMENTS -> DF_MF;
            default -> NONE;
        };
        return Parsed.ok(new Ipv4Repr(new Ipv4Address(packet.source()), new Ipv4Address(packet.destination()),
                packet.protocol(), packet.ttl(), packet.dscp(), packet.ecn(), packet.identification(), set,
                packet.fragmentOffset(), Octets.copyOf(packet.buffer(), packet.optionsOffset(), packet.optionsLength()),
                packet.totalLength() - packet.headerLength()));
    }

    /** Header length: 20 plus the options. */
    public int bufferLen() {
        return Ipv4Packet.MIN_HEADER_LENGTH + options.length();
    }

    /** Total length field: header and payload. */
    public int totalLength() {
        return bufferLen() + payloadLength;
    }

    /**
     * Writes the header, checksum computed, into {@code [offset, offset + bufferLen())};
     * position and limit are left alone.
     */
    public void emit(ByteBuffer buffer, int offset) {
        int hl = bufferLen();
        Objects.checkFromIndexSize(offset, hl, buffer.limit());
        put8(buffer, offset + Ipv4Packet.VERSION_IHL, Ipv4Packet.VERSION << 4 | hl / 4);
        put8(buffer, offset + Ipv4Packet.DSCP_ECN, dscp << 2 | ecn);
        put16(buffer, offset + Ipv4Packet.TOTAL_LENGTH, hl + payloadLength);
        put16(buffer, offset + Ipv4Packet.IDENTIFICATION, identification);
        int f = (flags.contains(Flag.DONT_FRAGMENT) ? Ipv4Packet.FLAG_DONT_FRAGMENT : 0)
                | (flags.contains(Flag.MORE_FRAGMENTS) ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0);
        put16(buffer, offset + Ipv4Packet.FLAGS_FRAGMENT, f | fragmentOffset);
        put8(buffer, offset + Ipv4Packet.TTL, ttl);
        put8(buffer, offset + Ipv4Packet.PROTOCOL, protocol);
        put16(buffer, offset + Ipv4Packet.CHECKSUM, 0);
        put32(buffer, offset + Ipv4Packet.SOURCE, source.bits());
        put32(buffer, offset + Ipv4Packet.DESTINATION, destination.bits());
        options.copyTo(buffer, offset + Ipv4Packet.MIN_HEADER_LENGTH);
        put16(buffer, offset + Ipv4Packet.CHECKSUM, InternetChecksum.of(buffer, offset, hl));
    }
}
