package mirage.net;

import java.nio.ByteBuffer;

/**
 * UDP (RFC 768; mirage-tcpip's {@code Udp.S}): one receiver per local port, and datagrams
 * sent from any port. Addresses are {@link IpAddress}es, as in mirage-tcpip's dual stack; a
 * stack without IPv6 refuses IPv6 destinations with {@link NetException.Reason#NO_ROUTE}.
 *
 * <p>Input: a datagram for a port with no receiver is answered with an ICMP port unreachable
 * (rate-limited) and counted; datagrams with a bad checksum or length are dropped and counted
 * in {@link Stats}, never thrown. A zero checksum over IPv4 means "none" (RFC 768) and is
 * accepted.
 *
 * <p>Ownership and threading as {@link Netif}: the payload to {@link #send} is borrowed for the
 * call; the payload handed to a {@link Receiver} is a read-only view valid during the call, on
 * the loop thread: a receiver that gives the data to an application thread copies it first.
 */
public interface Udp {

    /** The largest UDP payload over IPv4: 65,535 minus the IPv4 and UDP headers. */
    int MAX_IPV4_PAYLOAD = 65_507;

    /**
     * Makes {@code receiver} the receiver of datagrams to local {@code port} on every configured
     * address.
     *
     * @throws NetException {@code ADDRESS_IN_USE} if the port already has a receiver
     * @throws IllegalArgumentException if {@code port} is outside 1-65535
     */
    void listen(int port, Receiver receiver) throws NetException;

    /**
     * Removes the receiver of {@code port}; no effect if it has none. Datagrams to it are then
     * answered with port unreachable.
     *
     * @throws IllegalArgumentException if {@code port} is outside 1-65535
     */
    void unlisten(int port);

    /**
     * Sends the remaining bytes of {@code payload} (position and limit not changed) in one
     * datagram from local {@code sourcePort} to {@code destination}:{@code destinationPort},
     * from the source address {@link Ipv4#source} chooses, fragmented by IP if needed. Returns
     * once the datagram is sent or queued for address resolution; a datagram that is lost later
     * (resolution fails) is counted where it is lost, as UDP gives no delivery guarantee.
     *
     * @param sourcePort the local port, 1-65535, or 0 for an ephemeral port (49152-65535,
     *     RFC 6335) chosen at random per datagram
     * @throws NetException {@code NO_ROUTE}, {@code MESSAGE_TOO_LONG} (above
     *     {@link #MAX_IPV4_PAYLOAD} over IPv4), {@code DISCONNECTED}
     * @throws IllegalArgumentException if a port is outside its range ({@code destinationPort}: 1-65535)
     */
    void send(int sourcePort, IpAddress destination, int destinationPort, ByteBuffer payload) throws NetException;

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /** Where the datagrams to one port go. */
    @FunctionalInterface
    interface Receiver {
        /**
         * Called on the event loop's thread with a datagram: the sender's address and port, the
         * local address it was sent to, and the payload (a read-only view valid only during the
         * call). Must not block. An exception thrown here is reported by the loop and counted in
         * {@link Stats#receiverFailures()}; the port stays open.
         */
        void receive(IpAddress source, int sourcePort, IpAddress destination, ByteBuffer payload);
    }

    /**
     * Counters of the UDP layer; monotonic and non-negative.
     *
     * @param datagramsReceived datagrams handed to a receiver
     * @param datagramsSent datagrams sent
     * @param noPort datagrams to a port with no receiver, answered and dropped
     * @param checksumErrors datagrams with a bad checksum, dropped
     * @param malformed datagrams shorter than the header or whose length field disagrees with
     *     the IP payload, dropped
     * @param receiverFailures calls of a receiver that threw
     */
    record Stats(long datagramsReceived, long datagramsSent, long noPort, long checksumErrors, long malformed, long receiverFailures) {}
}
