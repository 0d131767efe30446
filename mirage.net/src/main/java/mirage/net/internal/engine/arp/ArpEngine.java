package mirage.net.internal.engine.arp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Arp;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ethernet.EthernetEngine;
import mirage.net.internal.wire.ArpPacket;
import mirage.net.internal.wire.EthernetFrame;

/**
 * ARP for IPv4 over Ethernet (RFC 826) with address conflict detection (RFC 5227), as a sans-IO
 * state machine over an {@link EthernetEngine}.
 *
 * <h2>Inputs</h2>
 * <ul>
 *   <li>{@link #receive}: an ARP packet (the payload of a frame the binding received). Requests for our addresses are answered; the sender of any packet already in the cache
 *       is refreshed, and the sender of a packet aimed at one of our addresses is added (RFC 826,
 *       "Packet Reception"). Malformed packets, and packets whose sender hardware address is a
 *       group address, are dropped and counted in {@link Arp.Stats#malformed()}; nothing is
 *       thrown for any bytes.
 *   <li>{@link #resolve}/{@link #query}: the MAC of an address if resolved; otherwise a request is
 *       broadcast (at most one per {@link ArpConfig#retryIntervalNanos()} and
 *       {@link ArpConfig#maxRequests()} in all, the retries sent by {@link #poll}); a resolved entry used
 *       {@link #VERIFY_DELAY_NANOS} after its MAC was learned is verified once by unicast
 *       requests to that MAC, and dropped if none is answered (Linux's DELAY and PROBE states,
 *       without confirmation by upper layers).
 *   <li>{@link #output}: sends an IPv4 packet to a next hop, or queues a copy until the next hop
 *       resolves (bounded per destination and in total; overflow is dropped and counted in
 *       {@link Arp.Stats#queueDropped()}, as are packets whose resolution gives up).
 *   <li>{@link #addAddress}/{@link #removeAddress}/{@link #setAddresses}: an added address is
 *       probed (RFC 5227 section 2.1.1: after a random wait of up to {@value #PROBE_WAIT_MS} ms,
 *       {@value #PROBE_NUM} probes {@value #PROBE_MIN_MS}-{@value #PROBE_MAX_MS} ms apart), then
 *       announced ({@value #ANNOUNCE_NUM} gratuitous ARPs {@value #ANNOUNCE_INTERVAL_MS} ms apart,
 *       section 2.3); it is answered for from its first announcement. A conflict while probing
 *       abandons the address; a conflict later is defended with one announcement at most every
 *       {@value #DEFEND_INTERVAL_MS} ms (section 2.4 (b)). Conflicts are counted.
 *   <li>{@link #poll}: runs what is due at {@code now} (probes, announcements, retries, entry
 *       expiry, giving up) and returns the next deadline, {@link Long#MAX_VALUE} when there is
 *       none. Every other input may bring the deadline forward: the driver calls {@link #poll}
 *       (or reads {@link #nextDeadline()}) after each.
 * </ul>
 *
 * <h2>Resources</h2>
 * The cache and the queue are fixed arrays allocated here; receiving, resolving and queueing
 * allocate nothing ({@link #query} allocates its {@link Optional}). A full cache evicts the
 * resolved entry closest to expiry; when every entry is pending, a new resolution is refused
 * and its packet dropped and counted.
 *
 * <p>Not thread-safe: owned by the event loop, like every engine.
 */
public final class ArpEngine {

    /**
     * How long a learned MAC cannot be replaced by a different one from anything but a
     * gratuitous ARP: Linux's {@code locktime} (1 s by default).
     */
    static final long LOCKTIME_NANOS = 1_000_000_000L;

    /**
     * How long a resolved entry is used before its MAC is verified by a unicast request to it:
     * Linux's {@code delay_first_probe_time} (5 s). An entry is verified once in its life (a
     * reply from that MAC while verifying confirms it); when {@link ArpConfig#maxRequests()}
     * unicast requests, {@link ArpConfig#retryIntervalNanos()} apart, get no reply from it, the
     * entry is dropped and the next packet to the address resolves it afresh by broadcast. So
     * a wrong MAC that came alone (a corrupted or spoofed packet, with no true one to lock
     * against) is used for seconds, not for the entry's whole life.
     */
    static final long VERIFY_DELAY_NANOS = 5_000_000_000L;

