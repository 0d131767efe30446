package mirage.net.internal.engine.dhcp;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.DhcpPacket;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.Octets;

/**
 * A DHCP client for one Ethernet interface (RFC 2131 section 4.4, options RFC 2132), as a
 * sans-IO state machine: messages, calls and {@code now} (monotonic nanoseconds) in; messages,
 * lease events and the next deadline out, through a {@link Sink}. No clock, thread or socket:
 * the binding wraps each message in UDP (port 68 to 67) and IPv4, and hands back the payloads
 * of UDP datagrams from port 67 to port 68.
 *
 * <h2>States</h2>
 * The states of RFC 2131 figure 5, without INIT-REBOOT, which {@link #start} passes through at
 * once: {@link State#INIT} (idle, or waiting to start over), {@link State#SELECTING},
 * {@link State#REQUESTING}, {@link State#REBOOTING}, {@link State#BOUND},
 * {@link State#RENEWING} and {@link State#REBINDING}. A lease is held exactly in the last three.
 *
 * <h2>Inputs</h2>
 * <ul>
 *   <li>{@link #start}: from INIT, broadcasts a DHCPREQUEST for the address held before
 *       (REBOOTING) if there is one, else a DHCPDISCOVER (SELECTING). The address held before
 *       is {@link DhcpClientConfig#requestedAddress()} at first, then the last address bound,
 *       forgotten after a DHCPNAK, a decline or a release.
 *   <li>{@link #receive}: a DHCP message from a server. The first acceptable DHCPOFFER in
 *       SELECTING is requested (REQUESTING); a DHCPACK binds (BOUND, {@link Sink#bound}); a
 *       DHCPNAK in REQUESTING or REBOOTING starts over from INIT after a wait of
 *       {@value #NAK_WAIT_SECONDS} s that doubles with each DHCPNAK until a lease is bound (at
 *       most {@link DhcpClientConfig#maxTimeoutNanos()}), so that a server that always refuses
 *       causes no storm; a DHCPNAK in RENEWING or REBINDING also ends the lease
 *       ({@link Sink#lost}). Only replies ({@code op} BOOTREPLY) of the current exchange
 *       ({@code xid}) for our {@code chaddr}, of a type the state expects, are looked at; from
 *       the server the client chose (REQUESTING) or renews with (RENEWING) when they name a
 *       server. Anything else is dropped and counted ({@link Stats}); nothing is thrown for any
 *       bytes.
 *   <li>{@link #poll}: retransmissions and lease timers. Before an address is bound, messages
 *       are retransmitted after 4, 8, 16, 32, 64, 64... seconds, each moved by a uniform random
 *       amount in &plusmn;1 s (RFC 2131 section 4.1; all three numbers are in the config); in
 *       REQUESTING and REBOOTING only {@link DhcpClientConfig#requestAttempts()} times, then
 *       the client starts over with a DHCPDISCOVER. At T1 the client unicasts a DHCPREQUEST to
 *       its server (RENEWING), at T2 it broadcasts one (REBINDING), each retransmitted after
 *       half the time left to T2 or to the end of the lease, but no sooner than
 *       {@value #MIN_RENEW_RETRANSMIT_SECONDS} s (RFC 2131 section 4.4.5). At the end of the
 *       lease, {@link Sink#lost} and a new DHCPDISCOVER at once.
 *   <li>{@link #decline}: the binding found the bound address in use (an ARP conflict, RFC 2131
 *       section 4.4.1): the lease is dropped ({@link Sink#lost}), a DHCPDECLINE broadcast, and
 *       the client starts over after {@value #DECLINE_WAIT_SECONDS} s (RFC 2131 section 3.1
 *       step 5).
 *   <li>{@link #release}: a held lease is given back with a DHCPRELEASE unicast to its server
 *       (RFC 2131 section 4.4.6) and {@link Sink#lost}; in every case the client stops in INIT
 *       until {@link #start} is called again.
 * </ul>
 * Every input may bring the deadline forward: the driver calls {@link #poll} (or reads
 * {@link #nextDeadline()}) after each. {@link #poll} returns a deadline later than its
 * {@code now}, {@link Long#MAX_VALUE} when nothing is scheduled (INIT stopped, or an infinite
 * lease).
 *
 * <h2>Outputs</h2>
 * Messages are laid out as RFC 2131 table 5 says: {@code secs} counts seconds since the start
 * of the exchange (0 in DHCPDECLINE and DHCPRELEASE), each exchange (DISCOVER and its REQUEST,
 * a reboot, a renewal, a rebinding, a decline, a release) has a fresh {@code xid} from the
 * {@link Rng}, kept by its retransmissions. The client identifier (option 61), host name (12),
 * parameter request list (55) and maximum message size (57) come from the config.
 *
 * <p>Every callback comes after the client's state has changed: {@link #state()} and
 * {@link #lease()} already tell the new state. The source address of a message is the
 * binding's to choose by this rule: the address of the lease between {@link Sink#bound} and
 * {@link Sink#lost}, 0.0.0.0 otherwise (the client orders its calls so that this is right: a
 * DHCPDECLINE follows {@link Sink#lost}, a DHCPRELEASE precedes it).
 *
 * <p>Not thread-safe: owned by the event loop, like every engine. A {@link Sink} must not call
 * back into the client; exceptions it throws propagate to the caller.
 */
