package mirage.net.internal.engine.ndp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;

/**
 * The Neighbor Cache of an IPv6 host on one link (RFC 4861 section 5.1) with the reachability
 * state machine of section 7.3.2 and Appendix C, as a sans-IO engine: time is the {@code now}
 * (nanoseconds, any origin, never decreasing) of each call, what is due is done by
 * {@link #poll}, and everything sent leaves through the {@link NeighborLink}.
 *
 * <h2>States (section 7.3.2)</h2>
 * <ul>
 *   <li>{@link State#INCOMPLETE}: address resolution is under way; multicast solicitations every
 *       RetransTimer, {@link NdpConfig#maxMulticastSolicit()} in all, then the entry is deleted
 *       and each packet that waited is handed to {@link NeighborLink#unreachable}.</li>
 *   <li>{@link State#REACHABLE}: confirmed within ReachableTime; becomes STALE when it runs out.</li>
 *   <li>{@link State#STALE}: usable, unconfirmed; nothing happens until a packet is sent.</li>
 *   <li>{@link State#DELAY}: a packet was sent to a STALE neighbour; upper layers have
 *       DELAY_FIRST_PROBE_TIME to confirm reachability, then PROBE.</li>
 *   <li>{@link State#PROBE}: unicast solicitations every RetransTimer,
 *       {@link NdpConfig#maxUnicastSolicit()} in all, then the entry is deleted.</li>
 * </ul>
 *
 * <h2>Inputs</h2>
 * {@link #output} (a packet for a next hop), {@link #learn} (a link-layer address from a
 * Neighbor Solicitation, Router Solicitation or Advertisement, or Redirect: sections 7.2.3,
 * 6.3.4, 8.3), {@link #advertisement} (a Neighbor Advertisement, section 7.2.5),
 * {@link #confirm} (reachability confirmed by an upper layer, section 7.3.1), and the
 * Router Advertisement's timers ({@link #setBaseReachableTime}, {@link #setRetransTimer}). The
 * caller has validated the messages (the wire layer's {@code Icmpv6Repr.parse} applies sections
 * 6.1, 7.1 and 8.1) and checked that they are not about our own addresses.
 *
 * <h2>Resources</h2>
 * At most {@link NdpConfig#capacity()} entries: a full cache evicts the least recently used
 * entry that is not INCOMPLETE, and refuses a new resolution (dropping its packet, counted) when
 * all are. Each INCOMPLETE entry holds up to {@link NdpConfig#queuePerEntry()} packets and
 * {@link NdpConfig#queueBytesPerEntry()} octets (copies; the oldest give way), and all entries
 * together {@link NdpConfig#queueBytes()} octets: enough for the fragments of the largest
 * datagram sent to a neighbour not yet resolved, with a bound on memory whatever the number of
 * neighbours. An entry is allocated when a neighbour is first seen, a copy when a packet must
 * wait; sending to a resolved neighbour allocates nothing.
 *
 * <p>Not thread-safe: owned by the event loop, like every engine.
 */
public final class NeighborCache {

    /** Reachability states (RFC 4861 section 7.3.2). */
    public enum State {
        INCOMPLETE, REACHABLE, STALE, DELAY, PROBE
    }

    /** What {@link #output} did with a packet. */
    public enum Outcome {
        /** The neighbour's link-layer address is known: handed to {@link NeighborLink#transmit}. */
        SENT,
        /** A copy waits for address resolution. */
        QUEUED,
        /** Every entry is resolving, or the packet is longer than {@link NdpConfig#maxPacket()}: dropped and counted. */
        DROPPED
    }

    /** MIN_RANDOM_FACTOR and MAX_RANDOM_FACTOR (RFC 4861 section 10): ReachableTime is 0.5 to 1.5 times BaseReachableTime. */
    static final int RANDOM_FACTOR_PERCENT_MIN = 50;
    static final int RANDOM_FACTOR_PERCENT_MAX = 150;
    /** ReachableTime is drawn again at least this often: "at least every few hours" (RFC 4861 section 6.3.4). */
    static final long REDRAW_NANOS = 2 * 3600 * 1_000_000_000L;
    private static final long NONE = Long.MAX_VALUE;

