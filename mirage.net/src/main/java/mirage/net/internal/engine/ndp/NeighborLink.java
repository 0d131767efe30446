package mirage.net.internal.engine.ndp;

import mirage.net.Ipv6Address;
import mirage.net.MacAddress;

/**
 * What a {@link NeighborCache} asks of the layer below: the IPv6 layer writes the Neighbor
 * Solicitations (RFC 4861 section 7.2.2) and frames, and sends the ICMPv6 errors. Called on the
 * cache's thread, from inside the cache's methods; an implementation must not call back into the
 * cache.
 */
public interface NeighborLink {

    /**
     * Send a Neighbor Solicitation for {@code target}: to its solicited-node multicast address
     * when {@code destination} is null (address resolution), else unicast to {@code destination},
     * the cached link-layer address (unreachability detection, section 7.3.3).
     */
    void solicit(Ipv6Address target, MacAddress destination);

    /**
     * Send {@code packet[offset, offset + length)}, an IPv6 packet, to {@code mac}: one that
     * waited for resolution (the array is the cache's and is reused after this returns), or one
     * {@link NeighborCache#output} could send at once (the caller's array).
     */
    void transmit(byte[] packet, int offset, int length, MacAddress mac);

    /**
     * Resolution of {@code target} failed with {@code packet[0, length)} waiting: "the sender
     * MUST return ICMP destination unreachable indications with code 3 (Address Unreachable) for
     * each packet queued" (RFC 4861 section 7.2.2). The array is reused after this returns.
     */
    void unreachable(Ipv6Address target, byte[] packet, int length);
}