public final class DhcpClient {

    /** RFC 2131 section 3.1 step 5: wait at least ten seconds after a DHCPDECLINE before starting over. */
    public static final long DECLINE_WAIT_SECONDS = 10;
    /** RFC 2131 section 4.4.5: retransmissions in RENEWING and REBINDING no sooner than 60 seconds apart. */
    public static final long MIN_RENEW_RETRANSMIT_SECONDS = 60;
    /** The first wait after a DHCPNAK before starting over; it doubles with each DHCPNAK until a lease is bound. */
    public static final long NAK_WAIT_SECONDS = 1;

    private static final long SECOND = 1_000_000_000L;
    /** RFC 1700, hardware type 1: Ethernet (10 Mb). */
    private static final int HTYPE_ETHERNET = 1;
    private static final String DECLINE_MESSAGE = "address in use";
    private static final String RELEASE_MESSAGE = "released";

    /** The client's state (RFC 2131 figure 5; INIT-REBOOT is passed through by {@link #start}). */
    public enum State {
        /** No exchange under way; waiting to start over if {@link #nextDeadline()} is finite, else stopped. */
        INIT,
        /** DHCPDISCOVER sent, waiting for a DHCPOFFER. */
        SELECTING,
        /** DHCPREQUEST sent for an offer, waiting for a DHCPACK or DHCPNAK. */
        REQUESTING,
        /** DHCPREQUEST sent for the address held before (INIT-REBOOT), waiting for a DHCPACK or DHCPNAK. */
        REBOOTING,
        /** A lease is held; nothing is sent until T1. */
        BOUND,
        /** T1 passed: renewing with the server that granted the lease, by unicast. */
        RENEWING,
        /** T2 passed: renewing with any server, by broadcast. */
        REBINDING
    }

    /** Why a lease ended. */
    public enum Loss {
        /** It ran out without being renewed. */
        EXPIRED,
        /** A server refused to renew it (DHCPNAK). */
        NAK,
        /** The client gave it back ({@link #release}). */
        RELEASED,
        /** The binding found the address in use ({@link #decline}). */
        DECLINED,
        /** A renewal gave another address; {@link Sink#bound} follows with the new lease. */
        REPLACED
    }

    /** Where the client's output goes: the binding. */
    public interface Sink {
        /**
         * Sends a DHCP message to UDP port 67 of {@code destination}, from port 68.
         *
         * @param destination {@link Ipv4Address#BROADCAST} or the server's address (renewing, releasing)
         * @param message position to limit; the client's buffer, valid only during the call
         */
        void send(long now, Ipv4Address destination, ByteBuffer message);

        /** A lease was granted or renewed: configure its address, routes and servers (a renewal may change its options). */
        void bound(long now, Lease lease);

        /** The lease in force ended: stop using its address. */
        void lost(long now, Lease lease, Loss reason);
    }