    /** RFC 5227 section 1.1: PROBE_WAIT, 1 second. */
    public static final long PROBE_WAIT_MS = 1000;
    /** RFC 5227 section 1.1: PROBE_NUM, 3 probe packets. */
    public static final int PROBE_NUM = 3;
    /** RFC 5227 section 1.1: PROBE_MIN, 1 second. */
    public static final long PROBE_MIN_MS = 1000;
    /** RFC 5227 section 1.1: PROBE_MAX, 2 seconds. */
    public static final long PROBE_MAX_MS = 2000;
    /** RFC 5227 section 1.1: ANNOUNCE_WAIT, 2 seconds. */
    public static final long ANNOUNCE_WAIT_MS = 2000;
    /** RFC 5227 section 1.1: ANNOUNCE_NUM, 2 announcement packets. */
    public static final int ANNOUNCE_NUM = 2;
    /** RFC 5227 section 1.1: ANNOUNCE_INTERVAL, 2 seconds. */
    public static final long ANNOUNCE_INTERVAL_MS = 2000;
    /** RFC 5227 section 1.1: DEFEND_INTERVAL, 10 seconds. */
    public static final long DEFEND_INTERVAL_MS = 10_000;
    /** Most addresses one interface answers for. */
    public static final int MAX_ADDRESSES = 8;
    /** What {@link #resolve} returns for an address not resolved (yet). */
    public static final long UNRESOLVED = -1;

    private static final long MS = 1_000_000L;
    private static final byte FREE = 0;
    private static final byte PENDING = 1;
    private static final byte RESOLVED = 2;
    private static final byte PROBING = 1;
    private static final byte ANNOUNCING = 2;
    private static final byte BOUND = 3;

    /** What {@link #output} did with a packet. */
    public enum Outcome {
        /** The next hop was resolved; the packet was sent. */
        SENT,
        /** A copy waits for the next hop's resolution. */
        QUEUED,
        /** The queue (or the cache) was full; the packet was dropped and counted. */
        DROPPED
    }

    private final EthernetEngine ethernet;
    private final long macBits;
    private final ArpConfig config;
    private final Rng rng;
    private final ArpPacket view = new ArpPacket();

    // Our addresses, in the order added.
    private final int[] addr = new int[MAX_ADDRESSES];
    private final byte[] addrState = new byte[MAX_ADDRESSES];
    private final int[] addrSent = new int[MAX_ADDRESSES];
    private final long[] addrDeadline = new long[MAX_ADDRESSES];
    private final long[] addrLastDefence = new long[MAX_ADDRESSES];
    private int addrCount;

    // The cache.
    private final int[] cIp;
    private final long[] cMac;
    private final byte[] cState;
    private final long[] cExpires;
    /** When the entry's MAC was last set: a different one is refused for {@link #LOCKTIME_NANOS} after. */
    private final long[] cLearned;
    /** Whether the entry's MAC answered a unicast request to it (see {@link #VERIFY_DELAY_NANOS}). */
    private final boolean[] cVerified;
    /** Unicast requests sent to verify the entry's MAC; 0 when not verifying. */
    private final int[] cVerifySent;
    /** When the next verification request (or giving up) is due; {@link Long#MAX_VALUE} when not verifying. */
    private final long[] cNextVerify;
    private final long[] cNextRequest;
    private final int[] cSent;
    private final int[] cHead;
    private final int[] cTail;
    private final int[] cQueued;

    // The queue: slots linked per entry, free slots linked from qFree.
    private final byte[][] qData;
    private final int[] qLength;
    private final int[] qNext;
    private int qFree;

    private long requestsSent;
    private long repliesSent;
    private long announcementsSent;
    private long requestsReceived;
    private long repliesReceived;
    private long conflicts;
    private long malformed;
    private long queueDropped;
    /** ARP packets whose different MAC for a cached address came within the locktime and was not taken. */
    private long lockedOut;

