package mirage.net;

import java.util.List;
import java.util.Optional;

/**
 * The IPv6 layer of a {@linkplain DirectStack direct stack} (RFC 8200; mirage-tcpip's
 * {@code Ipv6.S}): its addresses, default router, link MTU and counters. TCP and UDP reach it
 * through {@link Stack#tcp()} and {@link Stack#udp()} with {@link Ipv6Address}es; Neighbor
 * Discovery (RFC 4861: routers, prefixes, redirects, neighbour unreachability detection),
 * stateless address autoconfiguration with Duplicate Address Detection (RFC 4862, RFC 7217
 * identifiers), MLDv2 for the groups the stack joins (RFC 3810) and ICMPv6 echo are the stack's.
 * Addresses appear in {@link #addresses()} only once Duplicate Address Detection has passed
 * (a second or so after start; {@link #addressStates()} shows them before). A stack without IPv6
 * ({@link NetConfig.Ipv6Config} absent: {@code --ipv4-only}) has no addresses and sends nothing.
 *
 * <p>Malformed, misaddressed and unsupported packets are dropped and counted in {@link Stats},
 * never thrown. Threading as {@link Netif}.
 */
public interface Ipv6 {

    /**
     * The interface's assigned addresses (preferred or deprecated: usable), the link-local one
     * first, then the static and autoconfigured ones in the order they were formed.
     */
    List<Ipv6Cidr> addresses();

    /** Every address the interface holds, with its state: tentative and duplicate ones too. */
    List<AddressState> addressStates();

    /** The default router selected now (configured or advertised), if any. */
    Optional<Ipv6Address> defaultRouter();

    /** The link MTU: the interface's, or a Router Advertisement's smaller MTU option (RFC 4861 section 6.3.4); 0 without IPv6. */
    int linkMtu();

    /**
     * Calls {@code listener} on the event loop's thread whenever the assigned addresses
     * ({@link #addresses()}) or the default router change (Duplicate Address Detection passed,
     * a lifetime ended, a router came or went), with the new ones; at once, too, with the current
     * ones. One listener; a later call replaces it. A stack without IPv6 never calls it.
     */
    void onAddressChange(AddressListener listener);

    /** Hears of address changes ({@link #onAddressChange}). Must not block. */
    @FunctionalInterface
    interface AddressListener {
        void changed(List<Ipv6Cidr> addresses, Optional<Ipv6Address> router);
    }

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /**
     * An address and where it stands (RFC 4862 section 2).
     *
     * @param cidr the address and its prefix length
     * @param state its state
     * @param manual configured by the operator ({@code --ipv6=}); else autoconfigured (the
     *     link-local address, or a prefix of a Router Advertisement)
     */
    record AddressState(Ipv6Cidr cidr, State state, boolean manual) {
        public AddressState {
            java.util.Objects.requireNonNull(cidr, "cidr");
            java.util.Objects.requireNonNull(state, "state");
        }

        /** The states of RFC 4862 section 2; an address past its valid lifetime is gone. */
        public enum State {
            /** Duplicate Address Detection under way: not used, not answered for. */
            TENTATIVE,
            /** Usable for anything. */
            PREFERRED,
            /** Its preferred lifetime ended: still ours, not chosen for new communication. */
            DEPRECATED,
            /** Another node on the link has it: never used (logged once and counted in {@link Stats#duplicateAddresses()}). */
            DUPLICATE
        }
    }

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
     * @param ndpNotHandled Router Solicitations (a host discards them), echo replies, MLD reports and other informational messages not acted on
     * @param solicitationsSent Neighbor Solicitations sent to resolve or probe neighbours
     * @param resolutionsFailed neighbours that did not answer resolution
     * @param errorsSent ICMPv6 error messages sent (Parameter Problem, Destination Unreachable, Time Exceeded), rate-limited
     * @param routerAdvertisementsReceived valid Router Advertisements received (acted on unless
     *     {@code --accept-router-advertisements=false})
     * @param duplicateAddresses our addresses Duplicate Address Detection found in use by another node
     */
    record Stats(long packetsReceived, long packetsDelivered, long packetsSent, long headerErrors, long notForUs,
            long unknownNextHeader, long fragmentsDropped, long sendFailures, long icmpReceived, long icmpMalformed,
            long echoRepliesSent, long solicitationsAnswered, long advertisementsReceived, long ndpNotHandled,
            long solicitationsSent, long resolutionsFailed, long errorsSent, long routerAdvertisementsReceived,
            long duplicateAddresses) {}
}