    /**
     * Counters since the client was built. Every {@link #receive} counts once in
     * {@code received} and once in exactly one of the six that follow it.
     *
     * @param discoversSent DHCPDISCOVERs, retransmissions included
     * @param requestsSent DHCPREQUESTs, retransmissions included
     * @param declinesSent DHCPDECLINEs
     * @param releasesSent DHCPRELEASEs
     * @param received messages given to {@link #receive}
     * @param offersAccepted DHCPOFFERs taken (at most one per DHCPDISCOVER exchange)
     * @param acksAccepted DHCPACKs that bound or renewed a lease
     * @param naksAccepted DHCPNAKs obeyed
     * @param malformed messages that are not DHCP messages ({@link DhcpMessage#parse} refused them)
     * @param ignored messages not for the current exchange: wrong {@code op}, {@code xid},
     *     {@code chaddr}, message type or server, or none expected in this state
     * @param rejected offers and acknowledgements for this exchange that cannot make a lease
     *     (no usable address, server identifier or lease time)
     * @param leasesLost {@link Sink#lost} calls
     */
    public record Stats(long discoversSent, long requestsSent, long declinesSent, long releasesSent,
            long received, long offersAccepted, long acksAccepted, long naksAccepted,
            long malformed, long ignored, long rejected, long leasesLost) {}

    private final DhcpClientConfig config;
    private final Rng rng;
    private final Sink sink;
    private final Octets chaddr;
    private final Octets clientIdentifier;
    private ByteBuffer tx = ByteBuffer.allocate(DhcpMessage.BOOTP_MIN_LEN * 2);

    private State state = State.INIT;
    private long deadline = Long.MAX_VALUE;
    private int xid;
    /** When the current exchange began: {@code secs} counts from here. */
    private long exchangeStart;
    /** When the first DHCPREQUEST of the current exchange was sent: a lease it obtains counts from here. */
    private long requestSentAt;
    /** Messages sent in the current exchange. */
    private int attempts;
    /** The next retransmission timeout before randomization. */
    private long timeout;
    /** REQUESTING: the offered address and the server chosen. */
    private Ipv4Address offered;
    private Ipv4Address chosenServer;
    /** The address to ask for again (INIT-REBOOT, option 50 in DHCPDISCOVER), or null. */
    private Ipv4Address held;
    private Lease lease;
    private long nakWait = NAK_WAIT_SECONDS * SECOND;

    private long discoversSent;
    private long requestsSent;
    private long declinesSent;
    private long releasesSent;
    private long received;
    private long offersAccepted;
    private long acksAccepted;
    private long naksAccepted;
    private long malformed;
    private long ignored;
    private long rejected;
    private long leasesLost;

    /**
     * A client in INIT, stopped: nothing happens until {@link #start}.
     *
     * @param mac the interface's address: {@code chaddr}, and the client identifier unless the config has one
     * @param rng randomness for transaction ids and retransmission jitter
     */
    public DhcpClient(MacAddress mac, DhcpClientConfig config, Rng rng, Sink sink) {
        Objects.requireNonNull(mac, "mac");
        this.config = Objects.requireNonNull(config, "config");
        this.rng = Objects.requireNonNull(rng, "rng");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.chaddr = Octets.of(mac.toBytes());
        byte[] id = new byte[1 + MacAddress.LENGTH];
        id[0] = HTYPE_ETHERNET;
        System.arraycopy(mac.toBytes(), 0, id, 1, MacAddress.LENGTH);
        this.clientIdentifier = config.clientIdentifier().orElse(Octets.of(id));
        this.held = config.requestedAddress().orElse(null);
    }

    // ---------------------------------------------------------------- accessors

    /** The current state. */
    public State state() {
        return state;
    }

    /** The lease in force: present exactly in BOUND, RENEWING and REBINDING. */
    public Optional<Lease> lease() {
        return Optional.ofNullable(lease);
    }

    /** The earliest time {@link #poll} has something to do, {@link Long#MAX_VALUE} if none. */
    public long nextDeadline() {
        return deadline;
    }

    /** The counters since the client was built. */
    public Stats stats() {
        return new Stats(discoversSent, requestsSent, declinesSent, releasesSent, received, offersAccepted,
                acksAccepted, naksAccepted, malformed, ignored, rejected, leasesLost);
    }

    // ---------------------------------------------------------------- calls

    /**
     * Starts acquiring a lease: a DHCPREQUEST for the address held before (REBOOTING) or a
     * DHCPDISCOVER (SELECTING), sent now. From INIT only, stopped or waiting to start over
     * (then the wait is cut short).
     *
     * @throws IllegalStateException if the client is in any other state ({@link #release} stops it)
     */
    public void start(long now) {
        if (state != State.INIT) {
            throw new IllegalStateException("the DHCP client is already running (" + state + "); release it first");
        }
        if (held != null) {
            state = State.REBOOTING;
            newExchange(now);
            requestSentAt = now;
            sendRequest(now);
            backOff(now);
        } else {
            selecting(now);
        }
    }

