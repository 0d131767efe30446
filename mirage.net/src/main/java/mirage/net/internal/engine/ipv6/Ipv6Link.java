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
}
