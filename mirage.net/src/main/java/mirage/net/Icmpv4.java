package mirage.net;

import java.nio.ByteBuffer;

/**
 * ICMP for IPv4 (RFC 792; mirage-tcpip's {@code Icmpv4.S}): answers echo requests, sends echo
 * requests and hands echo replies to a receiver. Destination unreachable messages for closed
 * UDP ports and unknown protocols are sent by the stack, rate-limited (RFC 1812 §4.3.2.8).
 *
 * <p>Messages with a bad checksum or too short are dropped and counted in {@link Stats};
 * other types are counted and ignored. Ownership and threading as {@link Netif}.
 */
public interface Icmpv4 {

    /**
     * Sends an echo request to {@code destination} whose data is the remaining bytes of
     * {@code data} (position and limit not changed).
     *
     * @param identifier the echo identifier, 0-65535
     * @param sequence the echo sequence number, 0-65535
     * @throws NetException as {@link Ipv4#write(Ipv4Address, IpProtocol, ByteBuffer)}
     * @throws IllegalArgumentException if {@code identifier} or {@code sequence} is outside 0-65535
     */
    void ping(Ipv4Address destination, int identifier, int sequence, ByteBuffer data) throws NetException;

    /** Makes {@code receiver} the receiver of echo replies, replacing any previous one; before that, replies are counted and dropped. */
    void listen(EchoReplyReceiver receiver);

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /** Where echo replies go. */
    @FunctionalInterface
    interface EchoReplyReceiver {
        /**
         * Called on the event loop's thread with an echo reply: its source, identifier,
         * sequence number and data (a read-only view valid only during the call). Must not block.
         */
        void receive(Ipv4Address source, int identifier, int sequence, ByteBuffer data);
    }

    /**
     * Counters of the ICMPv4 layer; monotonic and non-negative.
     *
     * @param echoRequestsReceived echo requests received (and answered unless a reply could not
     *     be routed)
     * @param echoRepliesSent echo replies sent
     * @param echoRequestsSent echo requests sent by {@link #ping}
     * @param echoRepliesReceived echo replies received
     * @param unreachableSent destination unreachable messages sent
     * @param rateLimited error messages not sent because of the rate limit
     * @param otherReceived messages of other types, ignored
     * @param malformed messages too short or with a bad checksum, dropped
     */
    record Stats(
            long echoRequestsReceived, long echoRepliesSent, long echoRequestsSent, long echoRepliesReceived,
            long unreachableSent, long rateLimited, long otherReceived, long malformed) {}
}
