package mirage.net.internal.engine.ipv4;

import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.Ipv4Packet;

/**
 * What the IPv4 engine sends through: a link that can carry an IPv4 datagram to a next-hop
 * address on the local network (the ARP/Ethernet side resolves it to a hardware address).
 */
public interface Ipv4Link {

    /** The largest IPv4 datagram, header included, the link carries in one frame (1500 on Ethernet). */
    int mtu();

    /**
     * Sends one IPv4 datagram, header and checksum already written, to {@code nextHop}.
     *
     * @param packet the datagram from position to limit; the engine keeps ownership, and the
     *     bytes are valid only during the call (copy them to keep them)
     */
    void transmit(long now, Ipv4Address nextHop, ByteBuffer packet);

    /**
     * The largest TCP/IPv4 datagram {@link #transmitSegmented} takes, header included, or 0 (the
     * default) if the link has no TCP segmentation offload.
     */
    default int maxSegmentedDatagram() {
        return 0;
    }

    /**
     * A buffer of at least {@link Ipv4Packet#MAX_TOTAL_LENGTH} bytes the link lends the engine
     * to write its datagrams into, or null (the default): one written at index 0 and passed to
     * {@link #transmitSegmented} at position 0 goes out from where it lies (the Ethernet link's
     * segmentation frame, behind its header), saving a copy of each super-segment. The link
     * owns it; its content is valid until the next {@code transmitSegmented}, and nothing else
     * of the link writes into it. Asked for once, when the engine is built.
     */
    default ByteBuffer transmitBuffer() {
        return null;
    }

    /**
     * Sends one TCP/IPv4 datagram, possibly larger than {@link #mtu()}, for the link to cut into
     * segments of {@code segmentSize} payload bytes ({@link mirage.net.Netif.TcpSegmentation}
     * describes the datagram, its partial TCP checksum included). Ownership as {@link #transmit}.
     *
     * @throws UnsupportedOperationException if {@link #maxSegmentedDatagram()} is 0
     */
    default void transmitSegmented(long now, Ipv4Address nextHop, ByteBuffer packet, int segmentSize) {
        throw new UnsupportedOperationException("this link has no segmentation offload");
    }
}