    private static final class Entry {
        final Ipv6Address address;
        State state;
        MacAddress mac;
        boolean router;
        long deadline = NONE;
        int sent;
        ArrayDeque<byte[]> queue;
        /** Octets in {@link #queue}. */
        int queueBytes;

        Entry(Ipv6Address address) {
            this.address = address;
        }
    }

    private final NdpConfig config;
    private final NeighborLink link;
    private final Rng rng;
    /** In access order: the eldest is the least recently used. */
    private final LinkedHashMap<Ipv6Address, Entry> entries;
    /**
     * The entry of the last lookup or insertion in {@link #entries}, null after any removal: as
     * every access goes through {@link #entry}, it is the access order's most recent entry, so a
     * repeated lookup of it (each packet to the same neighbour) skips the map without changing
     * that order (decision 0078).
     */
    private Entry last;
    private long baseReachableTime;
    private long reachableTime;
    private long retransTimer;
    private long redrawAt;
    private long nextDeadline = NONE;

    private long solicitationsSent;
    private long resolutionsFailed;
    private long probesFailed;
    private long queueDropped;
    /** Octets queued in all entries. */
    private long queuedBytes;
    private long evicted;

    /**
     * An empty cache.
     *
     * @param rng draws ReachableTime (RFC 4861 section 6.3.2); nothing else is random
     */
    public NeighborCache(NdpConfig config, NeighborLink link, Rng rng, long now) {
        this.config = Objects.requireNonNull(config, "config");
        this.link = Objects.requireNonNull(link, "link");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
        this.retransTimer = config.retransTimerNanos();
        setBaseReachableTime(now, config.baseReachableTimeNanos());
    }

    // ---------------------------------------------------------------- inputs

    /**
     * Sends {@code packet[offset, offset + length)} to the neighbour {@code nextHop}: at once if
     * its link-layer address is known (a STALE entry goes to DELAY, section 7.3.3), else a copy
     * waits while it is resolved (a new INCOMPLETE entry solicits at once).
     */
    public Outcome output(long now, Ipv6Address nextHop, byte[] packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        Entry e = entry(nextHop);
        if (e != null && e.state != State.INCOMPLETE) {
            if (e.state == State.STALE) {
                enter(e, State.DELAY, now + config.delayFirstProbeNanos());
            }
            link.transmit(packet, offset, length, e.mac);
            return Outcome.SENT;
        }
        if (length > config.maxPacket()) {
            queueDropped++;
            return Outcome.DROPPED;
        }
        if (e == null) {
            if (!makeRoom()) {
                queueDropped++;
                return Outcome.DROPPED;
            }
            e = new Entry(nextHop);
            entries.put(nextHop, e);
            last = e;
            e.sent = 1;
            enter(e, State.INCOMPLETE, now + retransTimer);
            solicit(e, null);
        }
        if (e.queue == null) {
            e.queue = new ArrayDeque<>(Math.min(config.queuePerEntry(), 16));
        }
        // the oldest give way, within this entry only, until the packet fits all three limits
        while (!e.queue.isEmpty() && (e.queue.size() == config.queuePerEntry() || e.queueBytes + length > config.queueBytesPerEntry()
                || queuedBytes + length > config.queueBytes())) {
            dequeued(e, e.queue.removeFirst().length);
            queueDropped++;
        }
        if (queuedBytes + length > config.queueBytes()) { // other entries hold the rest
            queueDropped++;
            return Outcome.DROPPED;
        }
        e.queue.addLast(java.util.Arrays.copyOfRange(packet, offset, offset + length));
        e.queueBytes += length;
        queuedBytes += length;
        return Outcome.QUEUED;
    }

