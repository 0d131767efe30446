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
 *     holds up to {@code unres_qlen_bytes}): the oldest is dropped for a newer one
 * @param maxPacket the longest packet queued (the link MTU)
 * @param queueBytesPerEntry octets held for one INCOMPLETE entry, packets counted by their length:
 *     the oldest are dropped to make room for a newer one
 * @param queueBytes octets held for all INCOMPLETE entries together: a packet that finds this full
 *     first drops older ones of its own entry, and is itself dropped if that is not enough
 */
public record NdpConfig(int maxMulticastSolicit, int maxUnicastSolicit, long delayFirstProbeNanos,
        long baseReachableTimeNanos, long retransTimerNanos, int capacity, int queuePerEntry, int maxPacket,
        int queueBytesPerEntry, int queueBytes) {

    private static final long SECOND = 1_000_000_000L;
    /**
     * Packets held per resolving neighbour by default: every fragment of the largest datagram
     * (65,535 octets of payload in fragments of 1,232 at the 1,280 minimum MTU: 54), and a few
     * packets more.
     */
    public static final int QUEUE_PACKETS = 64;
    /** Octets held per resolving neighbour by default: two of the largest datagrams in fragments. */
    public static final int QUEUE_BYTES_PER_ENTRY = 160 * 1024;
    /** Octets held for all resolving neighbours together by default (as the reassembly's 256 KiB). */
    public static final int QUEUE_BYTES = 256 * 1024;

    public NdpConfig {
        if (maxMulticastSolicit < 1 || maxUnicastSolicit < 1 || capacity < 1 || queuePerEntry < 1 || maxPacket < 1) {
            throw new IllegalArgumentException("counts and sizes must be positive: " + maxMulticastSolicit + ", "
                    + maxUnicastSolicit + ", " + capacity + ", " + queuePerEntry + ", " + maxPacket);
        }
        if (queueBytesPerEntry < maxPacket || queueBytes < queueBytesPerEntry) {
            throw new IllegalArgumentException("queue limits must hold one packet of " + maxPacket + " octets and the total one entry's: "
                    + queueBytesPerEntry + ", " + queueBytes);
        }
        if (delayFirstProbeNanos <= 0 || baseReachableTimeNanos <= 0 || retransTimerNanos <= 0) {
            throw new IllegalArgumentException("times must be positive");
        }
    }

    /**
     * The same without byte limits beyond what the packet limits imply ({@code queuePerEntry}
     * packets of {@code maxPacket} octets an entry, {@code capacity} entries).
     */
    public NdpConfig(int maxMulticastSolicit, int maxUnicastSolicit, long delayFirstProbeNanos, long baseReachableTimeNanos,
            long retransTimerNanos, int capacity, int queuePerEntry, int maxPacket) {
        this(maxMulticastSolicit, maxUnicastSolicit, delayFirstProbeNanos, baseReachableTimeNanos, retransTimerNanos, capacity,
                queuePerEntry, maxPacket, saturated((long) queuePerEntry * maxPacket),
                saturated((long) queuePerEntry * maxPacket * capacity));
    }

    /**
     * RFC 4861 section 10's values, 256 entries, {@link #QUEUE_PACKETS} queued packets and
     * {@link #QUEUE_BYTES_PER_ENTRY} octets each, {@link #QUEUE_BYTES} in all, a 1500-byte MTU.
     */
    public static NdpConfig defaults() {
        return new NdpConfig(3, 3, 5 * SECOND, 30 * SECOND, SECOND, 256, QUEUE_PACKETS, 1500, QUEUE_BYTES_PER_ENTRY, QUEUE_BYTES);
    }

    /** This configuration for a link of MTU {@code mtu}: the longest packet queued. */
    public NdpConfig withMaxPacket(int mtu) {
        return new NdpConfig(maxMulticastSolicit, maxUnicastSolicit, delayFirstProbeNanos, baseReachableTimeNanos,
                retransTimerNanos, capacity, queuePerEntry, mtu, Math.max(queueBytesPerEntry, mtu), Math.max(queueBytes,
                        Math.max(queueBytesPerEntry, mtu)));
    }

    private static int saturated(long n) {
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