    /**
     * Builds the engine, which sends through {@code ethernet}.
     *
     * @param rng randomness for probe delays (RFC 5227 section 2.1.1); the engine has no other
     */
    public ArpEngine(EthernetEngine ethernet, ArpConfig config, Rng rng) {
        this.ethernet = Objects.requireNonNull(ethernet, "ethernet");
        this.config = Objects.requireNonNull(config, "config");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.macBits = ethernet.mac().bits();
        int n = config.cacheCapacity();
        cIp = new int[n];
        cMac = new long[n];
        cState = new byte[n];
        cExpires = new long[n];
        cLearned = new long[n];
        cVerified = new boolean[n];
        cVerifySent = new int[n];
        cNextVerify = new long[n];
        java.util.Arrays.fill(cNextVerify, Long.MAX_VALUE);
        cNextRequest = new long[n];
        cSent = new int[n];
        cHead = new int[n];
        cTail = new int[n];
        cQueued = new int[n];
        java.util.Arrays.fill(cHead, -1);
        java.util.Arrays.fill(cTail, -1);
        int q = config.queueTotal();
        qData = new byte[q][ethernet.mtu()];
        qLength = new int[q];
        qNext = new int[q];
        for (int i = 0; i < q; i++) {
            qNext[i] = i + 1 < q ? i + 1 : -1;
        }
        qFree = q > 0 ? 0 : -1;
    }

    // ---------------------------------------------------------------- addresses

    /** Our addresses, in the order added, probing ones included. */
    public List<Ipv4Address> addresses() {
        List<Ipv4Address> out = new ArrayList<>(addrCount);
        for (int i = 0; i < addrCount; i++) {
            out.add(new Ipv4Address(addr[i]));
        }
        return List.copyOf(out);
    }

    /** Whether {@code address} is ours and answered for (announcing or bound, not probing). */
    public boolean answersFor(Ipv4Address address) {
        int i = addressIndex(address.bits());
        return i >= 0 && addrState[i] != PROBING;
    }