    /**
     * The link-layer address to send to {@code nextHop} now, with what {@link #output} does for a
     * resolved neighbour (a STALE entry goes to DELAY), or null if it is not resolved: then
     * nothing is queued or solicited, and the caller sends through {@link #output}. For a sender
     * that hands the packet to the link itself (segmentation offload).
     */
    public MacAddress resolved(long now, Ipv6Address nextHop) {
        Entry e = entry(nextHop);
        if (e == null || e.state == State.INCOMPLETE) {
            return null;
        }
        if (e.state == State.STALE) {
            enter(e, State.DELAY, now + config.delayFirstProbeNanos());
        }
        return e.mac;
    }

    /**
     * A link-layer address for {@code address} from a message that is not a Neighbor
     * Advertisement: the Source Link-Layer Address of a Neighbor Solicitation (section 7.2.3),
     * Router Solicitation or Router Advertisement (section 6.3.4), or the Target Link-Layer
     * Address of a Redirect (section 8.3). A new entry is STALE; an entry whose address changes
     * becomes STALE; the same address changes nothing. An INCOMPLETE entry is resolved by it and
     * its packets are sent.
     *
     * @param isRouter true for a Router Advertisement, which sets the IsRouter flag; false leaves it
     */
    public void learn(long now, Ipv6Address address, MacAddress mac, boolean isRouter) {
        Objects.requireNonNull(mac, "mac");
        Entry e = entry(address);
        if (e == null) {
            if (!makeRoom()) {
                return;
            }
            e = new Entry(address);
            entries.put(address, e);
            last = e;
            e.mac = mac;
            enter(e, State.STALE, NONE);
        } else if (e.state == State.INCOMPLETE) {
            e.mac = mac;
            enter(e, State.STALE, NONE);
            flush(e);
        } else if (!mac.equals(e.mac)) {
            e.mac = mac;
            enter(e, State.STALE, NONE);
        }
        e.router |= isRouter;
    }

    /**
     * A Router Advertisement without a Source Link-Layer Address option from {@code address}:
     * an existing entry's IsRouter flag is set (section 6.3.4).
     */
    public void routerSeen(Ipv6Address address) {
        Entry e = entry(address);
        if (e != null) {
            e.router = true;
        }
    }

    /**
     * A Neighbor Advertisement for {@code target} (section 7.2.5), its Target Link-Layer Address
     * ({@code null} if it had none) and flags. Without an entry it is ignored: "there is no need
     * to create an entry if none exists".
     *
     * @return true if the advertisement turned a router into a host (IsRouter went from true to
     *     false): the caller removes it from its Default Router List
     */
    public boolean advertisement(long now, Ipv6Address target, MacAddress linkLayer, boolean router, boolean solicited,
            boolean override) {
        Entry e = entry(target);
        if (e == null) {
            return false;
        }
        if (e.state == State.INCOMPLETE) {
            if (linkLayer == null) {
                return false;
            }
            e.mac = linkLayer;
            if (solicited) {
                enter(e, State.REACHABLE, now + reachableTime);
            } else {
                enter(e, State.STALE, NONE);
            }
            e.router = router;
            flush(e);
            return false;
        }
        boolean different = linkLayer != null && !linkLayer.equals(e.mac);
        if (!override && different) {
            // "If the Override flag is clear and the supplied link-layer address differs from
            // that in the cache": a REACHABLE entry becomes STALE, its address unchanged; else ignored.
            if (e.state == State.REACHABLE) {
                enter(e, State.STALE, NONE);
            }
            return false;
        }
        if (different) {
            e.mac = linkLayer;
        }
        if (solicited) {
            enter(e, State.REACHABLE, now + reachableTime);
        } else if (different) {
            enter(e, State.STALE, NONE);
        }
        boolean demoted = e.router && !router;
        e.router = router;
        return demoted;
    }

