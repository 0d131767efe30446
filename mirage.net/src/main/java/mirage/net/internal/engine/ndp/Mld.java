package mirage.net.internal.engine.ndp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.MulticastAddressRecord;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQuery;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQueryV1;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerReport;
import mirage.net.internal.wire.Icmpv6Repr.RecordType;
import mirage.net.internal.wire.Octets;

/**
 * The host side of Multicast Listener Discovery version 2 (RFC 3810 sections 6 and 7; RFC 9777
 * keeps the behaviour) as a sans-IO engine, for groups joined in any-source mode (EXCLUDE with
 * no sources: the solicited-node groups of our addresses, and what applications join).
 *
 * <ul>
 *   <li>{@link #join} and {@link #leave} count listeners per group; the first join sends a State
 *       Change Report ({@code CHANGE_TO_EXCLUDE_MODE}, no sources) at once and again
 *       [Robustness Variable] - 1 times at random intervals of up to the Unsolicited Report
 *       Interval (section 6.1); the last leave does the same with {@code CHANGE_TO_INCLUDE_MODE}.
 *       Changes pending together leave in one report.</li>
 *   <li>A query ({@link #query}, {@link #queryV1}) is answered after a delay drawn from
 *       {@code [0, Maximum Response Delay]}, by section 6.2's rules: a pending answer to a general
 *       query sooner than the new delay covers it; a general query is answered with a
 *       {@code MODE_IS_EXCLUDE} record per group; a group-specific one with that group's; a
 *       group-and-source-specific one with {@code MODE_IS_INCLUDE} of the queried sources (we
 *       listen to every source), and a group-specific query pending for the same group wins.</li>
 *   <li>The link-scope all-nodes group and groups of scope 0 and 1 are never reported (section 6);
 *       joining them is accepted and does nothing.</li>
 * </ul>
 *
 * <p>Reports leave through {@link Link#sendReport}; the caller sends each to {@code ff02::16}
 * with hop limit 1 and a Router Alert option, from a link-local address that is not tentative or,
 * while there is none (during Duplicate Address Detection), from {@code ::} (section 5.2.13, RFC
 * 4862 section 5.4.2; {@link Slaac#usableLinkLocal()} says which). A report holds at most
 * {@link #MAX_RECORDS_PER_REPORT} records, so that it fits the minimum MTU; more go in several.
 *
 * <p>An MLDv1 query is answered with version 2 reports: version 1 compatibility mode (section
 * 8.2), which needs the version 1 report the wire layer does not write, is not implemented.
 *
 * <p>Bounded: at most {@code maxGroups} groups. Those being left count until their last report,
 * unless a join needs the room: then the oldest of them is forgotten (its remaining
 * retransmissions unsent). A join beyond {@code maxGroups} joined groups is refused and counted. Not thread-safe: owned by the event loop.
 */
public final class Mld {

    /** The Robustness Variable's default (RFC 3810 section 9.1): 2. A querier's non-zero QRV replaces it. */
    public static final int DEFAULT_ROBUSTNESS = 2;
    /** The Unsolicited Report Interval (RFC 3810 section 9.11): 1 s. */
    public static final long UNSOLICITED_REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /**
     * Records in one report: (1280 - 40 (IPv6) - 8 (Hop-by-Hop with Router Alert) - 8 (ICMPv6
     * header)) / 20, rounded down to 60.
     */
    public static final int MAX_RECORDS_PER_REPORT = 60;
    private static final long MILLISECOND = 1_000_000L;
    private static final long NEVER = NdpRouting.NEVER;

    /** What the engine asks of the layer below. Called from inside the engine's methods. */
    public interface Link {
        /** Send {@code report} (see the class comment for its addresses). */
        void sendReport(MulticastListenerReport report);
    }

    private static final class Group {
        final Ipv6Address address;
        int listeners;
        /** State change records still to send, and which. */
        int changesLeft;
        RecordType change;
        /** When the answer to a group(-and-source)-specific query is due. */
        long responseAt = NEVER;
        /** The sources queried; null for a group-specific query. */
        List<Ipv6Address> querySources;

        Group(Ipv6Address address) {
            this.address = address;
        }
    }