    /**
     * The binding found the leased address in use (RFC 2131 section 4.4.1): the lease ends
     * ({@link Sink#lost} with {@link Loss#DECLINED}), a DHCPDECLINE is broadcast, and the client
     * waits {@value #DECLINE_WAIT_SECONDS} s in INIT before a new DHCPDISCOVER.
     *
     * @return false, doing nothing, if no lease is held
     */
    public boolean decline(long now) {
        Lease l = lease;
        if (l == null) {
            return false;
        }
        lease = null;
        held = null;
        state = State.INIT;
        deadline = now + DECLINE_WAIT_SECONDS * SECOND;
        leasesLost++;
        sink.lost(now, l, Loss.DECLINED);
        xid = newXid();
        transmit(now, MessageType.DECLINE, Ipv4Address.BROADCAST, 0, 0, Ipv4Address.UNSPECIFIED,
                DhcpOptions.builder().requestedIpAddress(l.address().address()).serverIdentifier(l.serverIdentifier())
                        .message(DECLINE_MESSAGE));
        declinesSent++;
        return true;
    }

    /**
     * Stops the client in INIT. A lease held is given back first: a DHCPRELEASE unicast to its
     * server, then {@link Sink#lost} with {@link Loss#RELEASED}. Without a lease nothing is sent.
     * {@link #start} may follow.
     */
    public void release(long now) {
        Lease l = lease;
        state = State.INIT;
        deadline = Long.MAX_VALUE;
        held = null;
        if (l != null) {
            xid = newXid();
            transmit(now, MessageType.RELEASE, l.serverIdentifier(), 0, 0, l.address().address(),
                    DhcpOptions.builder().serverIdentifier(l.serverIdentifier()).message(RELEASE_MESSAGE));
            releasesSent++;
            lease = null;
            leasesLost++;
            sink.lost(now, l, Loss.RELEASED);
        }
    }

    // ---------------------------------------------------------------- time

    /**
     * Runs what is due at {@code now}: a retransmission, a new start, renewing at T1,
     * rebinding at T2, or the end of the lease. However late the call, it does the step that
     * {@code now} calls for (a client polled after T2 rebinds without renewing first).
     *
     * @return the next deadline, after {@code now}; {@link Long#MAX_VALUE} if none
     */
    public long poll(long now) {
        if (deadline == Long.MAX_VALUE || deadline > now) {
            return deadline;
        }
        switch (state) {
            case INIT -> selecting(now);
            case SELECTING -> {
                sendDiscover(now);
                backOff(now);
            }
            case REQUESTING, REBOOTING -> {
                if (attempts >= config.requestAttempts()) {
                    selecting(now); // RFC 2131 section 4.4.1: no answer, back to INIT
                } else {
                    sendRequest(now);
                    backOff(now);
                }
            }
            case BOUND, RENEWING, REBINDING -> leaseTimers(now);
        }
        return deadline;
    }

    private void leaseTimers(long now) {
        Lease l = lease;
        if (now >= l.expiresAt()) {
            lease = null;
            leasesLost++;
            state = State.INIT;
            sink.lost(now, l, Loss.EXPIRED);
            selecting(now); // RFC 2131 section 4.4.5: as if uninitialized
        } else if (now >= l.rebindAt()) {
            if (state != State.REBINDING) {
                state = State.REBINDING;
                newExchange(now);
                requestSentAt = now;
            }
            sendRequest(now);
            deadline = halfway(now, l.expiresAt());
        } else if (now >= l.renewAt()) {
            if (state != State.RENEWING) {
                state = State.RENEWING;
                newExchange(now);
                requestSentAt = now;
            }
            sendRequest(now);
            deadline = halfway(now, l.rebindAt());
        } else {
            deadline = l.renewAt();
        }
    }

    /** RFC 2131 section 4.4.5: half the time left until {@code limit}, at least 60 s, but not past {@code limit}. */
    private static long halfway(long now, long limit) {
        long left = limit - now;
        if (left < 0) {
            left = Long.MAX_VALUE; // limit - now overflowed: limit is far away
        }
        long wait = Math.max(MIN_RENEW_RETRANSMIT_SECONDS * SECOND, left / 2);
        return wait >= left ? limit : now + wait;
    }