    /**
     * Reachability of {@code address} confirmed by an upper layer (section 7.3.1: e.g. TCP
     * acknowledged new data): an entry that is not INCOMPLETE becomes REACHABLE.
     */
    public void confirm(long now, Ipv6Address address) {
        Entry e = entry(address);
        if (e != null && e.state != State.INCOMPLETE) {
            enter(e, State.REACHABLE, now + reachableTime);
        }
    }

    /**
     * BaseReachableTime from a Router Advertisement (section 6.3.4; a caller passes only
     * non-zero values that differ from the last): ReachableTime is drawn again, uniformly
     * between 0.5 and 1.5 times it.
     */
    public void setBaseReachableTime(long now, long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("BaseReachableTime must be positive: " + nanos);
        }
        this.baseReachableTime = nanos;
        drawReachableTime(now);
    }

    /** RetransTimer from a Router Advertisement (section 6.3.4), for solicitations from now on. */
    public void setRetransTimer(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("RetransTimer must be positive: " + nanos);
        }
        this.retransTimer = nanos;
    }

    /**
     * Does what is due at {@code now}: solicitations again, REACHABLE to STALE, DELAY to PROBE,
     * failures; returns the next deadline ({@link Long#MAX_VALUE} if none).
     */
    public long poll(long now) {
        if (now >= redrawAt) {
            drawReachableTime(now);
        }
        List<Entry> failed = null;
        long next = redrawAt;
        for (Entry e : entries.values()) {
            if (e.deadline <= now) {
                switch (e.state) {
                    case INCOMPLETE -> {
                        if (e.sent < config.maxMulticastSolicit()) {
                            e.sent++;
                            e.deadline = now + retransTimer;
                            solicit(e, null);
                        } else {
                            failed = add(failed, e);
                        }
                    }
                    case REACHABLE -> {
                        e.state = State.STALE;
                        e.deadline = NONE;
                    }
                    case DELAY -> {
                        e.state = State.PROBE;
                        e.sent = 1;
                        e.deadline = now + retransTimer;
                        solicit(e, e.mac);
                    }
                    case PROBE -> {
                        if (e.sent < config.maxUnicastSolicit()) {
                            e.sent++;
                            e.deadline = now + retransTimer;
                            solicit(e, e.mac);
                        } else {
                            failed = add(failed, e);
                        }
                    }
                    case STALE -> e.deadline = NONE;
                }
            }
            if (e.deadline > now) { // not one that failed, which goes below
                next = Math.min(next, e.deadline);
            }
        }
        if (failed != null) {
            for (Entry e : failed) {
                entries.remove(e.address);
                last = null;
                if (e.state == State.INCOMPLETE) {
                    resolutionsFailed++;
                    if (e.queue != null) {
                        dequeued(e, e.queueBytes);
                        for (byte[] p : e.queue) {
                            link.unreachable(e.address, p, p.length);
                        }
                    }
                } else {
                    probesFailed++;
                }
            }
        }
        nextDeadline = next;
        return next;
    }

    /** The deadline {@link #poll} last returned, brought forward by inputs since. */
    public long nextDeadline() {
        return nextDeadline;
    }

    // ---------------------------------------------------------------- queries

    /** The state of {@code address}'s entry, empty if none. Does not count as a use. */
    public Optional<State> state(Ipv6Address address) {
        Entry e = peek(address);
        return e == null ? Optional.empty() : Optional.of(e.state);
    }

    /** The cached link-layer address of {@code address}, empty if none or INCOMPLETE. */
    public Optional<MacAddress> linkLayerAddress(Ipv6Address address) {
        Entry e = peek(address);
        return e == null || e.mac == null ? Optional.empty() : Optional.of(e.mac);
    }

    /** The IsRouter flag of {@code address}'s entry; false if none. */
    public boolean isRouter(Ipv6Address address) {
        Entry e = peek(address);
        return e != null && e.router;
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** The current ReachableTime, in nanoseconds. */
    public long reachableTime() {
        return reachableTime;
    }

    public long solicitationsSent() {
        return solicitationsSent;
    }

    /** INCOMPLETE entries deleted after {@link NdpConfig#maxMulticastSolicit()} unanswered solicitations. */
    public long resolutionsFailed() {
        return resolutionsFailed;
    }

    /** PROBE entries deleted after {@link NdpConfig#maxUnicastSolicit()} unanswered probes. */
    public long probesFailed() {
        return probesFailed;
    }

    /**
     * Packets dropped: a full queue's oldest (by {@link NdpConfig#queuePerEntry()},
     * {@link NdpConfig#queueBytesPerEntry()} or {@link NdpConfig#queueBytes()}), one that does not
     * fit the total beside other entries' packets, too long, or no room for an entry.
     */
    public long queueDropped() {
        return queueDropped;
    }

    /** Octets waiting for resolution in all entries: never more than {@link NdpConfig#queueBytes()}. */
    public long queuedBytes() {
        return queuedBytes;
    }

    private void dequeued(Entry e, int bytes) {
        e.queueBytes -= bytes;
        queuedBytes -= bytes;
    }

    /** Entries evicted to make room. */
    public long evicted() {
        return evicted;
    }

    // ---------------------------------------------------------------- inside

    private Entry peek(Ipv6Address address) {
        // LinkedHashMap.get would count as an access; iterate instead for queries (tests, stats).
        for (Map.Entry<Ipv6Address, Entry> m : entries.entrySet()) {
            if (m.getKey().equals(address)) {
                return m.getValue();
            }
        }
        return null;
    }

    private void enter(Entry e, State state, long deadline) {
        e.state = state;
        e.deadline = deadline;
        if (state == State.INCOMPLETE || state == State.PROBE) {
            return;
        }
        e.sent = 0;
        if (deadline < nextDeadline) {
            nextDeadline = deadline;
        }
    }

    /** Solicits for {@code e} (multicast if {@code destination} is null); its deadline is set. Never touches the map's order: poll iterates it. */
    private void solicit(Entry e, MacAddress destination) {
        solicitationsSent++;
        link.solicit(e.address, destination);
        if (e.deadline < nextDeadline) {
            nextDeadline = e.deadline;
        }
    }

    private void flush(Entry e) {
        if (e.queue == null) {
            return;
        }
        ArrayDeque<byte[]> q = e.queue;
        e.queue = null;
        dequeued(e, e.queueBytes);
        for (byte[] p : q) {
            link.transmit(p, 0, p.length, e.mac);
        }
    }

    /** The entry for {@code address}, null if none: {@link #last} when it is that one, else the map's (an access). */
    private Entry entry(Ipv6Address address) {
        Entry e = last;
        if (e != null && e.address.low() == address.low() && e.address.high() == address.high()) {
            return e;
        }
        e = entries.get(address);
        if (e != null) {
            last = e;
        }
        return e;
    }

    /** Makes room for one entry: false if the cache is full of INCOMPLETE entries. */
    private boolean makeRoom() {
        if (entries.size() < config.capacity()) {
            return true;
        }
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.state != State.INCOMPLETE) {
                it.remove();
                last = null;
                evicted++;
                return true;
            }
        }
        return false;
    }

    private void drawReachableTime(long now) {
        long min = baseReachableTime / 100 * RANDOM_FACTOR_PERCENT_MIN;
        long span = baseReachableTime / 100 * (RANDOM_FACTOR_PERCENT_MAX - RANDOM_FACTOR_PERCENT_MIN);
        this.reachableTime = min + Math.floorMod(rng.nextLong(), span + 1);
        this.redrawAt = now + REDRAW_NANOS;
        if (redrawAt < nextDeadline) {
            nextDeadline = redrawAt;
        }
    }

    private static List<Entry> add(List<Entry> list, Entry e) {
        List<Entry> l = list == null ? new ArrayList<>() : list;
        l.add(e);
        return l;
    }
}