    private final Link link;
    private final Rng rng;
    private final int maxGroups;
    private final LinkedHashMap<Ipv6Address, Group> groups = new LinkedHashMap<>();
    private int robustness = DEFAULT_ROBUSTNESS;
    private long generalResponseAt = NEVER;
    private long stateChangeAt = NEVER;
    /**
     * False only when no group has an answer scheduled ({@code responseAt == NEVER} for all):
     * set where one is scheduled, cleared by {@link #nextDeadline} once it found none, so that
     * the binding's per-packet deadline check does not walk the groups (decision 0078).
     */
    private boolean groupAnswersScheduled;

    private long reportsSent;
    private long joinsRefused;
    private long queriesAnswered;

    /**
     * @param rng draws the delays
     * @param maxGroups the most groups held at once, at least 1
     */
    public Mld(Link link, Rng rng, int maxGroups) {
        this.link = Objects.requireNonNull(link, "link");
        this.rng = Objects.requireNonNull(rng, "rng");
        if (maxGroups < 1) {
            throw new IllegalArgumentException("maxGroups must be positive: " + maxGroups);
        }
        this.maxGroups = maxGroups;
    }

    /** Whether MLD messages are ever sent about {@code group} (RFC 3810 section 6). */
    public static boolean reported(Ipv6Address group) {
        int scope = (int) (group.high() >>> 48) & 0xf;
        return group.isMulticast() && scope > 1 && !group.equals(Icmpv6Repr.ALL_NODES);
    }

    // ---------------------------------------------------------------- inputs

    /**
     * One more listener of {@code group}, a multicast address; the first sends a State Change
     * Report at once.
     *
     * @return false if the group is new and {@code maxGroups} are joined (counted; nothing joined)
     */
    public boolean join(long now, Ipv6Address group) {
        if (!group.isMulticast()) {
            throw new IllegalArgumentException("not a multicast address: " + group);
        }
        if (!reported(group)) {
            return true;
        }
        Group g = groups.get(group);
        if (g == null) {
            if (groups.size() >= maxGroups && !dropOneLeaving()) {
                joinsRefused++;
                return false;
            }
            g = new Group(group);
            groups.put(group, g);
        }
        if (g.listeners++ == 0) {
            stateChange(now, g, RecordType.CHANGE_TO_EXCLUDE_MODE);
        }
        return true;
    }

    /**
     * One listener of {@code group} fewer; the last sends a State Change Report at once. Leaving
     * a group not joined does nothing.
     */
    public void leave(long now, Ipv6Address group) {
        Group g = groups.get(group);
        if (g == null || g.listeners == 0) {
            return;
        }
        if (--g.listeners == 0) {
            g.responseAt = NEVER;
            g.querySources = null;
            stateChange(now, g, RecordType.CHANGE_TO_INCLUDE_MODE);
        }
    }

    /** A valid version 2 query (the wire layer checked its source is link-local): schedules the answer. */
    public void query(long now, MulticastListenerQuery query) {
        if (query.robustness() != 0) {
            robustness = query.robustness();
        }
        scheduleAnswer(now, query.maximumResponseDelay(), query.multicastAddress(), query.sources());
    }

    /** A valid version 1 query: answered as a version 2 one without sources (see the class comment). */
    public void queryV1(long now, MulticastListenerQueryV1 query) {
        scheduleAnswer(now, query.maximumResponseDelay(), query.multicastAddress(), List.of());
    }

    /** Sends the reports due at {@code now}; returns the next deadline ({@link NdpRouting#NEVER} if none). */
    public long poll(long now) {
        if (generalResponseAt <= now && generalResponseAt != NEVER) {
            generalResponseAt = NEVER;
            List<MulticastAddressRecord> records = new ArrayList<>();
            for (Group g : groups.values()) {
                if (g.listeners > 0) {
                    records.add(MulticastAddressRecord.of(RecordType.MODE_IS_EXCLUDE, g.address));
                }
            }
            send(records);
            queriesAnswered++;
        }
        List<MulticastAddressRecord> answers = null;
        for (Group g : groups.values()) {
            if (g.responseAt <= now && g.responseAt != NEVER) {
                g.responseAt = NEVER;
                if (answers == null) {
                    answers = new ArrayList<>();
                }
                answers.add(g.querySources == null ? MulticastAddressRecord.of(RecordType.MODE_IS_EXCLUDE, g.address)
                        : new MulticastAddressRecord(RecordType.MODE_IS_INCLUDE, g.address, g.querySources, Octets.EMPTY));
                g.querySources = null;
                queriesAnswered++;
            }
        }
        if (answers != null) {
            send(answers);
        }
        if (stateChangeAt <= now && stateChangeAt != NEVER) {
            sendStateChanges(now);
        }
        return nextDeadline();
    }

