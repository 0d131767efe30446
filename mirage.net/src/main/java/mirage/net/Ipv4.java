package mirage.net;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The IPv4 layer (RFC 791; mirage-tcpip's {@code Ip.S} for IPv4): the configured addresses,
 * routing (on-link or through the gateway), fragmentation on send, reassembly on receive, and
 * one receiver per {@link IpProtocol}.
 *
 * <p>Input: packets for one of our addresses, a directed broadcast of a configured network, the
 * limited broadcast or a multicast group are reassembled if fragmented and handed to the
 * receiver of their protocol; a protocol with no receiver is answered with an ICMP protocol
 * unreachable. Packets with a bad header (version, length, checksum), for another host, or
 * fragments that overlap or exceed the reassembly limits are dropped and counted in
 * {@link Stats}, never thrown.
 *
 * <p>Ownership and threading as {@link Netif}: payloads to {@link #write} are borrowed for the
 * call; payloads handed to a {@link Receiver} are read-only views of the (reassembled) payload,
 * valid during the call, on the loop thread.
 */
public interface Ipv4 {

    /** Length of an IPv4 header without options. */
    int HEADER_LENGTH = 20;

    /**
     * The configured addresses with their networks (mirage's {@code configured_ips}); empty
     * while DHCP has no lease.
     */
    List<Ipv4Cidr> addresses();

    /** The default gateway, if one is configured. */
    Optional<Ipv4Address> gateway();

    /**
     * The largest IPv4 packet, header included, sent without fragmentation: the interface's
     * MTU. Payloads up to {@code mtu() - HEADER_LENGTH} bytes go in one packet.
     */
    int mtu();

    /**
     * The source address a packet to {@code destination} is sent from: the configured address
     * whose network contains it, else the address of the network holding the gateway.
     *
     * @throws NetException {@code NO_ROUTE} if there is none
     */
    Ipv4Address source(Ipv4Address destination) throws NetException;

    /**
     * Sends the remaining bytes of {@code payload} to {@code destination} with default
     * {@link Options}; position and limit are not changed. Returns once the packet is sent or,
     * while the next hop's MAC is being resolved, queued (see {@link Arp}).
     *
     * @throws NetException {@code NO_ROUTE}, {@code MESSAGE_TOO_LONG} (more than 65,515 bytes),
     *     {@code DISCONNECTED}
     */
    default void write(Ipv4Address destination, IpProtocol protocol, ByteBuffer payload) throws NetException {
        write(destination, protocol, payload, Options.DEFAULT);
    }

    /**
     * As {@link #write(Ipv4Address, IpProtocol, ByteBuffer)}, with options.
     *
     * @throws NetException also {@code MESSAGE_TOO_LONG} if the packet would need fragments and
     *     {@code options} forbid them (mirage's {@code Would_fragment})
     */
    void write(Ipv4Address destination, IpProtocol protocol, ByteBuffer payload, Options options) throws NetException;

    /**
     * Makes {@code receiver} the receiver of packets of {@code protocol}, replacing any
     * previous one; for ICMP, UDP or TCP it takes the packets from the stack's own layer.
     */
    void listen(IpProtocol protocol, Receiver receiver);

    /**
     * Calls {@code listener} on the event loop's thread whenever the addresses or the gateway
     * change (a DHCP lease is bound, renewed with other values, or lost), with the new ones;
     * at once, too, with the current ones. One listener; a later call replaces it.
     */
    void onAddressChange(AddressListener listener);

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /**
     * The ones'-complement sum (RFC 1071), folded to 16 bits and not complemented, of the
     * pseudo-header TCP and UDP checksums cover (RFC 768, RFC 9293 §3.1): source, destination,
     * zero, protocol, and the transport length. Add the transport header and payload to it,
     * fold, and complement to get the checksum.
     *
     * @throws IllegalArgumentException if {@code length} is outside 0-65535
     */
    static int pseudoHeaderSum(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int length) {
        if (length < 0 || length > 0xffff) {
            throw new IllegalArgumentException("a transport length is 0-65535, got " + length);
        }
        long sum = (source.bits() >>> 16) + (source.bits() & 0xffff)
                + (destination.bits() >>> 16) + (destination.bits() & 0xffff)
                + protocol.value() + length;
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** Where the IPv4 layer delivers the payloads of one protocol. */
    /** Hears of address changes ({@link #onAddressChange}). Must not block. */
    @FunctionalInterface
    interface AddressListener {
        void changed(List<Ipv4Cidr> addresses, Optional<Ipv4Address> gateway);
    }

    @FunctionalInterface
    interface Receiver {
        /**
         * Called on the event loop's thread with a packet's addresses and payload, a read-only
         * view valid only during the call. Must not block.
         */
        void receive(Ipv4Address source, Ipv4Address destination, ByteBuffer payload);
    }

    /**
     * How a packet is sent.
     *
     * @param source the source address, or {@link Ipv4Address#UNSPECIFIED} to use
     *     {@link #source(Ipv4Address)}; otherwise it must be a configured address
     * @param ttl the time to live, 1-255
     * @param fragmentation whether the packet may be fragmented
     */
    record Options(Ipv4Address source, int ttl, Fragmentation fragmentation) {
        /** Source chosen by route, TTL 64 (RFC 1700's recommendation, Linux's default), fragments allowed. */
        public static final Options DEFAULT = new Options(Ipv4Address.UNSPECIFIED, 64, Fragmentation.ALLOW);

        /** @throws IllegalArgumentException if {@code ttl} is outside 1-255 */
        public Options {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(fragmentation, "fragmentation");
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException("an IPv4 TTL is 1-255, got " + ttl);
            }
        }
    }

    /** Whether a packet larger than the MTU may be sent in fragments. */
    enum Fragmentation {
        /** Fragment if needed; the DF flag is clear. */
        ALLOW,
        /** Set DF and refuse packets larger than the MTU with {@code MESSAGE_TOO_LONG}. */
        DONT_FRAGMENT
    }

    /**
     * Counters of the IPv4 layer; monotonic and non-negative.
     *
     * @param packetsReceived packets received from Ethernet, before any check
     * @param packetsDelivered packets (reassembled) handed to a receiver
     * @param packetsSent packets sent, fragments counted once per fragment
     * @param headerErrors packets dropped for a bad version, header length, total length,
     *     checksum or option list, a reserved flag, TTL 0, or a source no sender can have
     *     (broadcast, multicast, loopback, or one of this host's own addresses)
     * @param notForUs packets for another host, dropped
     * @param unknownProtocol packets of a protocol with no receiver, answered and dropped
     * @param fragmentsReceived fragments received
     * @param reassemblyFailures fragments dropped: overlapping, over the memory or count limits,
     *     or timed out
     * @param noRoute packets the stack itself could not route (e.g. replies), dropped
     */
    record Stats(
            long packetsReceived, long packetsDelivered, long packetsSent,
            long headerErrors, long notForUs, long unknownProtocol,
            long fragmentsReceived, long reassemblyFailures, long noRoute) {}
}
