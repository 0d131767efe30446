package mirage.net.internal.engine.ipv6;

import mirage.net.MacAddress;

/**
 * What the IPv6 engine sends through: a link that carries an IPv6 packet in one frame to a
 * link-layer address (the engine resolves next hops itself, with Neighbor Discovery).
 */
public interface Ipv6Link {

    /** The largest IPv6 packet, header included, the link carries in one frame (1500 on Ethernet). */
    int mtu();

    /** The interface's link-layer address (the Source/Target Link-Layer Address of our NDP messages). */
    MacAddress mac();

    /**
     * Sends {@code packet[offset, offset + length)}, a whole IPv6 packet, in one frame to
     * {@code destination}. The array is the engine's (or its neighbour cache's) and is reused after
     * this returns: copy to keep.
     */
    void transmit(MacAddress destination, byte[] packet, int offset, int length);

    /**
     * The largest TCP/IPv6 packet, header included, {@link #transmitSegmented} takes, or 0 (the
     * default) if the link has no TCP segmentation offload for IPv6.
     */
    default int maxSegmentedPacket() {
        return 0;
    }

    /**
     * Sends the TCP/IPv6 packet between position and limit of {@code packet} (borrowed, not
     * moved; laid out as {@link mirage.net.Netif.TcpSegmentation} says: no extension header, the
     * TCP checksum field seeded with the pseudo-header sum) in one frame to {@code destination},
     * for the device to cut into segments of {@code segmentSize} payload bytes.
     *
     * @throws UnsupportedOperationException if {@link #maxSegmentedPacket()} is 0
     */
    default void transmitSegmented(MacAddress destination, java.nio.ByteBuffer packet, int segmentSize) {
        throw new UnsupportedOperationException("this link has no segmentation offload for IPv6");
    }
}