    /**
     * Adds {@code address}: it is probed, then announced, as {@link ArpConfig#addressStart()}
     * says, from {@link #poll}. No effect if present.
     *
     * @throws IllegalArgumentException if the address is unspecified, broadcast, multicast or
     *     loopback, or {@value #MAX_ADDRESSES} addresses are held already
     */
    public void addAddress(long now, Ipv4Address address) {
        int bits = address.bits();
        if (address.isUnspecified() || address.isBroadcast() || address.isMulticast() || address.isLoopback()) {
            throw new IllegalArgumentException("ARP cannot answer for " + address
                    + ": it is unspecified, broadcast, multicast or loopback");
        }
        if (addressIndex(bits) >= 0) {
            return;
        }
        if (addrCount == MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " addresses per interface");
        }
        int i = addrCount++;
        addr[i] = bits;
        addrSent[i] = 0;
        addrLastDefence[i] = Long.MIN_VALUE;
        if (config.addressStart() == ArpConfig.AddressStart.PROBE_THEN_ANNOUNCE) {
            addrState[i] = PROBING;
            addrDeadline[i] = now + Math.floorMod(rng.nextLong(), PROBE_WAIT_MS * MS + 1);
        } else {
            addrState[i] = ANNOUNCING;
            addrDeadline[i] = now;
        }
    }

    /** Stops answering for {@code address}; no effect if absent. */
    public void removeAddress(Ipv4Address address) {
        int i = addressIndex(address.bits());
        if (i >= 0) {
            removeAddressAt(i);
        }
    }

    /**
     * Makes {@code addresses} ours: absent ones are removed, new ones added (probed and announced).
     *
     * @throws IllegalArgumentException as {@link #addAddress}; then nothing is changed
     */
    public void setAddresses(long now, List<Ipv4Address> addresses) {
        for (Ipv4Address a : addresses) {
            if (a.isUnspecified() || a.isBroadcast() || a.isMulticast() || a.isLoopback()) {
                throw new IllegalArgumentException("ARP cannot answer for " + a
                        + ": it is unspecified, broadcast, multicast or loopback");
            }
        }
        if (addresses.stream().distinct().count() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " addresses per interface");
        }
        for (int i = addrCount - 1; i >= 0; i--) {
            if (!addresses.contains(new Ipv4Address(addr[i]))) {
                removeAddressAt(i);
            }
        }
        for (Ipv4Address a : addresses) {
            addAddress(now, a);
        }
    }

    private void removeAddressAt(int i) {
        int tail = addrCount - 1 - i;
        System.arraycopy(addr, i + 1, addr, i, tail);
        System.arraycopy(addrState, i + 1, addrState, i, tail);
        System.arraycopy(addrSent, i + 1, addrSent, i, tail);
        System.arraycopy(addrDeadline, i + 1, addrDeadline, i, tail);
        System.arraycopy(addrLastDefence, i + 1, addrLastDefence, i, tail);
        addrCount--;
    }

    private int addressIndex(int bits) {
        for (int i = 0; i < addrCount; i++) {
            if (addr[i] == bits) {
                return i;
            }
        }
        return -1;
    }

    /** The sender protocol address of our requests: the first address answered for, else 0.0.0.0. */
    private int senderAddress() {
        for (int i = 0; i < addrCount; i++) {
            if (addrState[i] != PROBING) {
                return addr[i];
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------- receive

    /**
     * Receives the ARP packet at {@code [offset, offset + length)} of {@code buffer} (the payload
     * of a received frame, lent for the call), at {@code now}; see the class comment. Never
     * throws for any bytes.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer (a caller's bug)
     */
    public void receive(long now, ByteBuffer buffer, int offset, int length) {
        if (!view.check(buffer, offset, length)) {
            malformed++;
            return;
        }
        int op = view.operation();
        if (op == ArpPacket.OPERATION_REQUEST) {
            requestsReceived++;
        } else if (op == ArpPacket.OPERATION_REPLY) {
            repliesReceived++;
        } else {
            malformed++;
            return;
        }
        long sha = view.senderHardwareAddress();
        int spa = view.senderProtocolAddress();
        int tpa = view.targetProtocolAddress();
        if ((sha & (1L << 40)) != 0) {
            malformed++;
            return;
        }
        if (sha == macBits) {
            return; // our own frame, looped back
        }
        int mine = spa != 0 ? addressIndex(spa) : -1;
        if (mine >= 0) {
            conflict(now, mine);
            return;
        }
        int target = addressIndex(tpa);
        if (spa == 0) {
            // A probe (RFC 5227 section 1.1): learn nothing from it.
            if (target >= 0 && addrState[target] == PROBING && op == ArpPacket.OPERATION_REQUEST) {
                conflicts++;
                removeAddressAt(target); // another host probes for it too: section 2.1.1
                return;
            }
        }
        boolean merged = false;
        if (spa != 0) {
            int e = find(spa);
            if (e >= 0) {
                // Linux's locktime: a resolved entry does not take a different MAC within 1 s of
                // learning one, unless from a gratuitous ARP (spa = tpa, an announcement). Two
                // answers that disagree (a corrupted or spoofed reply racing the true one) then
                // leave the first in place instead of the last.
                if (cState[e] != RESOLVED || cMac[e] == sha || spa == tpa || now - cLearned[e] >= LOCKTIME_NANOS) {
                    learn(now, e, sha);
                    if (op == ArpPacket.OPERATION_REPLY && cVerifySent[e] > 0 && cMac[e] == sha) {
                        verified(e); // the MAC answered our unicast request
                    }
                } else {
                    lockedOut++;
                }
                merged = true;
            }
        }
        if (target < 0 || addrState[target] == PROBING) {
            return;
        }
        if (!merged && spa != 0) {
            int e = allocate();
            if (e >= 0) {
                cIp[e] = spa;
                cState[e] = PENDING;
                learn(now, e, sha);
            }
        }
        if (op == ArpPacket.OPERATION_REQUEST) {
            sendArp(sha, ArpPacket.OPERATION_REPLY, tpa, sha, spa);
            repliesSent++;
        }
    }

    private void conflict(long now, int i) {
        conflicts++;
        if (addrState[i] == PROBING) {
            removeAddressAt(i); // RFC 5227 section 2.1.1: the address is in use, abandon it
            return;
        }
        if (addrLastDefence[i] == Long.MIN_VALUE || now - addrLastDefence[i] >= DEFEND_INTERVAL_MS * MS) {
            addrLastDefence[i] = now;
            announce(addr[i]);
        }
    }

    /** The sender of a packet has MAC {@code sha}: entry {@code e} becomes resolved; its queue goes out. */
    private void learn(long now, int e, long sha) {
        if (cState[e] != RESOLVED || cMac[e] != sha) {
            cLearned[e] = now;
            cVerified[e] = false;
            cVerifySent[e] = 0;
            cNextVerify[e] = Long.MAX_VALUE;
        }
        cMac[e] = sha;
        cExpires[e] = now + config.reachableNanos();
        if (cState[e] == PENDING) {
            cState[e] = RESOLVED;
            for (int s = cHead[e]; s >= 0; ) {
                int next = qNext[s];
                ByteBuffer out = ethernet.startFrame(sha, EthernetFrame.TYPE_IPV4);
                out.put(EthernetFrame.HEADER_LENGTH, qData[s], 0, qLength[s]);
                ethernet.sendFrame(qLength[s]);
                freeSlot(s);
                s = next;
            }
            cHead[e] = -1;
            cTail[e] = -1;
            cQueued[e] = 0;
        }
    }

    // ---------------------------------------------------------------- resolve and output

    /**
     * The MAC address of {@code address} as 48 bits, or {@link #UNRESOLVED}; in that case a
     * resolution is under way (a request was sent now, or earlier and is awaited). Broadcast
     * and multicast addresses map to their Ethernet group addresses (RFC 1112 section 6.4), our
     * own addresses to our MAC.
     */
    public long resolve(long now, int address) {
        if (address == -1) {
            return MacAddress.BROADCAST.bits();
        }
        if ((address & 0xf000_0000) == 0xe000_0000) {
            return 0x01_00_5e_00_00_00L | (address & 0x7f_ffff);
        }
        if (addressIndex(address) >= 0) {
            return macBits;
        }
        int e = find(address);
        if (e >= 0 && cState[e] == RESOLVED) {
            if (cExpires[e] > now) {
                if (!cVerified[e] && cVerifySent[e] == 0 && now - cLearned[e] >= VERIFY_DELAY_NANOS) {
                    verify(now, e); // used for a while: check that its MAC answers
                }
                return cMac[e];
            }
            free(e); // expired and not yet polled away
            e = -1;
        }
        if (e < 0) {
            e = allocate();
            if (e < 0) {
                return UNRESOLVED;
            }
            cIp[e] = address;
            cState[e] = PENDING;
            cSent[e] = 1;
            cNextRequest[e] = now + config.retryIntervalNanos();
            sendArp(MacAddress.BROADCAST.bits(), ArpPacket.OPERATION_REQUEST, senderAddress(), 0, address);
            requestsSent++;
        }
        return UNRESOLVED;
    }

    /** {@link #resolve} as a value: the MAC if resolved, else empty. */
    public Optional<MacAddress> query(long now, Ipv4Address address) {
        long mac = resolve(now, address.bits());
        return mac == UNRESOLVED ? Optional.empty() : Optional.of(new MacAddress(mac));
    }

    /**
     * Sends the IPv4 packet between position and limit of {@code packet} (borrowed for the call)
     * to {@code nextHop}, or queues a copy until it resolves.
     *
     * @throws IllegalArgumentException if the packet is longer than the MTU
     */
    public Outcome output(long now, Ipv4Address nextHop, ByteBuffer packet) {
        int length = packet.remaining();
        if (length > ethernet.mtu()) {
            throw new IllegalArgumentException("packet of " + length + " bytes exceeds the MTU " + ethernet.mtu());
        }
        long mac = resolve(now, nextHop.bits());
        if (mac != UNRESOLVED) {
            ethernet.send(mac, EthernetFrame.TYPE_IPV4, packet);
            return Outcome.SENT;
        }
        int e = find(nextHop.bits());
        if (e < 0 || cQueued[e] >= config.queuePerDestination() || qFree < 0) {
            queueDropped++;
            return Outcome.DROPPED;
        }
        int s = qFree;
        qFree = qNext[s];
        qNext[s] = -1;
        packet.get(packet.position(), qData[s], 0, length);
        qLength[s] = length;
        if (cTail[e] >= 0) {
            qNext[cTail[e]] = s;
        } else {
            cHead[e] = s;
        }
        cTail[e] = s;
        cQueued[e]++;
        return Outcome.QUEUED;
    }

    // ---------------------------------------------------------------- time

    /**
     * Runs everything due at {@code now}: probes and announcements, request retries, giving up
     * on resolutions (their queued packets dropped and counted) and expiry of resolved entries.
     *
     * @return the next deadline, {@link Long#MAX_VALUE} if none
     */
    public long poll(long now) {
        for (int i = 0; i < addrCount; i++) {
            if (addrState[i] != BOUND && addrDeadline[i] <= now) {
                step(now, i);
            }
        }
        for (int e = 0; e < cState.length; e++) {
            if (cState[e] == RESOLVED && cExpires[e] <= now) {
                free(e);
            } else if (cState[e] == RESOLVED && cNextVerify[e] <= now) {
                if (cVerifySent[e] < config.maxRequests()) {
                    verify(now, e);
                } else {
                    free(e); // its MAC never answered: resolve afresh on the next packet
                }
            } else if (cState[e] == PENDING && cNextRequest[e] <= now) {
                if (cSent[e] < config.maxRequests()) {
                    cSent[e]++;
                    cNextRequest[e] = now + config.retryIntervalNanos();
                    sendArp(MacAddress.BROADCAST.bits(), ArpPacket.OPERATION_REQUEST, senderAddress(), 0, cIp[e]);
                    requestsSent++;
                } else {
                    queueDropped += cQueued[e];
                    free(e);
                }
            }
        }
        return nextDeadline();
    }

    private void step(long now, int i) {
        if (addrState[i] == PROBING) {
            if (addrSent[i] < PROBE_NUM) {
                sendArp(MacAddress.BROADCAST.bits(), ArpPacket.OPERATION_REQUEST, 0, 0, addr[i]);
                requestsSent++;
                addrSent[i]++;
                addrDeadline[i] = addrSent[i] < PROBE_NUM
                        ? now + PROBE_MIN_MS * MS + Math.floorMod(rng.nextLong(), (PROBE_MAX_MS - PROBE_MIN_MS) * MS + 1)
                        : now + ANNOUNCE_WAIT_MS * MS;
                return;
            }
            addrState[i] = ANNOUNCING;
            addrSent[i] = 0;
        }
        announce(addr[i]);
        addrSent[i]++;
        if (addrSent[i] < ANNOUNCE_NUM) {
            addrDeadline[i] = now + ANNOUNCE_INTERVAL_MS * MS;
        } else {
            addrState[i] = BOUND;
            addrDeadline[i] = Long.MAX_VALUE;
        }
    }

    /** The earliest time {@link #poll} has something to do, {@link Long#MAX_VALUE} if none. */
    public long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (int i = 0; i < addrCount; i++) {
            if (addrState[i] != BOUND) {
                next = Math.min(next, addrDeadline[i]);
            }
        }
        for (int e = 0; e < cState.length; e++) {
            if (cState[e] == RESOLVED) {
                next = Math.min(next, Math.min(cExpires[e], cNextVerify[e]));
            } else if (cState[e] == PENDING) {
                next = Math.min(next, cNextRequest[e]);
            }
        }
        return next;
    }

    // ---------------------------------------------------------------- cache

    private int find(int ip) {
        for (int e = 0; e < cState.length; e++) {
            if (cState[e] != FREE && cIp[e] == ip) {
                return e;
            }
        }
        return -1;
    }

    /** A free entry, evicting the resolved one closest to expiry if needed; -1 if all are pending. */
    private int allocate() {
        int victim = -1;
        for (int e = 0; e < cState.length; e++) {
            if (cState[e] == FREE) {
                victim = e;
                break;
            }
            if (cState[e] == RESOLVED && (victim < 0 || cExpires[e] < cExpires[victim])) {
                victim = e;
            }
        }
        if (victim >= 0) {
            free(victim);
            cHead[victim] = -1;
            cTail[victim] = -1;
            cQueued[victim] = 0;
        }
        return victim;
    }

    /** Sends a unicast request to entry {@code e}'s MAC; its answer (or none) is awaited by {@link #poll}. */
    private void verify(long now, int e) {
        cVerifySent[e]++;
        cNextVerify[e] = now + config.retryIntervalNanos();
        sendArp(cMac[e], ArpPacket.OPERATION_REQUEST, senderAddress(), 0, cIp[e]);
        requestsSent++;
    }

    private void verified(int e) {
        cVerified[e] = true;
        cVerifySent[e] = 0;
        cNextVerify[e] = Long.MAX_VALUE;
    }

    private void free(int e) {
        for (int s = cHead[e]; s >= 0 && cQueued[e] > 0; ) {
            int next = qNext[s];
            freeSlot(s);
            s = next;
        }
        cState[e] = FREE;
        cVerified[e] = false;
        cVerifySent[e] = 0;
        cNextVerify[e] = Long.MAX_VALUE;
        cHead[e] = -1;
        cTail[e] = -1;
        cQueued[e] = 0;
    }

    private void freeSlot(int s) {
        qNext[s] = qFree;
        qFree = s;
    }

    /** A snapshot of the cache, ordered by address (unsigned). */
    public List<Arp.Entry> entries() {
        List<Arp.Entry> out = new ArrayList<>();
        for (int e = 0; e < cState.length; e++) {
            if (cState[e] == RESOLVED) {
                out.add(new Arp.Entry(new Ipv4Address(cIp[e]), Optional.of(new MacAddress(cMac[e])),
                        Arp.State.RESOLVED, cExpires[e]));
            } else if (cState[e] == PENDING) {
                long giveUp = cNextRequest[e] + (long) (config.maxRequests() - cSent[e]) * config.retryIntervalNanos();
                out.add(new Arp.Entry(new Ipv4Address(cIp[e]), Optional.empty(), Arp.State.PENDING, giveUp));
            }
        }
        out.sort((a, b) -> a.address().compareTo(b.address()));
        return List.copyOf(out);
    }

    /** Packets waiting for resolution, all destinations. */
    public int queued() {
        int n = 0;
        for (int e = 0; e < cState.length; e++) {
            n += cState[e] == PENDING ? cQueued[e] : 0;
        }
        return n;
    }

    /** ARP packets not taken because they named a different MAC within the locktime (for tests). */
    public long lockedOut() {
        return lockedOut;
    }

    /** The counters since the engine was built. */
    public Arp.Stats stats() {
        return new Arp.Stats(requestsSent, repliesSent, announcementsSent, requestsReceived, repliesReceived,
                conflicts, malformed, queueDropped);
    }

    // ---------------------------------------------------------------- emit

    private void announce(int address) {
        sendArp(MacAddress.BROADCAST.bits(), ArpPacket.OPERATION_REQUEST, address, 0, address);
        announcementsSent++;
    }

    private void sendArp(long destination, int operation, int spa, long tha, int tpa) {
        ByteBuffer b = ethernet.startFrame(destination, EthernetFrame.TYPE_ARP);
        int at = EthernetFrame.HEADER_LENGTH;
        b.putShort(at + ArpPacket.HARDWARE_TYPE, (short) ArpPacket.HARDWARE_ETHERNET);
        b.putShort(at + ArpPacket.PROTOCOL_TYPE, (short) EthernetFrame.TYPE_IPV4);
        b.put(at + ArpPacket.HARDWARE_LENGTH, (byte) MacAddress.LENGTH);
        b.put(at + ArpPacket.PROTOCOL_LENGTH, (byte) Ipv4Address.LENGTH);
        b.putShort(at + ArpPacket.OPERATION, (short) operation);
        put48(b, at + ArpPacket.SENDER_HARDWARE, macBits);
        b.putInt(at + ArpPacket.SENDER_PROTOCOL, spa);
        put48(b, at + ArpPacket.TARGET_HARDWARE, tha);
        b.putInt(at + ArpPacket.TARGET_PROTOCOL, tpa);
        ethernet.sendFrame(ArpPacket.LENGTH);
    }

    private static void put48(ByteBuffer b, int at, long bits) {
        for (int i = 0; i < 6; i++) {
            b.put(at + i, (byte) (bits >>> (40 - 8 * i)));
        }
    }
}
