package mirage.net;

import java.util.List;
import java.util.Optional;

/**
 * The IPv6 layer of a {@linkplain DirectStack direct stack} (RFC 8200; mirage-tcpip's
 * {@code Ipv6.S}): its addresses, default router and counters. TCP and UDP reach it through
 * {@link Stack#tcp()} and {@link Stack#udp()} with {@link Ipv6Address}es; Neighbor Discovery
 * (RFC 4861) and ICMPv6 echo are answered by the stack. A stack without IPv6
 * ({@link NetConfig.Ipv6Config} absent: {@code --ipv4-only}) has no addresses and sends nothing.
 *
 * <p>Malformed, misaddressed and unsupported packets are dropped and counted in {@link Stats},
 * never thrown. Threading as {@link Netif}.
 */
public interface Ipv6 {

    /** The interface's addresses: the link-local one first, then those configured. */
    List<Ipv6Cidr> addresses();

    /** The default router, if one is configured. */
    Optional<Ipv6Address> defaultRouter();

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /**
     * Counters of the IPv6 layer; monotonic and non-negative.
     *
     * @param packetsReceived packets handed up by Ethernet
     * @param packetsDelivered packets given to ICMPv6, UDP or TCP
     * @param packetsSent packets and fragments sent (queued for neighbour resolution included)
     * @param headerErrors packets with a malformed header or extension-header chain, or impossible addresses
     * @param notForUs packets to an address or group that is not ours
     * @param unknownNextHeader packets of an upper-layer protocol the stack does not handle
     * @param fragmentsDropped fragments dropped by the reassembly (overlapping, malformed, over its limits, of a discarded datagram)
     * @param sendFailures packets not sent for want of a route or for exceeding 65535 octets of payload
     * @param icmpReceived ICMPv6 messages received
     * @param icmpMalformed ICMPv6 messages dropped as malformed or invalid (RFC 4861's rules)
     * @param echoRepliesSent echo replies sent
     * @param solicitationsAnswered Neighbor Solicitations for our addresses answered
     * @param advertisementsReceived Neighbor Advertisements received
     * @param ndpNotHandled router discovery, redirect, MLD and other messages counted and not acted on
     * @param solicitationsSent Neighbor Solicitations sent to resolve or probe neighbours
     * @param resolutionsFailed neighbours that did not answer resolution
     * @param errorsSent ICMPv6 error messages sent (Parameter Problem, Destination Unreachable, Time Exceeded), rate-limited
     */
    record Stats(long packetsReceived, long packetsDelivered, long packetsSent, long headerErrors, long notForUs,
            long unknownNextHeader, long fragmentsDropped, long sendFailures, long icmpReceived, long icmpMalformed,
            long echoRepliesSent, long solicitationsAnswered, long advertisementsReceived, long ndpNotHandled,
            long solicitationsSent, long resolutionsFailed, long errorsSent) {}
}