    /** RFC 2131 section 4.1: the next retransmission after the current timeout, randomized; the timeout doubles up to the maximum. */
    private void backOff(long now) {
        long jitter = config.jitterNanos();
        deadline = now + timeout - jitter + Math.floorMod(rng.nextLong(), 2 * jitter + 1);
        timeout = Math.min(timeout * 2, config.maxTimeoutNanos());
    }

    private void newExchange(long now) {
        xid = newXid();
        exchangeStart = now;
        attempts = 0;
        timeout = config.initialTimeoutNanos();
    }

    private int newXid() {
        return (int) rng.nextLong();
    }

    private void selecting(long now) {
        state = State.SELECTING;
        offered = null;
        chosenServer = null;
        newExchange(now);
        sendDiscover(now);
        backOff(now);
    }

    // ---------------------------------------------------------------- receive

    /**
     * Receives the payload of a UDP datagram from port 67 to port 68, between position and
     * limit of {@code payload} (borrowed for the call; neither moves). See the class comment for
     * what is taken; everything else is counted in {@link #stats()} and dropped. Never throws
     * for any bytes.
     */
    public void receive(long now, ByteBuffer payload) {
        received++;
        if (state == State.INIT || state == State.BOUND) {
            ignored++;
            return;
        }
        if (payload.remaining() < DhcpPacket.MIN_LEN) {
            malformed++;
            return;
        }
        if (!forThisExchange(DhcpPacket.wrap(payload))) {
            ignored++;
            return;
        }
        DhcpMessage m;
        switch (DhcpMessage.parse(payload)) {
            case Parsed.Ok<DhcpMessage> ok -> m = ok.value();
            case Parsed.Err<DhcpMessage> err -> {
                malformed++;
                return;
            }
        }
        MessageType type = m.options().messageType().orElse(null);
        if (state == State.SELECTING && type == MessageType.OFFER) {
            offer(now, m);
        } else if (state != State.SELECTING && type == MessageType.ACK) {
            ack(now, m);
        } else if (state != State.SELECTING && type == MessageType.NAK) {
            nak(now, m);
        } else {
            ignored++;
        }
    }

    /** A reply ({@code op} 2) with our {@code xid} for our Ethernet {@code chaddr}; the view holds at least the fixed header. */
    private boolean forThisExchange(DhcpPacket p) {
        if (p.op() != DhcpMessage.Op.BOOTREPLY.code() || p.xid() != xid || p.htype() != HTYPE_ETHERNET
                || p.hlen() != MacAddress.LENGTH) {
            return false;
        }
        for (int i = 0; i < MacAddress.LENGTH; i++) {
            if (p.chaddr(i) != chaddr.get(i)) {
                return false;
            }
        }
        return true;
    }

    private void offer(long now, DhcpMessage m) {
        Lease.Read read = Lease.fromAck(m, null, now);
        if (read.lease() == null) {
            rejected++;
            return;
        }
        offersAccepted++;
        state = State.REQUESTING;
        offered = m.yiaddr();
        chosenServer = read.lease().serverIdentifier();
        attempts = 0; // the same exchange: xid and secs go on
        timeout = config.initialTimeoutNanos();
        requestSentAt = now;
        sendRequest(now);
        backOff(now);
    }

    /** The server a reply must come from in this state, or null if any may answer. */
    private Ipv4Address expectedServer() {
        return switch (state) {
            case REQUESTING -> chosenServer;
            case RENEWING -> lease.serverIdentifier();
            default -> null;
        };
    }

    /** Whether the reply names a server other than the one expected. */
    private boolean fromOtherServer(DhcpMessage m) {
        Ipv4Address expected = expectedServer();
        Optional<Ipv4Address> named = m.options().serverIdentifier();
        return expected != null && named.isPresent() && !named.get().equals(expected);
    }

