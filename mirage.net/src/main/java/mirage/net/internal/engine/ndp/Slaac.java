package mirage.net.internal.engine.ndp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.NeighborAdvertisement;
import mirage.net.internal.wire.Icmpv6Repr.NeighborSolicitation;
import mirage.net.internal.wire.Icmpv6Repr.RouterAdvertisement;
import mirage.net.internal.wire.NdpOption;
import mirage.net.internal.wire.Octets;

/**
 * IPv6 Stateless Address Autoconfiguration (RFC 4862) with Duplicate Address Detection as a
 * sans-IO engine: the link-local address first ({@link #start}), then one address per /64 prefix
 * of a Router Advertisement's Prefix Information option with the A flag; interface identifiers
 * by RFC 7217 (or Modified EUI-64, {@link SlaacConfig.Identifiers}).
 *
 * <h2>An address's states (RFC 4862 section 2)</h2>
 * <ul>
 *   <li>{@link AddressState#TENTATIVE}: Duplicate Address Detection under way (section 5.4); not
 *       used, and solicitations for it are not answered. The node has joined its solicited-node
 *       group (the MLD report leaves from {@code ::}) and sent a Neighbor Solicitation from
 *       {@code ::} with a Nonce option (RFC 7527); DupAddrDetectTransmits probes one RetransTimer
 *       apart, then RetransTimer of silence makes it PREFERRED (or DEPRECATED). The very first
 *       probe after {@link #start} waits a random delay of up to MAX_RTR_SOLICITATION_DELAY
 *       (section 5.4.2).</li>
 *   <li>{@link AddressState#PREFERRED}: usable for anything.</li>
 *   <li>{@link AddressState#DEPRECATED}: its preferred lifetime ran out; still assigned (incoming
 *       packets, existing connections), not chosen for new ones ({@link #sourceAddress}).</li>
 *   <li>{@link AddressState#DUPLICATE}: another node has it (a probe from {@code ::} that is not
 *       our own looped back, or an advertisement, sections 5.4.3 and 5.4.4). Never used, never
 *       answered for. With RFC 7217 identifiers a new one is tried (DAD_Counter + 1) up to
 *       IDGEN_RETRIES times; the last stays DUPLICATE. A duplicate link-local address with no
 *       retry left means IPv6 must stop on the interface ({@link #linkLocalFailed}, section 5.4.5).</li>
 *   <li>Invalid: the valid lifetime ran out; the address is gone from the list.</li>
 * </ul>
 *
 * <h2>Inputs and outputs</h2>
 * Inputs are valid messages ({@code Icmpv6Repr.parse} checked them): {@link #routerAdvertisement},
 * {@link #neighborSolicitation}, {@link #neighborAdvertisement}; and {@link #poll}. The last two
 * say whether the message's target is ours ({@link Ownership}), which tells the caller whether to
 * answer a solicitation and whether to give the message to the {@link NeighborCache}. Probes and
 * group changes leave through the {@link Link}.
 *
 * <h2>Resources</h2>
 * At most {@link SlaacConfig#maxAddresses()} addresses (duplicates included, until their valid
 * lifetime ends); prefixes beyond are ignored and counted. Each tentative address keeps its
 * DupAddrDetectTransmits nonces.
 *
 * <p>Not thread-safe: owned by the event loop.
 */
public final class Slaac {

    /** An address's state (RFC 4862 section 2); invalid addresses are removed. */
    public enum AddressState {
        TENTATIVE, PREFERRED, DEPRECATED, DUPLICATE
    }

    /** What a Neighbor Solicitation's or Advertisement's target is to us. */
    public enum Ownership {
        /** Not one of our addresses (or one found duplicate: another node's): the message is the neighbour cache's. */
        NOT_OURS,
        /** Ours and assigned (PREFERRED or DEPRECATED): answer a solicitation with an advertisement; an advertisement for it is a conflict, counted and dropped. */
        ASSIGNED,
        /** Ours and TENTATIVE: drop the message (section 5.4.3), Duplicate Address Detection has used it. */
        TENTATIVE
    }