    // ---------------------------------------------------------------- queries

    /** The next deadline ({@link NdpRouting#NEVER} if none). */
    public long nextDeadline() {
        long next = Math.min(generalResponseAt, stateChangeAt);
        if (!groupAnswersScheduled) {
            return next;
        }
        long groupsNext = NEVER;
        for (Group g : groups.values()) {
            groupsNext = Math.min(groupsNext, g.responseAt);
        }
        groupAnswersScheduled = groupsNext != NEVER;
        return Math.min(next, groupsNext);
    }

    /** Whether we listen to {@code group}: all-nodes always, others while joined. */
    public boolean isMember(Ipv6Address group) {
        if (group.equals(Icmpv6Repr.ALL_NODES)) {
            return true;
        }
        Group g = groups.get(group);
        return g != null && g.listeners > 0;
    }

    /** The groups joined and reported, in the order first joined. */
    public List<Ipv6Address> groups() {
        List<Ipv6Address> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.listeners > 0) {
                out.add(g.address);
            }
        }
        return out;
    }

    /** Groups held, including those being left whose reports are still pending: at most {@code maxGroups}. */
    public int size() {
        return groups.size();
    }

    /** The Robustness Variable in force. */
    public int robustness() {
        return robustness;
    }

    public long reportsSent() {
        return reportsSent;
    }

    /** Joins refused because {@code maxGroups} were held. */
    public long joinsRefused() {
        return joinsRefused;
    }

    /** Queries answered (a general query counts once, a group-specific one per group). */
    public long queriesAnswered() {
        return queriesAnswered;
    }

    // ---------------------------------------------------------------- inside

    private void scheduleAnswer(long now, long maxDelayMillis, Ipv6Address address, List<Ipv6Address> sources) {
        long at = now + Math.floorMod(rng.nextLong(), maxDelayMillis * MILLISECOND + 1);
        if (generalResponseAt <= at) {
            return; // rule 1: the pending answer to a general query covers it
        }
        if (address.isUnspecified()) {
            generalResponseAt = at; // rule 2
            return;
        }
        Group g = groups.get(address);
        if (g == null || g.listeners == 0) {
            return;
        }
        groupAnswersScheduled = true;
        if (g.responseAt == NEVER) { // rule 3
            g.responseAt = at;
            g.querySources = sources.isEmpty() ? null : List.copyOf(sources);
            return;
        }
        g.responseAt = Math.min(g.responseAt, at); // rule 4
        if (sources.isEmpty() || g.querySources == null) {
            g.querySources = null; // a group-specific query pending or new: answered for the whole group
        } else {
            List<Ipv6Address> union = new ArrayList<>(g.querySources);
            for (Ipv6Address s : sources) {
                if (!union.contains(s) && union.size() < MulticastListenerQuery.MAX_SOURCES) {
                    union.add(s);
                }
            }
            g.querySources = List.copyOf(union);
        }
    }

    /** Forgets a group being left (its last reports unsent) to make room for a join. */
    private boolean dropOneLeaving() {
        Iterator<Group> it = groups.values().iterator();
        while (it.hasNext()) {
            if (it.next().listeners == 0) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private void stateChange(long now, Group g, RecordType change) {
        g.change = change;
        g.changesLeft = robustness;
        sendStateChanges(now);
    }

    /** Sends one record per group with a change pending; schedules the next retransmission. */
    private void sendStateChanges(long now) {
        List<MulticastAddressRecord> records = new ArrayList<>();
        boolean more = false;
        Iterator<Group> it = groups.values().iterator();
        while (it.hasNext()) {
            Group g = it.next();
            if (g.changesLeft > 0) {
                records.add(MulticastAddressRecord.of(g.change, g.address));
                g.changesLeft--;
                more |= g.changesLeft > 0;
            }
            if (g.listeners == 0 && g.changesLeft == 0) {
                it.remove();
            }
        }
        send(records);
        stateChangeAt = more ? now + 1 + Math.floorMod(rng.nextLong(), UNSOLICITED_REPORT_INTERVAL_NANOS) : NEVER;
    }

    private void send(List<MulticastAddressRecord> records) {
        for (int from = 0; from < records.size(); from += MAX_RECORDS_PER_REPORT) {
            reportsSent++;
            link.sendReport(new MulticastListenerReport(
                    records.subList(from, Math.min(records.size(), from + MAX_RECORDS_PER_REPORT))));
        }
    }
}