    private void ack(long now, DhcpMessage m) {
        if (fromOtherServer(m)) {
            ignored++;
            return;
        }
        Ipv4Address known = state == State.REQUESTING ? chosenServer : lease != null ? lease.serverIdentifier() : null;
        Lease.Read read = Lease.fromAck(m, known, requestSentAt);
        if (read.lease() == null) {
            rejected++;
            return;
        }
        acksAccepted++;
        Lease old = lease;
        Lease l = read.lease();
        lease = l;
        held = l.address().address();
        state = State.BOUND;
        deadline = l.renewAt();
        nakWait = NAK_WAIT_SECONDS * SECOND;
        offered = null;
        chosenServer = null;
        if (old != null && !old.address().equals(l.address())) {
            leasesLost++;
            sink.lost(now, old, Loss.REPLACED);
        }
        sink.bound(now, l);
    }

    private void nak(long now, DhcpMessage m) {
        if (fromOtherServer(m)) {
            ignored++;
            return;
        }
        naksAccepted++;
        Lease old = lease;
        lease = null;
        held = null;
        offered = null;
        chosenServer = null;
        state = State.INIT;
        deadline = now + nakWait;
        nakWait = Math.min(nakWait * 2, Math.max(config.maxTimeoutNanos(), NAK_WAIT_SECONDS * SECOND));
        if (old != null) {
            leasesLost++;
            sink.lost(now, old, Loss.NAK);
        }
    }

    // ---------------------------------------------------------------- send

    private void sendDiscover(long now) {
        DhcpOptions.Builder o = DhcpOptions.builder();
        if (held != null) {
            o.requestedIpAddress(held); // RFC 2131 section 4.4.1: the client MAY suggest an address
        }
        transmit(now, MessageType.DISCOVER, Ipv4Address.BROADCAST, secs(now), beforeAddressFlags(),
                Ipv4Address.UNSPECIFIED, asking(o));
        discoversSent++;
        attempts++;
    }

    /** The DHCPREQUEST of the current state (RFC 2131 section 4.3.2 and table 4). */
    private void sendRequest(long now) {
        DhcpOptions.Builder o = DhcpOptions.builder();
        switch (state) {
            case REQUESTING -> {
                o.requestedIpAddress(offered).serverIdentifier(chosenServer);
                transmit(now, MessageType.REQUEST, Ipv4Address.BROADCAST, secs(now), beforeAddressFlags(),
                        Ipv4Address.UNSPECIFIED, asking(o));
            }
            case REBOOTING -> {
                o.requestedIpAddress(held);
                transmit(now, MessageType.REQUEST, Ipv4Address.BROADCAST, secs(now), beforeAddressFlags(),
                        Ipv4Address.UNSPECIFIED, asking(o));
            }
            case RENEWING -> transmit(now, MessageType.REQUEST, lease.serverIdentifier(), secs(now), 0,
                    lease.address().address(), asking(o));
            case REBINDING -> transmit(now, MessageType.REQUEST, Ipv4Address.BROADCAST, secs(now), 0,
                    lease.address().address(), asking(o));
            default -> throw new IllegalStateException("no DHCPREQUEST in " + state);
        }
        requestsSent++;
        attempts++;
    }

    /** The options a DHCPDISCOVER or DHCPREQUEST carries besides the state's own. */
    private DhcpOptions.Builder asking(DhcpOptions.Builder o) {
        o.parameterRequestList(config.parameterRequestList());
        config.hostName().ifPresent(o::hostName);
        config.maximumMessageSize().ifPresent(o::maximumMessageSize);
        return o;
    }

    private int beforeAddressFlags() {
        return config.replies() == DhcpClientConfig.Replies.BROADCAST ? DhcpPacket.FLAG_BROADCAST : 0;
    }

    /** Seconds since the exchange began, 0 to 65535. */
    private int secs(long now) {
        long s = (now - exchangeStart) / SECOND;
        return Math.clamp(s, 0, 0xffff);
    }

    private void transmit(long now, MessageType type, Ipv4Address destination, int secs, int flags,
            Ipv4Address ciaddr, DhcpOptions.Builder options) {
        options.messageType(type).clientIdentifier(clientIdentifier);
        DhcpMessage m = new DhcpMessage(DhcpMessage.Op.BOOTREQUEST, HTYPE_ETHERNET, 0, xid, secs, flags, ciaddr,
                Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, chaddr, "", "",
                options.build());
        int length = m.bufferLen();
        if (tx.capacity() < length) {
            tx = ByteBuffer.allocate(length);
        }
        tx.clear();
        m.emit(tx);
        tx.limit(length);
        sink.send(now, destination, tx);
    }
}
