package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.put16;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.Ipv4Address;

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
        int len = bufferLen();
        Objects.checkFromIndexSize(offset, len, buffer.limit());
        put16(buffer, offset + UdpPacket.SOURCE_PORT, sourcePort);
        put16(buffer, offset + UdpPacket.DESTINATION_PORT, destinationPort);
        put16(buffer, offset + UdpPacket.LENGTH, len);
        put16(buffer, offset + UdpPacket.CHECKSUM, 0);
        long sum = InternetChecksum.pseudoHeader(source.bits(), destination.bits(), Ipv4Packet.PROTOCOL_UDP, len);
        int checksum = InternetChecksum.finish(InternetChecksum.add(sum, buffer, offset, len));
        put16(buffer, offset + UdpPacket.CHECKSUM, checksum == 0 ? 0xffff : checksum);
    }
}