    /**
     * One address.
     *
     * @param preferredUntil when it becomes DEPRECATED ({@link NdpRouting#NEVER}: never)
     * @param validUntil when it becomes invalid ({@link NdpRouting#NEVER}: never)
     * @param dadCounter RFC 7217's DAD_Counter it was made with
     * @param manual configured by the operator ({@link #addManual}), not autoconfigured
     */
    public record AddressInfo(Ipv6Cidr address, AddressState state, long preferredUntil, long validUntil,
            int dadCounter, boolean manual) {
    }

    /** What the engine asks of the layer below. Called from inside the engine's methods. */
    public interface Link {
        /**
         * Send {@code probe}, a Duplicate Address Detection Neighbor Solicitation (its only option
         * the Nonce), from {@code ::} to the solicited-node group of its target, hop limit 255.
         */
        void sendDadProbe(NeighborSolicitation probe);

        /** Listen to {@code group} (a solicited-node group): {@link Mld#join}. */
        void joinGroup(long now, Ipv6Address group);

        /** Stop listening to {@code group} for one address: {@link Mld#leave}. */
        void leaveGroup(long now, Ipv6Address group);

        /**
         * {@code address} was found DUPLICATE (once per address found so); {@code retrying}
         * when a new RFC 7217 identifier is tried on its prefix. Nothing by default.
         */
        default void duplicate(long now, Ipv6Cidr address, boolean retrying) {
            // nobody listens
        }
    }

    /** The Nonce option's type (RFC 3971 section 5.3.2), used by enhanced DAD (RFC 7527). */
    public static final int NONCE_OPTION_TYPE = 14;
    /** Nonce octets: one 8-octet option holds 6, what Linux sends. */
    public static final int NONCE_LENGTH = 6;
    /** The limit on lowering a valid lifetime by an unauthenticated advertisement (RFC 4862 section 5.5.3 e). */
    public static final long TWO_HOURS_NANOS = 2 * 3600 * NdpRouting.SECOND;
    /** The interface identifier's length: prefixes of other lengths are not autoconfigured (section 5.5.3 d). */
    public static final int IDENTIFIER_BITS = 64;
    private static final long NEVER = NdpRouting.NEVER;
    private static final Ipv6Address LINK_LOCAL_PREFIX = new Ipv6Address(0xfe80_0000_0000_0000L, 0);
    private static final long LINK_LOCAL_MASK = 0xffc0_0000_0000_0000L;

    private static final class Entry {
        final long prefix;
        final Ipv6Address address;
        final int dadCounter;
        /** The prefix length: 64, or a manual address's own. */
        int prefixLength = IDENTIFIER_BITS;
        /** Configured by the operator ({@link #addManual}), not by a Router Advertisement. */
        boolean manual;
        AddressState state = AddressState.TENTATIVE;
        long preferredUntil;
        long validUntil;
        /** Next probe, or the end of the wait after the last; NEVER when not TENTATIVE. */
        long dadDeadline = NEVER;
        /** Probes sent; 0 while the initial delay runs. */
        int probes;
        byte[][] nonces;
        boolean joined;

        Entry(long prefix, Ipv6Address address, int dadCounter) {
            this.prefix = prefix;
            this.address = address;
            this.dadCounter = dadCounter;
        }
    }

    private final SlaacConfig config;
    private final Link link;
    private final Rng rng;
    private final MessageDigest sha256;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /**
     * The entry {@link #assigned} found last, null after any removal from {@link #entries}: a
     * packet to the same address of ours skips the walk (decision 0078). Its state is checked at
     * each use, so only a removal has to clear it.
     */
    private Entry lastAssigned;
    /**
     * Counts every change {@link #sourceAddress} depends on: an entry added or removed, an
     * entry's state changed. With the last destination and answer it lets a send to the same
     * destination skip the selection (decision 0078).
     */
    private long generation;
    private long lastSourceGeneration = -1;
    private long lastSourceForHigh;
    private long lastSourceForLow;
    private Ipv6Address lastSource;
    /** The manual addresses, formed again by every {@link #start}. */
    private final ArrayList<Ipv6Cidr> manual = new ArrayList<>();
    private long retransTimer;
    private long nextDeadline = NEVER;

