package mirage.net;

import java.util.List;
import java.util.Optional;

/**
 * The Address Resolution Protocol for IPv4 over Ethernet (RFC 826; mirage's {@code Arp.S}): a
 * cache of IPv4-to-MAC bindings, answers for this interface's own addresses, probes and
 * announcements (RFC 5227).
 *
 * <p>Lookups never block: {@link #query} answers from the cache or starts a resolution and
 * says "not yet". The IPv4 layer queues a bounded number of packets per unresolved address
 * and sends them when the reply comes; if none comes in time they are dropped and counted in
 * {@link Stats#queueDropped()}. Malformed or foreign ARP packets are dropped and counted, never
 * thrown. Threading as {@link Netif}: any thread, run on the loop.
 */
public interface Arp {

    /**
     * The MAC address of {@code address} if the cache holds a resolved entry; otherwise empty,
     * and a resolution is under way (a request was sent now, or earlier and is still awaited).
     * A broadcast or multicast IPv4 address resolves at once to its Ethernet address without
     * the cache.
     */
    Optional<MacAddress> query(Ipv4Address address);

    /** The addresses this interface answers for, in the order they were added. */
    List<Ipv4Address> addresses();

    /**
     * Replaces the addresses this interface answers for and announces each new one with a
     * gratuitous ARP (mirage's {@code set_ips}).
     *
     * @throws IllegalArgumentException if an address is unspecified, broadcast, multicast or
     *     loopback
     */
    void setAddresses(List<Ipv4Address> addresses);

    /** Adds one address (see {@link #setAddresses}); no effect if present. */
    void addAddress(Ipv4Address address);

    /** Stops answering for {@code address}; no effect if absent. */
    void removeAddress(Ipv4Address address);

    /** A snapshot of the cache, ordered by address. */
    List<Entry> entries();

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /**
     * One cache entry.
     *
     * @param address the IPv4 address
     * @param mac its MAC address once resolved; empty while {@link State#PENDING}
     * @param state where the entry is in its life
     * @param deadlineNanos when the entry expires (resolved) or its resolution gives up
     *     (pending), on the event loop's clock
     */
    record Entry(Ipv4Address address, Optional<MacAddress> mac, State state, long deadlineNanos) {}

    /** The life of a cache entry. */
    enum State {
        /** A request was sent and no reply has come yet; packets for the address wait. */
        PENDING,
        /** A reply or request from the address gave its MAC address; valid until the deadline. */
        RESOLVED
    }

    /**
     * Counters of the ARP layer; monotonic and non-negative.
     *
     * @param requestsSent requests sent (queries, retries, probes)
     * @param repliesSent replies sent to requests for our addresses
     * @param announcementsSent gratuitous ARPs sent
     * @param requestsReceived requests received (for any address)
     * @param repliesReceived replies received
     * @param conflicts packets from another station claiming one of our addresses
     * @param malformed packets too short or not Ethernet/IPv4 ARP, dropped
     * @param queueDropped packets awaiting resolution dropped: the queue was full or the
     *     resolution timed out
     */
    record Stats(
            long requestsSent, long repliesSent, long announcementsSent,
            long requestsReceived, long repliesReceived, long conflicts,
            long malformed, long queueDropped) {}
}
