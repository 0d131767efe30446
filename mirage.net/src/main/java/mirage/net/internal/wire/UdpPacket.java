package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.u16;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of a UDP datagram (RFC 768, "Format"). The package rules apply. The checksum needs the
 * IPv4 pseudo-header, so {@link #check} does not verify it: {@link #checksumVerifies} does.
 *
 * <pre>
 *  0              16             32
 *  |  Source Port  |  Dest. Port  |
 *  |    Length     |   Checksum   |
 *  |  data octets ...
 * </pre>
 */
public final class UdpPacket extends View {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    /** Offset of the length: "the length in octets of this user datagram including this header and the data" (RFC 768). */
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;
    /** Header length; also the least length ("the minimum value of the length is eight", RFC 768). */
    public static final int HEADER_LENGTH = 8;
    /** Checksum field value meaning "no checksum" over IPv4 (RFC 768: "An all zero transmitted checksum value means that the transmitter generated no checksum"). */
    public static final int NO_CHECKSUM = 0;

    /** An unchecked view: its accessors are only defined after {@link #check} returns true. */
    public UdpPacket() {}

    /**
     * Checks that {@code [offset, offset + length)} holds a UDP datagram whose length field is
     * at least 8 and at most {@code length} (bytes past it are ignored), and binds this view.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        if (length < HEADER_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        int declared = u16(buffer, offset + LENGTH);
        if (declared < HEADER_LENGTH) {
            return fail(WireError.BAD_LENGTH);
        }
        if (declared > length) {
            return fail(WireError.TRUNCATED);
        }
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

    /** The length field: header and data, 8 to 65535. */
    public int length() {
        return u16(buffer, start + LENGTH);
    }

    public int checksum() {
        return u16(buffer, start + CHECKSUM);
    }

    public int payloadOffset() {
        return start + HEADER_LENGTH;
    }

    public int payloadLength() {
        return length() - HEADER_LENGTH;
    }

    /**
     * True if the checksum field is {@link #NO_CHECKSUM}, or if the sum over the IPv4
     * pseudo-header (RFC 768, "Fields"), the header and the data verifies.
     *
     * @param source the IPv4 source address of the datagram carrying this one
     * @param destination its destination address
     */
    public boolean checksumVerifies(int source, int destination) {
        if (checksum() == NO_CHECKSUM) {
            return true;
        }
        int len = length();
        long sum = InternetChecksum.pseudoHeader(source, destination, Ipv4Packet.PROTOCOL_UDP, len);
        return InternetChecksum.verifies(InternetChecksum.add(sum, buffer, start, len));
    }

    /**
     * Over IPv6: true if the sum over the pseudo-header of {@code packet} (RFC 8200 section 8.1),
     * the header and the data verifies. A zero checksum does not: "IPv6 receivers must discard
     * UDP packets containing a zero checksum" (RFC 8200 section 8.1).
     *
     * @param packet the IPv6 packet carrying this datagram (after any extension headers)
     */
    public boolean checksumVerifies(Ipv6Packet packet) {
        if (checksum() == NO_CHECKSUM) {
            return false;
        }
        int len = length();
        long sum = packet.pseudoHeaderSum(Ipv6Packet.NEXT_HEADER_UDP, len);
        return InternetChecksum.verifies(InternetChecksum.add(sum, buffer, start, len));
    }
}
