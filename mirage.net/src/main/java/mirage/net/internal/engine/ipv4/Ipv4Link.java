package mirage.net.internal.engine.ipv4;

import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;

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
}
