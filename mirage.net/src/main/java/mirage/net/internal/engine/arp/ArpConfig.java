package mirage.net.internal.engine.arp;

/**
 * Settings of an {@link ArpEngine}, validated when built.
 *
 * @param reachableNanos how long a resolved entry stays valid after the last packet that
 *     confirmed it (60 s by default, as Linux's {@code base_reachable_time} order of magnitude)
 * @param retryIntervalNanos the least time between two requests for one address (1 s; RFC 1122
 *     section 2.3.2.1 asks for at most one per second per destination)
 * @param maxRequests requests sent for one address before its resolution gives up (3)
 * @param cacheCapacity entries, pending and resolved (64)
 * @param queuePerDestination packets waiting for one address (4)
 * @param queueTotal packets waiting for all addresses (16)
 * @param addressStart what happens when an address is added
 */
public record ArpConfig(
        long reachableNanos, long retryIntervalNanos, int maxRequests, int cacheCapacity,
        int queuePerDestination, int queueTotal, AddressStart addressStart) {

    /** What the engine does with an address before answering for it. */
    public enum AddressStart {
        /** RFC 5227: probe three times, then announce twice; answer once announcing. */
        PROBE_THEN_ANNOUNCE,
        /** Announce twice at once and answer at once (for links known to be private, and tests). */
        ANNOUNCE
    }

    /** The defaults named above, with probing. */
    public static final ArpConfig DEFAULTS = new ArpConfig(
            60_000_000_000L, 1_000_000_000L, 3, 64, 4, 16, AddressStart.PROBE_THEN_ANNOUNCE);

    /** @throws IllegalArgumentException naming the setting out of range */
    public ArpConfig {
        if (reachableNanos <= 0) {
            throw new IllegalArgumentException("reachableNanos must be positive, got " + reachableNanos);
        }
        if (retryIntervalNanos <= 0) {
            throw new IllegalArgumentException("retryIntervalNanos must be positive, got " + retryIntervalNanos);
        }
        if (maxRequests < 1 || maxRequests > 100) {
            throw new IllegalArgumentException("maxRequests must be 1..100, got " + maxRequests);
        }
        if (cacheCapacity < 1 || cacheCapacity > 65536) {
            throw new IllegalArgumentException("cacheCapacity must be 1..65536, got " + cacheCapacity);
        }
        if (queueTotal < 0 || queueTotal > 4096) {
            throw new IllegalArgumentException("queueTotal must be 0..4096, got " + queueTotal);
        }
        if (queuePerDestination < 0 || queuePerDestination > queueTotal) {
            throw new IllegalArgumentException("queuePerDestination must be 0..queueTotal (" + queueTotal
                    + "), got " + queuePerDestination);
        }
        java.util.Objects.requireNonNull(addressStart, "addressStart");
    }

    /** This configuration with {@code start} instead. */
    public ArpConfig withAddressStart(AddressStart start) {
        return new ArpConfig(reachableNanos, retryIntervalNanos, maxRequests, cacheCapacity,
                queuePerDestination, queueTotal, start);
    }

    /** This configuration with other queue bounds. */
    public ArpConfig withQueue(int perDestination, int total) {
        return new ArpConfig(reachableNanos, retryIntervalNanos, maxRequests, cacheCapacity,
                perDestination, total, addressStart);
    }

    /** This configuration with another cache capacity. */
    public ArpConfig withCacheCapacity(int capacity) {
        return new ArpConfig(reachableNanos, retryIntervalNanos, maxRequests, capacity,
                queuePerDestination, queueTotal, addressStart);
    }
}