    private long probesSent;
    /** Changes of the set of assigned addresses: an address became assigned or stopped being so. */
    private long assignedChanges;
    private long duplicates;
    private long loopedBack;
    private long conflicts;
    private long prefixesIgnored;
    private long addressesRefused;

    /**
     * @param rng draws the initial delay and the nonces
     */
    public Slaac(SlaacConfig config, Link link, Rng rng) {
        this.config = Objects.requireNonNull(config, "config");
        this.link = Objects.requireNonNull(link, "link");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.retransTimer = config.retransTimerNanos();
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("java.base always has SHA-256", e);
        }
    }

    // ---------------------------------------------------------------- inputs

    /**
     * The interface came up (or up again): every address is forgotten (groups left) and the
     * link-local address is formed, TENTATIVE, its first probe after a random delay of up to
     * MAX_RTR_SOLICITATION_DELAY.
     *
     * @return the next deadline
     */
    public long start(long now) {
        for (Entry e : entries) {
            leave(now, e);
            if (usable(e)) {
                assignedChanges++;
            }
        }
        entries.clear();
        removed();
        Entry e = form(now, LINK_LOCAL_PREFIX.high(), 0, NEVER, NEVER);
        if (config.dupAddrDetectTransmits() > 0) {
            e.dadDeadline = now + Math.floorMod(rng.nextLong(), RouterSolicitor.MAX_RTR_SOLICITATION_DELAY_NANOS + 1);
            deadline(e.dadDeadline);
        } else {
            startDad(now, e);
        }
        for (Ipv6Cidr c : manual) {
            formManual(now, c);
        }
        return nextDeadline;
    }

    /**
     * Adds an address configured by the operator (a static {@code --ipv6=CIDR}): TENTATIVE, its
     * Duplicate Address Detection as the link-local address's (section 5.4 applies to every
     * unicast address, however configured), its first probe after the same random delay; valid
     * and preferred for ever; no new identifier is tried when it is found DUPLICATE (it stays so,
     * unused). It is formed again by every {@link #start}. Ignored if the address is held already.
     *
     * @return false if it was held already or {@link SlaacConfig#maxAddresses()} are held (counted
     *     in {@link #addressesRefused()})
     */
    public boolean addManual(long now, Ipv6Cidr address) {
        Objects.requireNonNull(address, "address");
        if (manual.contains(address) || find(address.address()) != null) {
            return false;
        }
        if (entries.size() >= config.maxAddresses()) {
            addressesRefused++;
            return false;
        }
        manual.add(address);
        formManual(now, address);
        return true;
    }

    private void formManual(long now, Ipv6Cidr c) {
        if (find(c.address()) != null || entries.size() >= config.maxAddresses()) {
            return;
        }
        Entry e = new Entry(c.address().high(), c.address(), 0);
        e.prefixLength = c.prefixLength();
        e.manual = true;
        e.preferredUntil = NEVER;
        e.validUntil = NEVER;
        add(e);
        if (config.dupAddrDetectTransmits() > 0) {
            e.dadDeadline = now + Math.floorMod(rng.nextLong(), RouterSolicitor.MAX_RTR_SOLICITATION_DELAY_NANOS + 1);
            deadline(e.dadDeadline);
        } else {
            startDad(now, e);
        }
    }

    /**
     * A valid Router Advertisement: its RetransTimer when non-zero, and each Prefix Information
     * option by section 5.5.3: ignored without the A flag, for a link-local prefix, with a
     * preferred lifetime above the valid one, or a length other than 64 (counted); a new prefix
     * with a non-zero valid lifetime forms an address (TENTATIVE) if there is room; a known one
     * has its preferred lifetime set and its valid lifetime set under the two-hour rule (e).
     */
    public void routerAdvertisement(long now, RouterAdvertisement ra) {
        if (ra.retransTimer() != 0) {
            retransTimer = ra.retransTimer() * NdpRouting.MILLISECOND;
        }
        for (NdpOption o : ra.options()) {
            if (o instanceof NdpOption.PrefixInformation p && p.autonomous()) {
                prefix(now, p);
            }
        }
    }

    /**
     * A valid Neighbor Solicitation from {@code source}: for a TENTATIVE target from {@code ::}
     * it is another node's probe, which makes ours DUPLICATE, unless it carries a nonce we sent
     * for that address (our own probe looped back, RFC 7527: counted, ignored); from a unicast
     * source it is address resolution and ignored (section 5.4.3).
     */
    public Ownership neighborSolicitation(long now, Ipv6Address source, NeighborSolicitation ns) {
        Entry e = find(ns.target());
        if (e == null || e.state == AddressState.DUPLICATE) {
            return Ownership.NOT_OURS;
        }
        if (e.state != AddressState.TENTATIVE) {
            return Ownership.ASSIGNED;
        }
        if (source.isUnspecified()) {
            if (ownNonce(e, ns.options())) {
                loopedBack++;
            } else {
                duplicate(now, e);
            }
        }
        return Ownership.TENTATIVE;
    }

    /**
     * A valid Neighbor Advertisement: for a TENTATIVE target the address is DUPLICATE (section
     * 5.4.4); for an assigned one it is a conflict, counted (the address is kept: section 5.4.4
     * leaves it to management).
     */
    public Ownership neighborAdvertisement(long now, NeighborAdvertisement na) {
        Entry e = find(na.target());
        if (e == null || e.state == AddressState.DUPLICATE) {
            return Ownership.NOT_OURS;
        }
        if (e.state == AddressState.TENTATIVE) {
            duplicate(now, e);
            return Ownership.TENTATIVE;
        }
        conflicts++;
        return Ownership.ASSIGNED;
    }

    /**
     * Sends the probes due, ends Duplicate Address Detection for addresses whose last probe went
     * unanswered, deprecates and removes addresses whose lifetimes ran out; returns the next
     * deadline ({@link NdpRouting#NEVER} if none).
     */
    public long poll(long now) {
        long next = NEVER;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.validUntil <= now) {
                leave(now, e);
                entries.remove(i);
                removed();
                if (usable(e)) {
                    assignedChanges++;
                }
                continue;
            }
            if (e.state == AddressState.TENTATIVE && e.dadDeadline <= now) {
                if (e.probes == 0) {
                    startDad(now, e);
                } else if (e.probes < config.dupAddrDetectTransmits()) {
                    probe(now, e);
                } else {
                    enterState(e, AddressState.PREFERRED);
                    e.dadDeadline = NEVER;
                    e.nonces = null;
                    assignedChanges++;
                }
            }
            lifetimes(now, e);
            next = Math.min(next, Math.min(e.validUntil, e.dadDeadline));
            if (e.state == AddressState.PREFERRED) {
                next = Math.min(next, e.preferredUntil);
            }
        }
        nextDeadline = next;
        return next;
    }

    /** The deadline {@link #poll} last returned, brought forward by inputs since. */
    public long nextDeadline() {
        return nextDeadline;
    }

    /** RetransTimer for probes from now on (a Router Advertisement's, when the caller has it elsewhere). */
    public void setRetransTimer(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("RetransTimer must be positive: " + nanos);
        }
        retransTimer = nanos;
    }

    // ---------------------------------------------------------------- queries

    /** Every address held, in the order formed. */
    public List<AddressInfo> addresses() {
        List<AddressInfo> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(new AddressInfo(new Ipv6Cidr(e.address, e.prefixLength), e.state, e.preferredUntil, e.validUntil,
                    e.dadCounter, e.manual));
        }
        return out;
    }

    /** The state of {@code address}, null if it is not ours. */
    public AddressState state(Ipv6Address address) {
        Entry e = find(address);
        return e == null ? null : e.state;
    }

    /** Whether {@code address} is assigned to the interface: PREFERRED or DEPRECATED (packets to it are ours). */
    public boolean isAssigned(Ipv6Address address) {
        Entry e = find(address);
        return e != null && usable(e);
    }

    /**
     * The assigned (PREFERRED or DEPRECATED) address {@code high}:{@code low}, our own instance,
     * or null: a lookup that allocates nothing, for the receive path.
     */
    public Ipv6Address assigned(long high, long low) {
        Entry last = lastAssigned;
        if (last != null && last.address.low() == low && last.address.high() == high && usable(last)) {
            return last.address;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.address.low() == low && e.address.high() == high && usable(e)) {
                lastAssigned = e;
                return e.address;
            }
        }
        return null;
    }

    /**
     * Whether we listen to the solicited-node group {@code ff02::1:ffXX:XXXX} whose low 24 bits
     * are {@code low24}: that of an address being probed or assigned (not of one found DUPLICATE,
     * whose group was left). Allocates nothing.
     */
    public boolean listensToSolicitedNode(long low24) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.joined && (e.address.low() & 0xff_ffffL) == low24) {
                return true;
            }
        }
        return false;
    }

    /** The link-local address once Duplicate Address Detection passed; null before (and after it failed). */
    public Ipv6Address usableLinkLocal() {
        for (Entry e : entries) {
            if (e.prefix == LINK_LOCAL_PREFIX.high() && !e.manual && usable(e)) {
                return e.address;
            }
        }
        return null;
    }

    /** Whether the link-local address is DUPLICATE with no retry left: IPv6 must stop on the interface (section 5.4.5). */
    public boolean linkLocalFailed() {
        for (Entry e : entries) {
            if (e.prefix == LINK_LOCAL_PREFIX.high() && !e.manual) {
                return e.state == AddressState.DUPLICATE;
            }
        }
        return false;
    }

    /**
     * A source address for {@code destination} (RFC 6724 section 5, the rules that apply to
     * one interface): the link-local address for a link-local or link-scope multicast
     * destination; else a global address, PREFERRED before DEPRECATED, then the longest common
     * prefix; else the link-local address. Null when no address is assigned.
     */
    public Ipv6Address sourceAddress(Ipv6Address destination) {
        if (lastSourceGeneration == generation && lastSourceForHigh == destination.high()
                && lastSourceForLow == destination.low()) {
            return lastSource;
        }
        Ipv6Address source = selectSource(destination);
        lastSourceGeneration = generation;
        lastSourceForHigh = destination.high();
        lastSourceForLow = destination.low();
        lastSource = source;
        return source;
    }

    /** {@link #sourceAddress}'s selection, without its memory of the last answer. */
    Ipv6Address selectSource(Ipv6Address destination) {
        boolean linkScope = destination.isLinkLocal()
                || destination.isMulticast() && ((destination.high() >>> 48) & 0xf) <= 2;
        Entry best = null;
        for (Entry e : entries) {
            if (!usable(e) || e.address.isLinkLocal() != linkScope) {
                continue;
            }
            if (best == null || better(e, best, destination)) {
                best = e;
            }
        }
        return best != null ? best.address : usableLinkLocal();
    }

    /**
     * How many times the set of assigned addresses ({@link #isAssigned}) changed: one became
     * assigned (its Duplicate Address Detection passed) or stopped being so (its valid lifetime
     * ended, or a restart). A caller that compares it with an earlier value knows, without
     * allocating, whether to read {@link #addresses()} again.
     */
    public long assignedChanges() {
        return assignedChanges;
    }

    /** Probes sent. */
    public long probesSent() {
        return probesSent;
    }

    /** Addresses found DUPLICATE. */
    public long duplicates() {
        return duplicates;
    }

    /** Probes of ours that came back (RFC 7527) and were ignored. */
    public long loopedBack() {
        return loopedBack;
    }

    /** Advertisements from another node for an address assigned to us. */
    public long conflicts() {
        return conflicts;
    }

    /** Prefix Information options with the A flag ignored by section 5.5.3's rules. */
    public long prefixesIgnored() {
        return prefixesIgnored;
    }

    /** New prefixes not configured because {@link SlaacConfig#maxAddresses()} were held. */
    public long addressesRefused() {
        return addressesRefused;
    }

    // ---------------------------------------------------------------- identifiers

    /**
     * RFC 7217 section 5's F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key) with SHA-256:
     * the low 64 bits of SHA-256 over the prefix's 8 octets, Net_Iface, Network_ID, DAD_Counter
     * as 4 octets (big-endian) and the key.
     */
    long stableIdentifier(long prefix, int dadCounter) {
        sha256.reset();
        for (int i = 56; i >= 0; i -= 8) {
            sha256.update((byte) (prefix >>> i));
        }
        sha256.update(config.netIface());
        sha256.update(config.networkId());
        for (int i = 24; i >= 0; i -= 8) {
            sha256.update((byte) (dadCounter >>> i));
        }
        sha256.update(config.secretKey());
        byte[] d = sha256.digest();
        long iid = 0;
        for (int i = d.length - 8; i < d.length; i++) {
            iid = iid << 8 | (d[i] & 0xff);
        }
        return iid;
    }

    /** The Modified EUI-64 identifier of {@code mac} (RFC 4291 Appendix A): FFFE in the middle, the U/L bit inverted. */
    static long eui64(MacAddress mac) {
        long m = mac.bits();
        return ((m >>> 24) << 40 | 0xfffeL << 24 | (m & 0xff_ffffL)) ^ 0x0200_0000_0000_0000L;
    }

    /**
     * Whether {@code iid} is a reserved interface identifier (RFC 5453 and the IANA registry it
     * made): the Subnet-Router Anycast identifier 0, 0200:5EFF:FE00:0000-0200:5EFF:FEFF:FFFF, and
     * the subnet anycast identifiers FDFF:FFFF:FFFF:FF80-FDFF:FFFF:FFFF:FFFF.
     */
    static boolean reservedIdentifier(long iid) {
        return iid == 0 || (iid >>> 24) == 0x0200_5eff_feL
                || Long.compareUnsigned(iid, 0xfdff_ffff_ffff_ff80L) >= 0 && Long.compareUnsigned(iid, 0xfdff_ffff_ffff_ffffL) <= 0;
    }

    // ---------------------------------------------------------------- inside

    private void prefix(long now, NdpOption.PrefixInformation p) {
        long prefix = p.prefix().high();
        if ((prefix & LINK_LOCAL_MASK) == LINK_LOCAL_PREFIX.high() || p.preferredLifetime() > p.validLifetime()
                || p.prefixLength() != IDENTIFIER_BITS) {
            prefixesIgnored++;
            return;
        }
        long valid = seconds(p.validLifetime());
        long preferred = seconds(p.preferredLifetime());
        Entry e = findPrefix(prefix);
        if (e == null) {
            if (p.validLifetime() == 0) {
                return;
            }
            if (entries.size() >= config.maxAddresses()) {
                addressesRefused++;
                return;
            }
            startDad(now, form(now, prefix, 0, NdpRouting.after(now, preferred), NdpRouting.after(now, valid)));
            return;
        }
        // Section 5.5.3 e.
        e.preferredUntil = NdpRouting.after(now, preferred);
        long remaining = e.validUntil == NEVER ? NEVER : e.validUntil - now;
        if (valid > TWO_HOURS_NANOS || valid > remaining) {
            e.validUntil = NdpRouting.after(now, valid);
        } else if (remaining > TWO_HOURS_NANOS) {
            e.validUntil = now + TWO_HOURS_NANOS;
        }
        lifetimes(now, e);
        deadline(e.validUntil);
        deadline(e.preferredUntil);
    }

    /** A new TENTATIVE address on {@code prefix} (its identifier not reserved), added to the list. */
    private Entry form(long now, long prefix, int dadCounter, long preferredUntil, long validUntil) {
        int counter = dadCounter;
        long iid;
        if (config.identifiers() == SlaacConfig.Identifiers.EUI64) {
            iid = eui64(config.mac());
        } else {
            iid = stableIdentifier(prefix, counter);
            while (reservedIdentifier(iid)) { // RFC 7217 section 5: try the next counter
                iid = stableIdentifier(prefix, ++counter);
            }
        }
        Entry e = new Entry(prefix, new Ipv6Address(prefix, iid), counter);
        e.preferredUntil = preferredUntil;
        e.validUntil = validUntil;
        add(e);
        deadline(validUntil);
        return e;
    }

    /** Joins the solicited-node group and sends the first probe; with DupAddrDetectTransmits 0, the address is assigned at once. */
    private void startDad(long now, Entry e) {
        join(now, e);
        if (config.dupAddrDetectTransmits() == 0) {
            enterState(e, AddressState.PREFERRED);
            e.dadDeadline = NEVER;
            assignedChanges++;
            lifetimes(now, e);
            return;
        }
        e.nonces = new byte[config.dupAddrDetectTransmits()][];
        probe(now, e);
    }

    private void probe(long now, Entry e) {
        byte[] nonce = new byte[NONCE_LENGTH];
        rng.nextBytes(nonce);
        e.nonces[e.probes++] = nonce;
        e.dadDeadline = now + retransTimer;
        deadline(e.dadDeadline);
        probesSent++;
        link.sendDadProbe(new NeighborSolicitation(e.address,
                List.of(new NdpOption.Unknown(NONCE_OPTION_TYPE, Octets.of(nonce)))));
    }

    private void duplicate(long now, Entry e) {
        duplicates++;
        leave(now, e);
        enterState(e, AddressState.DUPLICATE);
        e.dadDeadline = NEVER;
        e.nonces = null;
        boolean retry = !e.manual && config.identifiers() == SlaacConfig.Identifiers.STABLE_PRIVACY
                && e.dadCounter < config.idgenRetries();
        link.duplicate(now, new Ipv6Cidr(e.address, e.prefixLength), retry);
        if (retry) {
            entries.remove(e);
            removed();
            Entry again = form(now, e.prefix, e.dadCounter + 1, e.preferredUntil, e.validUntil);
            startDad(now, again);
        }
    }

    private boolean ownNonce(Entry e, List<NdpOption> options) {
        for (NdpOption o : options) {
            if (o instanceof NdpOption.Unknown u && u.type() == NONCE_OPTION_TYPE && e.nonces != null) {
                byte[] got = u.data().toArray();
                for (byte[] n : e.nonces) {
                    if (n != null && java.util.Arrays.equals(n, got)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Adds {@code e} to {@link #entries}: {@link #sourceAddress}'s memory is stale. */
    private void add(Entry e) {
        entries.add(e);
        generation++;
    }

    /** An entry left {@link #entries}: both lookups' memories are stale. */
    private void removed() {
        generation++;
        lastAssigned = null;
    }

    /** {@code e} enters state {@code s}: {@link #sourceAddress}'s memory is stale. */
    private void enterState(Entry e, AddressState s) {
        e.state = s;
        generation++;
    }

    /** PREFERRED and DEPRECATED follow the preferred lifetime (an address can be preferred again). */
    private void lifetimes(long now, Entry e) {
        if (e.state == AddressState.PREFERRED && e.preferredUntil <= now) {
            enterState(e, AddressState.DEPRECATED);
        } else if (e.state == AddressState.DEPRECATED && e.preferredUntil > now) {
            enterState(e, AddressState.PREFERRED);
        }
    }

    private void join(long now, Entry e) {
        if (!e.joined) {
            e.joined = true;
            link.joinGroup(now, Icmpv6Repr.solicitedNode(e.address));
        }
    }

    private void leave(long now, Entry e) {
        if (e.joined) {
            e.joined = false;
            link.leaveGroup(now, Icmpv6Repr.solicitedNode(e.address));
        }
    }

    private static boolean usable(Entry e) {
        return e.state == AddressState.PREFERRED || e.state == AddressState.DEPRECATED;
    }

    private static boolean better(Entry a, Entry b, Ipv6Address destination) {
        if (a.state != b.state) {
            return a.state == AddressState.PREFERRED;
        }
        return commonPrefix(a.address, destination) > commonPrefix(b.address, destination);
    }

    private static int commonPrefix(Ipv6Address a, Ipv6Address b) {
        long high = a.high() ^ b.high();
        return high != 0 ? Long.numberOfLeadingZeros(high) : 64 + Long.numberOfLeadingZeros(a.low() ^ b.low());
    }

    private Entry find(Ipv6Address address) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).address.equals(address)) {
                return entries.get(i);
            }
        }
        return null;
    }

    private Entry findPrefix(long prefix) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).prefix == prefix && !entries.get(i).manual) {
                return entries.get(i);
            }
        }
        return null;
    }

    private static long seconds(long lifetime) {
        return lifetime == NdpOption.PrefixInformation.INFINITE ? NEVER : lifetime * NdpRouting.SECOND;
    }

    private void deadline(long at) {
        if (at < nextDeadline) {
            nextDeadline = at;
        }
    }
}
