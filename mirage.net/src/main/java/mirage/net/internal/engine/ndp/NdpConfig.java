package mirage.net.internal.engine.ndp;

/**
 * The neighbour cache's parameters: the protocol constants of RFC 4861 section 10 and the
 * host variables of section 6.3.2 (which Router Advertisements may change later:
 * {@link NeighborCache#setBaseReachableTime}, {@link NeighborCache#setRetransTimer}), plus the
 * bounds of this implementation.
 *
 * @param maxMulticastSolicit MAX_MULTICAST_SOLICIT: solicitations before resolution gives up (3)
 * @param maxUnicastSolicit MAX_UNICAST_SOLICIT: unicast probes before an entry is deleted (3)
 * @param delayFirstProbeNanos DELAY_FIRST_PROBE_TIME (5 s)
 * @param baseReachableTimeNanos BaseReachableTime, REACHABLE_TIME at start (30 s)
 * @param retransTimerNanos RetransTimer, RETRANS_TIMER at start (1 s)
 * @param capacity most entries; a full cache evicts the least recently used entry not INCOMPLETE
 * @param queuePerEntry packets held for an INCOMPLETE entry ("at least one", section 7.2.2; Linux
 *     holds a few): the oldest is dropped for a newer one
 * @param maxPacket the longest packet queued (the link MTU)
 */
public record NdpConfig(int maxMulticastSolicit, int maxUnicastSolicit, long delayFirstProbeNanos,
        long baseReachableTimeNanos, long retransTimerNanos, int capacity, int queuePerEntry, int maxPacket) {

    private static final long SECOND = 1_000_000_000L;

    public NdpConfig {
        if (maxMulticastSolicit < 1 || maxUnicastSolicit < 1 || capacity < 1 || queuePerEntry < 1 || maxPacket < 1) {
            throw new IllegalArgumentException("counts and sizes must be positive: " + maxMulticastSolicit + ", "
                    + maxUnicastSolicit + ", " + capacity + ", " + queuePerEntry + ", " + maxPacket);
        }
        if (delayFirstProbeNanos <= 0 || baseReachableTimeNanos <= 0 || retransTimerNanos <= 0) {
            throw new IllegalArgumentException("times must be positive");
        }
    }

    /** RFC 4861 section 10's values, 256 entries, 3 queued packets each, a 1500-byte MTU. */
    public static NdpConfig defaults() {
        return new NdpConfig(3, 3, 5 * SECOND, 30 * SECOND, SECOND, 256, 3, 1500);
    }
}
