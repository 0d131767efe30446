package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;

/**
 * A validated UDP header (RFC 768). The data is not part of it: {@link #emit} writes the header
 * in front of data the caller has already written, and checksums both.
 */
public record UdpRepr(int sourcePort, int destinationPort, int payloadLength) {

    /** Largest data length: the 16-bit length field minus the header. */
    public static final int MAX_PAYLOAD_LENGTH = 0xffff - UdpPacket.HEADER_LENGTH;

    public UdpRepr {
        if (sourcePort < 0 || sourcePort > 0xffff) {
            throw new IllegalArgumentException("source port must be 0..65535: " + sourcePort);
        }
        if (destinationPort < 0 || destinationPort > 0xffff) {
            throw new IllegalArgumentException("destination port must be 0..65535: " + destinationPort);
        }
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("payload length must be 0.." + MAX_PAYLOAD_LENGTH + ": " + payloadLength);
        }
    }

    /**
     * The header of a checked datagram carried from {@code source} to {@code destination}:
     * refuses a checksum that is present and does not verify.
     */
    public static Parsed<UdpRepr> parse(UdpPacket packet, Ipv4Address source, Ipv4Address destination) {
        if (!packet.checksumVerifies(source.bits(), destination.bits())) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        return Parsed.ok(new UdpRepr(packet.sourcePort(), packet.destinationPort(), packet.payloadLength()));
    }

    /**
     * The header of a checked datagram carried over IPv6 from {@code source} to
     * {@code destination}: refuses a checksum that does not verify, zero included (RFC 8200
     * section 8.1).
     */
    public static Parsed<UdpRepr> parse(UdpPacket packet, Ipv6Address source, Ipv6Address destination) {
        int len = packet.length();
        long sum = InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_UDP, len);
        if (packet.checksum() == UdpPacket.NO_CHECKSUM
                || !InternetChecksum.verifies(InternetChecksum.add(sum, packet.buffer(), packet.offset(), len))) {
            return Parsed.err(WireError.BAD_CHECKSUM);
        }
        return Parsed.ok(new UdpRepr(packet.sourcePort(), packet.destinationPort(), packet.payloadLength()));
    }

    /** Header and data: 8 plus the payload length. */
    public int bufferLen() {
        return UdpPacket.HEADER_LENGTH + payloadLength;
    }

    /**
     * Writes the header into {@code [offset, offset + 8)} with the checksum over the IPv4
     * pseudo-header, this header and the {@code payloadLength} bytes at {@code offset + 8},
     * which the caller has written; together {@code bufferLen()} bytes. A computed checksum of
     * zero is sent as 0xffff (RFC 768: "If the computed checksum is zero, it is transmitted as
     * all ones"). Position and limit are left alone.
     */
    public void emit(ByteBuffer buffer, int offset, Ipv4Address source, Ipv4Address destination) {
        emit(buffer, offset, InternetChecksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_UDP,
                bufferLen()));
    }

    /**
     * As {@link #emit(ByteBuffer, int, Ipv4Address, Ipv4Address)} over IPv6: the checksum covers
     * the IPv6 pseudo-header (RFC 8200 section 8.1), and a computed zero is sent as 0xffff.
     */
    public void emit(ByteBuffer buffer, int offset, Ipv6Address source, Ipv6Address destination) {
        emit(buffer, offset, InternetChecksum.pseudoHeader(source, destination, Ipv6Packet.NEXT_HEADER_UDP, bufferLen()));
    }

    private void emit(ByteBuffer buffer, int offset, long sum) {
        int len = bufferLen();
        Objects.checkFromIndexSize(offset, len, buffer.limit());
        put16(buffer, offset + UdpPacket.SOURCE_PORT, sourcePort);
        put16(buffer, offset + UdpPacket.DESTINATION_PORT, destinationPort);
        put16(buffer, offset + UdpPacket.LENGTH, len);
        put16(buffer, offset + UdpPacket.CHECKSUM, 0);
        int checksum = InternetChecksum.finish(InternetChecksum.add(sum, buffer, offset, len));
        put16(buffer, offset + UdpPacket.CHECKSUM, checksum == 0 ? 0xffff : checksum);
    }
}
