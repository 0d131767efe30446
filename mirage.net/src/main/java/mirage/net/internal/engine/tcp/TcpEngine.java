package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.NetException;
import mirage.net.Tcp;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpSegment;
import mirage.net.internal.wire.TcpSegmenter;

/**
 * TCP over IPv4 (RFC 9293), sans-IO above an {@link Ipv4Engine}, like the UDP engine: segments
 * come in through {@link #receive} (the binding hands it the datagrams of protocol 6), calls come from
 * the binding, segments go out through {@link Ipv4Engine#send}, and {@link #poll} runs the
 * timers that are due and returns the next deadline. Time is the {@code now} parameter
 * (monotonic nanoseconds); randomness (the keys of the ISN, port and cookie functions) comes
 * from the {@link Rng} once, at construction. Not thread-safe: one event loop owns it.
 *
 * <h2>Driving it (what a binding does)</h2>
 * <ol>
 *   <li>Build it over the stack's {@code Ipv4Engine} and set a {@link TcpEvents} sink with
 *       {@link #events(TcpEvents)}.</li>
 *   <li>{@link #listen(int, int)} a port; each handshake that completes on it is reported with
 *       {@link TcpEvents#accepted}. {@link #connect} returns a {@link TcpConnection} in SYN-SENT
 *       at once; {@link TcpEvents#connected} or {@link TcpEvents#closed} (with
 *       {@link Termination#REFUSED} or {@link Termination#TIMEOUT}) follows.</li>
 *   <li>Move bytes with {@link TcpConnection#read} and {@link TcpConnection#write}, which never
 *       block: they return what they could do (0 when they could do nothing yet). Wait for
 *       {@link TcpEvents#readable} / {@link TcpEvents#writable} and call again.
 *       {@link TcpConnection#shutdownWrite} half-closes, {@link TcpConnection#close} ends the
 *       application's use (the engine finishes FIN, TIME-WAIT and cleanup on its own),
 *       {@link TcpConnection#abort} resets.</li>
 *   <li>After handling input or a call, ask {@link #poll} for the next deadline and call it
 *       again no later than then. Calling it early or often is harmless.</li>
 * </ol>
 * Events are delivered at the end of each engine call, after its state is consistent, so a
 * sink may call back into the engine (the calls it makes deliver their own events after).
 *
 * <h2>What it does</h2>
 * The RFC 9293 state machine with simultaneous open and close and half-close; RFC 5961's
 * defences (a RST or SYN that is not exactly expected gets a challenge ACK, rate-limited per
 * second; ACKs below SND.UNA - MAX.SND.WND are challenged); RFC 6298 retransmission timer with
 * Karn's rule (samples from timestamps when they are on, which are never ambiguous) and
 * exponential backoff; MSS option and clamping to the route MTU; delayed ACKs (every second
 * full segment, or after {@link TcpConfig#delayedAck}); Nagle (Minshall's variant, as Linux)
 * unless no-delay, and corking; gathered writes; sender and receiver silly window avoidance;
 * window probes on a zero window; keepalive; TIME-WAIT of {@link TcpConfig#timeWait}; ISNs per RFC 6528 (a SipHash of the 4-tuple under a random key,
 * plus a 4 microsecond clock); ephemeral ports per RFC 6056 algorithm 3; window scaling and
 * timestamps with PAWS (RFC 7323); SACK (RFC 2018) with loss recovery after RFC 6675 (holes
 * retransmitted first, the pipe counting SACKed bytes out), NewReno (RFC 6582) without SACK;
 * NewReno or CUBIC (RFC 9438) congestion control; a backlog of half-open connections per
 * listener with SYN cookies once it is full; bounded buffers per connection and a limit on
 * connections per engine.
 *
 * <h2>Costs</h2>
 * Each connection allocates its two buffers when created; segments allocate nothing (one view,
 * one transmit buffer, per engine). The connection table is open-addressed over the 4-tuple
 * with a random seed. {@link #poll} visits every connection: O(connections) per call.
 *
 * <h2>Not done</h2>
 * Urgent data (the pointer is ignored and sent as zero), ECN, IPv6, path MTU discovery (DF is
 * not set; the MSS is clamped to the first hop's MTU), RFC 7413 fast open, TCP-AO/MD5.
 */
public final class TcpEngine {

    /** The first port of the dynamic range (RFC 6335 section 6). */
    public static final int EPHEMERAL_FIRST = 49152;
    /** RFC 9293 section 3.7.1: the MSS assumed when the SYN carries none. */
    public static final int DEFAULT_MSS = 536;
    /** The least MSS accepted from a peer, so that a tiny one cannot multiply our segments (Linux uses 48). */
    static final int MIN_MSS = 64;
    /** RFC 7323 section 2.3: shifts above 14 are taken as 14. */
    static final int MAX_WINDOW_SHIFT = 14;
    /** RFC 7323 section 5.5: timestamps older than 24 days are not compared (in milliseconds). */
    static final long PAWS_IDLE_MS = 24L * 24 * 3600 * 1000;
    /** SYN cookie MSS values, indexed by three bits of the cookie. */
    static final int[] COOKIE_MSS = {536, 1200, 1360, 1400, 1440, 1460, 4312, 8960};
    /** SYN cookie clock: one tick per 64 s, 5 bits. */
    static final long COOKIE_TICK = 64_000_000_000L;

    private static final int EV_ACCEPTED = 1;
    private static final int EV_CONNECTED = 2;
    private static final int EV_READABLE = 4;
    private static final int EV_WRITABLE = 8;
    private static final int EV_CLOSED = 16;

    /** A port accepting connections. */
    static final class Listener {
        final int port;
        final int backlog;
        int halfOpen;
        boolean open = true;

        Listener(int port, int backlog) {
            this.port = port;
            this.backlog = backlog;
        }
    }

    private final Ipv4Engine ip;
    private final TcpConfig config;
    private final Listener[] listeners = new Listener[0x10000];
    private final ConnectionTable table;
    /** Every connection the engine holds, TIME-WAIT included ({@link TcpConnection#index}). */
    private final List<TcpConnection> live = new ArrayList<>();
    /** The connections {@link #poll} visits: all but those in TIME-WAIT ({@link TcpConnection#timedIndex}). */
    private final List<TcpConnection> timed = new ArrayList<>();
    /**
     * The connections in TIME-WAIT, by the end of it (then by {@link TcpConnection#serial}): their
     * one timer. Kept apart so that a poll costs the connections with other timers plus the
     * TIME-WAITs that end, not every TIME-WAIT of a busy server (tens of thousands a minute).
     */
    private final java.util.TreeSet<TcpConnection> timeWaiting = new java.util.TreeSet<>(
            java.util.Comparator.comparingLong((TcpConnection c) -> c.closeDeadline).thenComparingLong(c -> c.serial));
    private long serials;
    private final ArrayDeque<TcpConnection> pending = new ArrayDeque<>();
    private TcpEvents events = new TcpEvents() { };
    private boolean delivering;
    private final SipHash isnKey;
    private final SipHash portKey;
    private final SipHash cookieKey;
    private int nextEphemeral;
    private final TcpSegment view = new TcpSegment();
    /** Where segments are written: the IP engine's transmit buffer after its header (no copy to send). */
    private final ByteBuffer tx;
    private final int ourShift;
    private long challengeWindowStart = Long.MIN_VALUE;
    private int challengeCount;

    private long activeOpens;
    private long passiveOpens;
    private long failedAttempts;
    private long segmentsReceived;
    private long segmentsSent;
    private long retransmitted;
    private long resetsReceived;
    private long resetsSent;
    private long malformed;
    private long challengeAcks;
    private long synCookiesSent;
    private long dropped;
    private long eventFailures;

    /** An engine that sends through {@code ip}. */
    public TcpEngine(Ipv4Engine ip, TcpConfig config, Rng rng) {
        this.ip = Objects.requireNonNull(ip, "ip");
        this.config = Objects.requireNonNull(config, "config");
        ByteBuffer ipTx = ip.transmitBuffer();
        this.tx = ipTx.slice(Ipv4Packet.MIN_HEADER_LENGTH, ipTx.capacity() - Ipv4Packet.MIN_HEADER_LENGTH);
        Objects.requireNonNull(rng, "rng");
        this.isnKey = new SipHash(rng.nextLong(), rng.nextLong());
        this.portKey = new SipHash(rng.nextLong(), rng.nextLong());
        this.cookieKey = new SipHash(rng.nextLong(), rng.nextLong());
        this.nextEphemeral = rng.nextInt(0x10000);
        this.table = new ConnectionTable(config.maxConnections(), rng.nextLong());
        int shift = 0;
        while (shift < MAX_WINDOW_SHIFT && (config.receiveBuffer() >> shift) > 0xffff) {
            shift++;
        }
        this.ourShift = config.windowScaling() ? shift : 0;
    }

    /** Where events go; replaces the previous sink. */
    public void events(TcpEvents sink) {
        this.events = Objects.requireNonNull(sink, "sink");
    }

    public TcpConfig config() {
        return config;
    }

    // ---------------------------------------------------------------- listeners and opens

    /**
     * Accepts connections to {@code port} on every local address, with at most {@code backlog}
     * handshakes in progress (SYN-RECEIVED) at once; past that, SYN cookies if configured, else
     * SYNs are dropped.
     *
     * @throws NetException {@code ADDRESS_IN_USE} if the port is listened on
     * @throws IllegalArgumentException if the port is outside 1-65535 or the backlog below 1
     */
    public void listen(int port, int backlog) throws NetException {
        checkPort(port);
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        if (listeners[port] != null) {
            throw new NetException(NetException.Reason.ADDRESS_IN_USE, "TCP port " + port + " is listened on");
        }
        listeners[port] = new Listener(port, backlog);
    }

    /** Stops accepting on {@code port}; handshakes in progress on it are reset. No effect if nobody listens. */
    public void unlisten(long now, int port) {
        checkPort(port);
        Listener l = listeners[port];
        if (l == null) {
            return;
        }
        listeners[port] = null;
        l.open = false;
        for (int i = live.size() - 1; i >= 0; i--) {
            if (i >= live.size()) {
                continue;
            }
            TcpConnection c = live.get(i);
            if (c.listener == l && c.state == TcpState.SYN_RECEIVED) {
                sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
                terminate(now, c, Termination.ABORTED);
            }
        }
        flushEvents();
    }

    /**
     * Opens a connection: sends a SYN from {@code local} (null: the address the IP layer
     * chooses for {@code remote}) and an ephemeral port, and returns the connection in
     * SYN-SENT. If it is not established within {@code timeout} nanoseconds it ends with
     * {@link Termination#TIMEOUT}.
     *
     * @throws NetException {@code NO_ROUTE} if no address reaches {@code remote},
     *     {@code ADDRESS_IN_USE} if no ephemeral port is free for it, {@code DISCONNECTED} if the
     *     connection limit is reached
     */
    public TcpConnection connect(long now, Ipv4Address local, Ipv4Address remote, int port, long timeout)
            throws NetException {
        checkPort(port);
        Objects.requireNonNull(remote, "remote");
        if (timeout <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        Ipv4Address source = local != null ? local : ip.source(remote);
        if (source == null || remote.isMulticast() || remote.bits() == -1 || remote.isUnspecified()) {
            throw new NetException(NetException.Reason.NO_ROUTE, "no route to " + remote);
        }
        if (table.size() >= config.maxConnections()) {
            throw new NetException(NetException.Reason.DISCONNECTED,
                    "TCP connection limit reached (" + config.maxConnections() + ")");
        }
        int lport = ephemeralPort(source.bits(), remote.bits(), port);
        if (lport < 0) {
            throw new NetException(NetException.Reason.ADDRESS_IN_USE, "no ephemeral port free towards " + remote + ":" + port);
        }
        TcpConnection c = create(source, lport, remote, port, null, true);
        c.exposed = true;
        c.iss = isn(now, c);
        c.sndUna = c.iss;
        c.sndSml = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.recover = c.iss;
        c.mss = Math.max(MIN_MSS, ip.mtu() - 40);
        c.state = TcpState.SYN_SENT;
        c.connectDeadline = now + timeout;
        activeOpens++;
        sendSyn(now, c);
        flushEvents();
        return c;
    }

    private TcpConnection create(Ipv4Address local, int lport, Ipv4Address remote, int rport, Listener l, boolean active) {
        TcpConnection c = new TcpConnection(this, local, lport, remote, rport, l, active, config.sendBuffer(),
                config.receiveBuffer(), CongestionControl.of(config.congestionControl()));
        c.rto = config.initialRto();
        c.rcvShift = 0;
        table.add(c);
        c.index = live.size();
        live.add(c);
        c.serial = serials++;
        c.timedIndex = timed.size();
        timed.add(c);
        return c;
    }

    private int isn(long now, TcpConnection c) {
        // RFC 6528 section 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 us timer.
        long f = isnKey.hash((long) c.localAddress.bits() << 32 | (c.remoteAddress.bits() & 0xffffffffL),
                (long) c.localPort << 16 | c.remotePort, 0);
        c.tsOffset = (int) (f >>> 32);
        return (int) (now / 4000) + (int) f;
    }

    /** RFC 6056 section 3.3.3, algorithm 3: a per-destination offset, then a shared counter. */
    private int ephemeralPort(int local, int remote, int rport) {
        int num = 0x10000 - EPHEMERAL_FIRST;
        int offset = (int) (portKey.hash((long) local << 32 | (remote & 0xffffffffL), rport, 0) >>> 33);
        for (int i = 0; i < num; i++) {
            int port = EPHEMERAL_FIRST + Math.floorMod(nextEphemeral + offset, num);
            nextEphemeral++;
            if (listeners[port] == null && table.find(local, port, remote, rport) == null) {
                return port;
            }
        }
        return -1;
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a TCP port is 1-65535, got " + port);
        }
    }

    // ---------------------------------------------------------------- input

    /**
     * Receives a TCP segment: the payload of {@code datagram}, a checked view lent for the call
     * (what {@link Ipv4Engine#receive} returned). Never throws for any bytes.
     */
    public void receive(long now, Ipv4Packet datagram) {
        TcpSegment s = view;
        if (!s.check(datagram.buffer(), datagram.payloadOffset(), datagram.payloadLength())) {
            malformed++;
            return;
        }
        int src = datagram.source();
        int dst = datagram.destination();
        if (!s.checksumVerifies(src, dst)) {
            malformed++;
            return;
        }
        segmentsReceived++;
        // RFC 9293 section 3.9.2.2 / RFC 1122 section 4.2.3.10: nothing to or from broadcast or multicast.
        if (!ip.isLocalUnicast(dst) || (src >>> 28) == 0xe || src == 0 || s.sourcePort() == 0
                || s.destinationPort() == 0) {
            dropped++;
            return;
        }
        TcpConnection c = table.find(dst, s.destinationPort(), src, s.sourcePort());
        if (c != null) {
            segment(now, c, s);
        } else {
            noConnection(now, s, src, dst);
        }
        flushEvents();
    }

    /** RFC 9293 section 3.10.7.1 (CLOSED) and 3.10.7.2 (LISTEN). */
    private void noConnection(long now, TcpSegment s, int src, int dst) {
        int flags = s.flags();
        if ((flags & TcpSegment.RST) != 0) {
            return;
        }
        Listener l = listeners[s.destinationPort()];
        if (l == null) {
            resetFor(now, s, src, dst);
            return;
        }
        if ((flags & TcpSegment.ACK) != 0) {
            if ((flags & TcpSegment.SYN) == 0 && config.synCookies() && cookieAck(now, l, s, src, dst)) {
                return;
            }
            resetFor(now, s, src, dst);
            return;
        }
        if ((flags & TcpSegment.SYN) == 0) {
            dropped++;
            return;
        }
        if ((flags & TcpSegment.FIN) != 0) {
            dropped++; // SYN+FIN: no sensible peer sends it
            return;
        }
        if (table.size() >= config.maxConnections()) {
            dropped++;
            return;
        }
        if (l.halfOpen >= l.backlog) {
            if (config.synCookies()) {
                sendCookie(now, s, src, dst);
            } else {
                dropped++;
            }
            return;
        }
        Ipv4Address local = ip.address(dst);
        TcpConnection c = create(local, s.destinationPort(), new Ipv4Address(src), s.sourcePort(), l, false);
        l.halfOpen++;
        c.irs = s.sequence();
        c.rcvNxt = c.irs + 1;
        c.rcvAdv = c.rcvNxt;
        c.iss = isn(now, c);
        c.sndUna = c.iss;
        c.sndSml = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.recover = c.iss;
        negotiate(now, c, s);
        c.sndWnd = s.window();
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = s.sequence();
        c.sndWl2 = c.iss;
        c.lastHeard = now;
        c.state = TcpState.SYN_RECEIVED;
        c.connectDeadline = now + config.initialRto() * 64; // a bound on a half-open connection's life
        sendSyn(now, c);
    }

    /** Options of the peer's SYN (RFC 9293 section 3.7.1, RFC 7323 sections 2 and 3, RFC 2018 section 2). */
    private void negotiate(long now, TcpConnection c, TcpSegment s) {
        int peerMss = s.mss() >= 0 ? s.mss() : DEFAULT_MSS;
        c.mss = Math.max(MIN_MSS, Math.min(peerMss, ip.mtu() - 40));
        if (config.windowScaling() && s.windowScale() >= 0) {
            c.wsOn = true;
            c.sndShift = Math.min(s.windowScale(), MAX_WINDOW_SHIFT);
            c.rcvShift = ourShift;
        } else {
            c.wsOn = false;
            c.sndShift = 0;
            c.rcvShift = 0;
        }
        c.sackOn = config.sack() && s.sackPermitted();
        if (config.timestamps() && s.hasTimestamps()) {
            c.tsOn = true;
            c.tsRecent = s.tsVal();
            c.tsRecentAge = now;
        } else {
            c.tsOn = false;
        }
        c.cc.init(effectiveMss(c));
    }

    /** Payload bytes per segment: the MSS less the options every segment carries. */
    private static int effectiveMss(TcpConnection c) {
        return c.mss - (c.tsOn ? 12 : 0);
    }

    /** Payload bytes that fit the next segment: {@link #effectiveMss} less the SACK blocks it will carry. */
    private static int segmentRoom(TcpConnection c) {
        int sack = c.sackOn && c.oooCount > 0 ? 4 + 8 * Math.min(c.oooCount, c.tsOn ? 3 : 4) : 0;
        return effectiveMss(c) - sack;
    }

    private void segment(long now, TcpConnection c, TcpSegment s) {
        if (c.state == TcpState.SYN_SENT) {
            synSent(now, c, s);
        } else {
            synchronizedOrSynReceived(now, c, s);
        }
        if (c.index >= 0) {
            output(now, c);
        }
    }

    /** RFC 9293 section 3.10.7.3. */
    private void synSent(long now, TcpConnection c, TcpSegment s) {
        int flags = s.flags();
        boolean ack = (flags & TcpSegment.ACK) != 0;
        if (ack && (Seq.le(s.acknowledgment(), c.iss) || Seq.gt(s.acknowledgment(), c.sndMax))) {
            if ((flags & TcpSegment.RST) == 0) {
                sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, s.acknowledgment(), 0, false);
            }
            dropped++;
            return;
        }
        if ((flags & TcpSegment.RST) != 0) {
            if (ack) { // RFC 5961 section 3.2 for SYN-SENT: acceptable only if it acknowledges our SYN
                resetsReceived++;
                failedAttempts++;
                terminate(now, c, Termination.REFUSED);
            }
            return;
        }
        if ((flags & TcpSegment.SYN) == 0) {
            dropped++;
            return;
        }
        c.irs = s.sequence();
        c.rcvNxt = c.irs + 1;
        c.rcvAdv = c.rcvNxt + Math.min(c.rcvCap, 0xffff); // what our SYN offered
        negotiate(now, c, s);
        c.lastHeard = now;
        if (ack) {
            c.sndUna = s.acknowledgment();
            c.sndWnd = s.window(); // RFC 7323 section 2.2: the window of a SYN is never scaled
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = s.sequence();
            c.sndWl2 = s.acknowledgment();
            if (c.tsOn && s.hasTimestamps() && s.tsEcr() != 0) {
                rttSample(c, (long) (tsNow(now, c) - s.tsEcr()) * 1_000_000L);
            } else if (c.retransmits == 0) {
                rttSample(c, now - c.rttStart);
            }
            c.rttStart = -1;
            c.retransmits = 0;
            c.rtoDeadline = TcpConnection.NONE;
            established(now, c);
            c.ackNow = true;
            if (c.finQueued) {
                c.state = TcpState.FIN_WAIT_1;
            }
            // Data in the SYN-ACK is not taken (the peer sends it again); its FIN neither.
        } else {
            // Simultaneous open (RFC 9293 figure 7): SYN-RECEIVED, our SYN sent again with an ACK.
            c.state = TcpState.SYN_RECEIVED;
            c.sndWnd = s.window();
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = s.sequence();
            c.sndWl2 = c.iss;
            c.sndNxt = c.iss;
            sendSyn(now, c);
        }
    }

    private void established(long now, TcpConnection c) {
        c.state = TcpState.ESTABLISHED;
        c.connectDeadline = TcpConnection.NONE;
        if (c.keepIdle > 0) {
            c.keepaliveDeadline = now + c.keepIdle;
        }
        if (c.listener != null) {
            c.listener.halfOpen--;
            if (!c.listener.open) {
                sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
                terminate(now, c, Termination.ABORTED);
                return;
            }
            passiveOpens++;
            c.exposed = true;
            raise(c, EV_ACCEPTED);
        } else {
            raise(c, EV_CONNECTED);
        }
        raise(c, EV_WRITABLE);
    }

    /** RFC 9293 section 3.10.7.4, "Otherwise", with RFC 5961 and RFC 7323. */
    private void synchronizedOrSynReceived(long now, TcpConnection c, TcpSegment s) {
        int flags = s.flags();
        boolean rst = (flags & TcpSegment.RST) != 0;
        boolean syn = (flags & TcpSegment.SYN) != 0;
        int seq = s.sequence();
        int len = s.sequenceLength();
        int payload = s.payloadLength();

        // RFC 7323 section 5.3, PAWS: an old timestamp marks an old duplicate.
        if (c.tsOn && s.hasTimestamps() && !rst && Seq.lt(s.tsVal(), c.tsRecent)
                && (now - c.tsRecentAge) / 1_000_000L < PAWS_IDLE_MS) {
            dropped++;
            c.ackNow = true;
            return;
        }

        // The peer's SYN again in SYN-RECEIVED: our SYN-ACK was lost; send it again.
        if (syn && !rst && c.state == TcpState.SYN_RECEIVED && !c.active && seq == c.irs) {
            c.sndNxt = c.iss;
            sendSyn(now, c);
            return;
        }

        // First: sequence number acceptability (RFC 9293 section 3.10.7.4, the table).
        int rcvWnd = Math.max(0, c.rcvAdv - c.rcvNxt);
        boolean acceptable;
        if (len == 0) {
            // The right edge itself is taken too (as Linux does): a peer whose data filled our
            // window numbers its pure ACKs there.
            acceptable = rcvWnd == 0 ? seq == c.rcvNxt : Seq.le(c.rcvNxt, seq) && Seq.le(seq, c.rcvNxt + rcvWnd);
        } else {
            acceptable = rcvWnd != 0 && (Seq.inRange(seq, c.rcvNxt, c.rcvNxt + rcvWnd)
                    || Seq.inRange(seq + len - 1, c.rcvNxt, c.rcvNxt + rcvWnd));
        }
        // A zero window still takes a segment at RCV.NXT for its ACK, RST and FIN.
        if (!acceptable && !(rcvWnd == 0 && seq == c.rcvNxt)) {
            if (!rst) {
                if (c.state == TcpState.TIME_WAIT && (flags & TcpSegment.FIN) != 0) {
                    restartTimeWait(now, c);
                }
                c.ackNow = true;
            }
            dropped++;
            return;
        }

        // Second: RST (RFC 5961 section 3.2).
        if (rst) {
            if (c.state == TcpState.TIME_WAIT) {
                dropped++; // RFC 1337: a RST must not cut TIME-WAIT short ("TIME-WAIT assassination")
                return;
            }
            if (seq != c.rcvNxt) {
                challengeAck(now, c);
                return;
            }
            resetsReceived++;
            switch (c.state) {
                case SYN_RECEIVED -> {
                    if (c.active) {
                        failedAttempts++;
                        terminate(now, c, Termination.REFUSED);
                    } else {
                        terminate(now, c, Termination.RESET); // back to LISTEN: the listener never saw it
                    }
                }
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> terminate(now, c, Termination.RESET);
                default -> terminate(now, c, Termination.NORMAL); // CLOSING, LAST-ACK
            }
            return;
        }

        // Fourth: SYN (RFC 5961 section 4.2: always a challenge ACK, in SYN-RECEIVED too).
        if (syn) {
            challengeAck(now, c);
            return;
        }

        // Fifth: ACK.
        if ((flags & TcpSegment.ACK) == 0) {
            dropped++;
            return;
        }
        int ack = s.acknowledgment();
        if (c.state == TcpState.SYN_RECEIVED) {
            if (!(Seq.gt(ack, c.sndUna) && Seq.le(ack, c.sndMax))) {
                sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, ack, 0, false);
                return;
            }
            c.sndUna = ack;
            c.sndWnd = (long) s.window() << c.sndShift;
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            if (c.tsOn && s.hasTimestamps() && s.tsEcr() != 0) {
                rttSample(c, (long) (tsNow(now, c) - s.tsEcr()) * 1_000_000L);
            }
            c.retransmits = 0;
            c.rtoDeadline = TcpConnection.NONE;
            established(now, c);
            if (c.index < 0) {
                return;
            }
            if (c.finQueued) {
                c.state = TcpState.FIN_WAIT_1;
            }
        }
        if (Seq.gt(ack, c.sndMax)) {
            // RFC 9293: an ACK for something not yet sent is answered and dropped (RFC 5961
            // section 5.2: with the challenge ACK's rate limit).
            challengeAck(now, c);
            return;
        }
        if (Seq.lt(ack, c.sndUna - (int) Math.min(c.maxSndWnd, Integer.MAX_VALUE))) {
            // RFC 5961 section 5.2: too old to be from the peer.
            challengeAck(now, c);
            return;
        }
        c.lastHeard = now;
        if (c.keepIdle > 0) {
            c.keepSent = 0;
            c.keepaliveDeadline = now + c.keepIdle;
        }
        // RFC 7323 section 4.3: TS.Recent from a segment that covers Last.ACK.sent.
        if (c.tsOn && s.hasTimestamps() && Seq.le(seq, c.rcvNxt)) {
            c.tsRecent = s.tsVal();
            c.tsRecentAge = now;
        }
        if (c.sackOn && s.sackBlockCount() > 0) {
            for (int i = 0; i < s.sackBlockCount(); i++) {
                addSacked(c, s.sackLeft(i), s.sackRight(i));
            }
        }
        long wnd = (long) s.window() << c.sndShift;
        boolean advanced = Seq.gt(ack, c.sndUna);
        if (advanced) {
            newAck(now, c, s, ack);
        } else if (ack == c.sndUna && payload == 0 && (flags & TcpSegment.FIN) == 0 && wnd == c.sndWnd
                && c.sndMax != c.sndUna) {
            duplicateAck(now, c);
        }
        // RFC 9293 section 3.10.7.4's window update, tightened as Linux does: with the same SEQ and
        // ACK only a larger (or zero) window counts, so a reordered older ACK cannot shrink it.
        if (advanced || Seq.lt(c.sndWl1, seq)
                || (c.sndWl1 == seq && Seq.le(c.sndWl2, ack) && (wnd > c.sndWnd || wnd == 0))) {
            boolean opened = c.sndWnd == 0 && wnd > 0;
            c.sndWnd = wnd;
            c.maxSndWnd = Math.max(c.maxSndWnd, wnd);
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            if (opened) {
                c.persistDeadline = TcpConnection.NONE;
                c.persistBackoff = 0;
            }
        }
        if (c.finAcked) {
            switch (c.state) {
                case FIN_WAIT_1 -> {
                    c.state = TcpState.FIN_WAIT_2;
                    if (c.appClosed) {
                        c.closeDeadline = now + config.finWait2Timeout();
                    }
                }
                case CLOSING -> {
                    timeWait(now, c);
                    return;
                }
                case LAST_ACK -> {
                    terminate(now, c, Termination.NORMAL);
                    return;
                }
                default -> { }
            }
        }
        if (c.state == TcpState.TIME_WAIT) {
            if ((flags & TcpSegment.FIN) != 0) { // the peer's FIN again: our ACK was lost
                c.ackNow = true;
                restartTimeWait(now, c);
            }
            return;
        }

        // Seventh: the data.
        int off = 0;
        if (Seq.lt(seq, c.rcvNxt)) {
            off = c.rcvNxt - seq;
        }
        boolean fin = (flags & TcpSegment.FIN) != 0;
        if (payload > off) {
            switch (c.state) {
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {
                    if (c.appClosed) {
                        // RFC 9293 section 3.10.7.4 / RFC 1122 4.2.2.13: nobody will read it.
                        sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
                        terminate(now, c, Termination.ABORTED);
                        return;
                    }
                    int taken = data(now, c, s, seq + off, off, payload - off);
                    if (taken < payload - off) {
                        fin = false; // the FIN is beyond what we kept
                    }
                }
                default -> fin = false; // CLOSE-WAIT, CLOSING, LAST-ACK: the peer already sent FIN
            }
        } else if (payload > 0) {
            c.ackNow = true; // a duplicate: tell the peer where we are
        }

        // Eighth: FIN, once it is in order.
        if (fin && seq + payload == c.rcvNxt) {
            c.rcvNxt++;
            c.finReceived = true;
            c.ackNow = true;
            raise(c, EV_READABLE);
            switch (c.state) {
                case SYN_RECEIVED, ESTABLISHED -> c.state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> {
                    if (c.finAcked) {
                        timeWait(now, c);
                    } else {
                        c.state = TcpState.CLOSING;
                    }
                }
                case FIN_WAIT_2 -> timeWait(now, c);
                default -> { }
            }
        } else if (fin) {
            c.ackNow = true; // out of order: ask for the hole
        }
    }

    /** Takes in-window data starting at sequence {@code seq}; returns the bytes kept. */
    private int data(long now, TcpConnection c, TcpSegment s, int seq, int off, int n) {
        int rel = seq - c.rcvNxt;
        int room = c.rcvCap - c.rcvLen - rel;
        if (room <= 0) {
            c.ackNow = true;
            return 0;
        }
        int take = Math.min(n, room);
        if (c.readShut) {
            if (rel == 0) {
                c.rcvNxt += take;
                c.rcvAdv = Seq.max(c.rcvAdv, c.rcvNxt);
            }
            c.ackNow = true;
            return rel == 0 ? take : 0;
        }
        if (rel != 0 && !addOutOfOrder(c, seq, seq + take)) {
            c.ackNow = true;
            return 0;
        }
        // Copy into the ring at the byte's place, growing the ring first if it is short.
        if (c.rcvLen + rel + take > c.rcvBuf.length) {
            c.rcvBuf = TcpConnection.grown(c.rcvBuf, c.rcvHead, c.rcvLen + rel + take, c.rcvCap);
            c.rcvHead = 0;
        }
        int cap = c.rcvBuf.length;
        ByteBuffer b = s.buffer();
        int from = s.payloadOffset() + off;
        int at = (c.rcvHead + c.rcvLen + rel) % cap;
        int first = Math.min(take, cap - at);
        b.get(from, c.rcvBuf, at, first);
        if (first < take) {
            b.get(from + first, c.rcvBuf, 0, take - first);
        }
        if (rel == 0) {
            c.rcvLen += take;
            c.rcvNxt += take;
            boolean filled = absorbOutOfOrder(c);
            raise(c, EV_READABLE);
            if (filled || c.oooCount > 0) {
                c.ackNow = true;
            } else if (++c.unackedSegments >= 2) {
                c.ackNow = true; // RFC 9293 section 3.8.6.3: an ACK for at least every second full segment
            } else if (c.ackDeadline == TcpConnection.NONE) {
                c.ackDeadline = now + config.delayedAck();
            }
        } else {
            c.ackNow = true; // RFC 5681 section 4.2: out-of-order data is acknowledged at once
        }
        return take;
    }

    /** Records {@code [left, right)} as received out of order, most recent first (RFC 2018 section 4). */
    private static boolean addOutOfOrder(TcpConnection c, int left, int right) {
        int l = left;
        int r = right;
        // Merge every range that touches or overlaps.
        for (int i = 0; i < c.oooCount; ) {
            if (Seq.le(c.oooLeft[i], r) && Seq.ge(c.oooRight[i], l)) {
                l = Seq.min(l, c.oooLeft[i]);
                r = Seq.max(r, c.oooRight[i]);
                removeOoo(c, i);
            } else {
                i++;
            }
        }
        if (c.oooCount == TcpConnection.MAX_OOO) {
            return false; // bounded: a fifth separate range is not kept (the peer sends it again)
        }
        System.arraycopy(c.oooLeft, 0, c.oooLeft, 1, c.oooCount);
        System.arraycopy(c.oooRight, 0, c.oooRight, 1, c.oooCount);
        c.oooLeft[0] = l;
        c.oooRight[0] = r;
        c.oooCount++;
        return true;
    }

    private static void removeOoo(TcpConnection c, int i) {
        System.arraycopy(c.oooLeft, i + 1, c.oooLeft, i, c.oooCount - i - 1);
        System.arraycopy(c.oooRight, i + 1, c.oooRight, i, c.oooCount - i - 1);
        c.oooCount--;
    }

    private static boolean absorbOutOfOrder(TcpConnection c) {
        boolean any = false;
        boolean again = true;
        while (again) {
            again = false;
            for (int i = 0; i < c.oooCount; i++) {
                if (Seq.le(c.oooLeft[i], c.rcvNxt)) {
                    if (Seq.gt(c.oooRight[i], c.rcvNxt)) {
                        c.rcvLen += c.oooRight[i] - c.rcvNxt;
                        c.rcvNxt = c.oooRight[i];
                        any = true;
                    }
                    removeOoo(c, i);
                    again = true;
                    break;
                }
            }
        }
        return any;
    }

    private void newAck(long now, TcpConnection c, TcpSegment s, int ack) {
        int acked = ack - c.sndUna;
        int dataAcked = Math.min(acked, c.sndLen);
        if (dataAcked > 0) {
            c.sndHead = (c.sndHead + dataAcked) % c.sndBuf.length;
        }
        c.sndLen -= dataAcked;
        if (acked > dataAcked && c.finQueued) {
            c.finAcked = true;
        }
        c.sndUna = ack;
        if (Seq.lt(c.sndNxt, c.sndUna)) {
            c.sndNxt = c.sndUna;
        }
        pruneSacked(c);
        // RTT (RFC 6298 section 3, Karn; RFC 7323 section 4 with timestamps).
        if (c.tsOn && s.hasTimestamps() && s.tsEcr() != 0) {
            rttSample(c, (long) (tsNow(now, c) - s.tsEcr()) * 1_000_000L);
        } else if (c.rttStart >= 0 && Seq.gt(ack, c.rttSeq)) {
            rttSample(c, now - c.rttStart);
            c.rttStart = -1;
        }
        c.retransmits = 0;
        c.backoff = 0;
        int mss = effectiveMss(c);
        if (c.recovery) {
            if (Seq.ge(ack, c.recover)) {
                // RFC 6582 section 3.2 step 3: full acknowledgment ends recovery.
                c.recovery = false;
                c.dupAcks = 0;
                long flight = c.sndMax - c.sndUna;
                c.cc.cwnd = Math.min(c.cc.ssthresh, Math.max(flight, mss) + mss);
            } else {
                // Partial acknowledgment: the next hole is lost too (RFC 6582 step 4, RFC 6675 NextSeg).
                if (Seq.lt(c.rexmitNext, c.sndUna)) {
                    c.rexmitNext = c.sndUna;
                }
                if (!c.sackOn) {
                    c.cc.cwnd = Math.max(mss, c.cc.cwnd - dataAcked + mss);
                    retransmit(now, c, c.sndUna);
                }
            }
        } else {
            c.dupAcks = 0;
            c.cc.onAck(now, acked, mss, Math.max(c.srtt, 0));
        }
        c.rtoDeadline = c.sndMax != c.sndUna ? now + c.rto : TcpConnection.NONE;
        if (dataAcked > 0 && c.canWrite()) {
            raise(c, EV_WRITABLE);
        }
    }

    private void duplicateAck(long now, TcpConnection c) {
        c.dupAcks++;
        int mss = effectiveMss(c);
        if (!c.recovery) {
            boolean lossByDupAcks = c.dupAcks >= 3;
            boolean lossBySack = c.sackOn && sackedBytes(c) >= 3L * mss;
            // RFC 6582 section 3.2 step 1: not again for losses of the window already recovered.
            if ((lossByDupAcks || lossBySack) && Seq.gt(c.sndUna, c.recover)) {
                c.recovery = true;
                c.recover = c.sndMax;
                c.cc.onCongestion(now, c.sndMax - c.sndUna, mss);
                if (!c.sackOn) {
                    c.cc.cwnd = c.cc.ssthresh + 3L * mss;
                }
                c.rexmitNext = c.sndUna;
                c.rttStart = -1;
                retransmit(now, c, c.sndUna);
                c.rexmitNext = c.sndUna + Math.min(mss, Math.max(c.sndLen, 1));
            }
        } else if (!c.sackOn) {
            c.cc.cwnd += mss; // RFC 6582 step 3: inflate for the segment that left
        }
    }

    private static void addSacked(TcpConnection c, int left, int right) {
        if (!Seq.lt(left, right) || Seq.le(right, c.sndUna) || Seq.gt(right, c.sndMax)) {
            return;
        }
        int l = Seq.max(left, c.sndUna);
        int r = right;
        for (int i = 0; i < c.sackedCount; ) {
            if (Seq.le(c.sackedLeft[i], r) && Seq.ge(c.sackedRight[i], l)) {
                l = Seq.min(l, c.sackedLeft[i]);
                r = Seq.max(r, c.sackedRight[i]);
                c.sackedCount--;
                c.sackedLeft[i] = c.sackedLeft[c.sackedCount];
                c.sackedRight[i] = c.sackedRight[c.sackedCount];
            } else {
                i++;
            }
        }
        if (c.sackedCount == TcpConnection.MAX_SACKED) {
            // Keep the ranges nearest SND.UNA: replace the highest one if the new one is below it.
            int hi = 0;
            for (int i = 1; i < c.sackedCount; i++) {
                if (Seq.gt(c.sackedLeft[i], c.sackedLeft[hi])) {
                    hi = i;
                }
            }
            if (Seq.gt(c.sackedLeft[hi], l)) {
                c.sackedLeft[hi] = l;
                c.sackedRight[hi] = r;
            }
            return;
        }
        c.sackedLeft[c.sackedCount] = l;
        c.sackedRight[c.sackedCount] = r;
        c.sackedCount++;
    }

    private static void pruneSacked(TcpConnection c) {
        for (int i = 0; i < c.sackedCount; ) {
            if (Seq.le(c.sackedRight[i], c.sndUna)) {
                c.sackedCount--;
                c.sackedLeft[i] = c.sackedLeft[c.sackedCount];
                c.sackedRight[i] = c.sackedRight[c.sackedCount];
            } else {
                if (Seq.lt(c.sackedLeft[i], c.sndUna)) {
                    c.sackedLeft[i] = c.sndUna;
                }
                i++;
            }
        }
    }

    private static long sackedBytes(TcpConnection c) {
        long n = 0;
        for (int i = 0; i < c.sackedCount; i++) {
            n += c.sackedRight[i] - c.sackedLeft[i];
        }
        return n;
    }

    private static int highSacked(TcpConnection c) {
        int h = c.sndUna;
        for (int i = 0; i < c.sackedCount; i++) {
            h = Seq.max(h, c.sackedRight[i]);
        }
        return h;
    }

    /** If {@code seq} lies in a SACKed range, the range's right edge; else {@code seq}. */
    private static int skipSacked(TcpConnection c, int seq) {
        for (int i = 0; i < c.sackedCount; i++) {
            if (Seq.inRange(seq, c.sackedLeft[i], c.sackedRight[i])) {
                return c.sackedRight[i];
            }
        }
        return seq;
    }

    /** Bytes from {@code seq} up to the next SACKed range (or {@code limit}). */
    private static int unsackedRun(TcpConnection c, int seq, int limit) {
        int end = limit;
        for (int i = 0; i < c.sackedCount; i++) {
            if (Seq.gt(c.sackedLeft[i], seq) && Seq.lt(c.sackedLeft[i], end)) {
                end = c.sackedLeft[i];
            }
        }
        return end - seq;
    }

    /**
     * RFC 6675 section 4's pipe, simplified: bytes sent and neither acknowledged, SACKed, nor
     * taken as lost (the holes at or above {@code rexmitNext} below the highest SACKed byte, which
     * are sent again next).
     */
    private static long pipe(TcpConnection c) {
        long outstanding = c.sndMax - c.sndUna;
        int high = highSacked(c);
        long lost = 0;
        int seq = c.rexmitNext;
        while (Seq.lt(seq, high)) {
            int next = skipSacked(c, seq);
            if (next != seq) {
                seq = next;
                continue;
            }
            int run = unsackedRun(c, seq, high);
            lost += run;
            seq += run;
        }
        return Math.max(0, outstanding - sackedBytes(c) - lost);
    }

    private void rttSample(TcpConnection c, long r) {
        if (r < 0) {
            return;
        }
        // RFC 6298 section 2.
        if (c.srtt < 0) {
            c.srtt = r;
            c.rttvar = r / 2;
        } else {
            c.rttvar = (3 * c.rttvar + Math.abs(c.srtt - r)) / 4;
            c.srtt = (7 * c.srtt + r) / 8;
        }
        long rto = c.srtt + Math.max(1_000_000L, 4 * c.rttvar);
        c.rto = Math.max(config.minRto(), Math.min(config.maxRto(), rto));
    }

    private void timeWait(long now, TcpConnection c) {
        c.state = TcpState.TIME_WAIT;
        c.rtoDeadline = TcpConnection.NONE;
        c.persistDeadline = TcpConnection.NONE;
        c.keepaliveDeadline = TcpConnection.NONE;
        c.connectDeadline = TcpConnection.NONE;
        if (c.ackDeadline != TcpConnection.NONE) {
            c.ackDeadline = TcpConnection.NONE; // TIME-WAIT keeps one timer: a delayed ACK goes now
            c.ackNow = true;
        }
        c.closeDeadline = now + config.timeWait();
        untime(c);
        timeWaiting.add(c);
        report(c, Termination.NORMAL);
    }

    /** The peer's FIN again in TIME-WAIT: it lasts 2 MSL from now (RFC 9293 section 3.10.7.4). */
    private void restartTimeWait(long now, TcpConnection c) {
        timeWaiting.remove(c); // before its key changes
        c.closeDeadline = now + config.timeWait();
        timeWaiting.add(c);
    }

    /** Takes {@code c} out of the connections {@link #poll} visits. */
    private void untime(TcpConnection c) {
        if (c.timedIndex < 0) {
            return;
        }
        int last = timed.size() - 1;
        TcpConnection moved = timed.get(last);
        timed.set(c.timedIndex, moved);
        moved.timedIndex = c.timedIndex;
        timed.remove(last);
        c.timedIndex = -1;
    }

    private void challengeAck(long now, TcpConnection c) {
        // RFC 5961 section 7: a limit on challenge ACKs per second, for the whole engine.
        if (challengeWindowStart == Long.MIN_VALUE || now - challengeWindowStart >= 1_000_000_000L) {
            challengeWindowStart = now;
            challengeCount = 0;
        }
        if (challengeCount < config.challengeAcksPerSecond()) {
            challengeCount++;
            challengeAcks++;
            sendAck(now, c);
        } else {
            dropped++;
        }
    }

    /** The SYN-ACK of a SYN cookie (no state kept; options other than MSS are not remembered). */
    private void sendCookie(long now, TcpSegment s, int src, int dst) {
        int peerMss = s.mss() >= 0 ? s.mss() : DEFAULT_MSS;
        int mss = Math.min(peerMss, ip.mtu() - 40);
        int idx = 0;
        for (int i = COOKIE_MSS.length - 1; i >= 0; i--) {
            if (COOKIE_MSS[i] <= mss) {
                idx = i;
                break;
            }
        }
        int t = (int) (now / COOKIE_TICK) & 0x1f;
        int cookie = cookie(dst, s.destinationPort(), src, s.sourcePort(), s.sequence(), t) | t << 3 | idx;
        Ipv4Address local = ip.address(dst);
        Ipv4Address remote = new Ipv4Address(src);
        ByteBuffer b = tx;
        b.clear();
        header(b, s.destinationPort(), s.sourcePort(), cookie, s.sequence() + 1, TcpSegment.SYN | TcpSegment.ACK,
                Math.min(config.receiveBuffer(), 0xffff), 24);
        b.put(20, (byte) TcpSegment.OPTION_MSS).put(21, (byte) 4).putShort(22, (short) COOKIE_MSS[idx]);
        finish(now, b, 24, local, remote);
        synCookiesSent++;
    }

    private int cookie(int local, int lport, int remote, int rport, int peerIsn, int t) {
        long h = cookieKey.hash((long) local << 32 | (remote & 0xffffffffL), (long) lport << 16 | rport,
                (long) peerIsn << 8 | t);
        return (int) h & 0xffffff00;
    }

    /** The final ACK of a SYN cookie handshake: if the cookie holds, the connection is born ESTABLISHED. */
    private boolean cookieAck(long now, Listener l, TcpSegment s, int src, int dst) {
        int cookie = s.acknowledgment() - 1;
        int t = cookie >>> 3 & 0x1f;
        int nowT = (int) (now / COOKIE_TICK) & 0x1f;
        if (((nowT - t) & 0x1f) > 1) {
            return false;
        }
        int peerIsn = s.sequence() - 1;
        if ((cookie & 0xffffff00) != cookie(dst, s.destinationPort(), src, s.sourcePort(), peerIsn, t)) {
            return false;
        }
        if (table.size() >= config.maxConnections()) {
            dropped++;
            return true;
        }
        TcpConnection c = create(ip.address(dst), s.destinationPort(), new Ipv4Address(src), s.sourcePort(), l, false);
        c.iss = cookie;
        c.sndSml = cookie;
        c.irs = peerIsn;
        c.rcvNxt = s.sequence();
        c.rcvAdv = c.rcvNxt;
        c.sndUna = s.acknowledgment();
        c.sndNxt = c.sndUna;
        c.sndMax = c.sndUna;
        c.recover = c.sndUna;
        c.mss = COOKIE_MSS[cookie & 7];
        c.sndWnd = s.window();
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = s.sequence();
        c.sndWl2 = s.acknowledgment();
        c.cc.init(c.mss);
        c.lastHeard = now;
        l.halfOpen++; // established() takes it back
        established(now, c);
        if (c.index >= 0) {
            segment(now, c, s); // any data the ACK carries
        }
        return true;
    }

    // ---------------------------------------------------------------- application calls

    int read(long now, TcpConnection c, ByteBuffer dst) {
        if (c.readShut) {
            return -1;
        }
        int n = Math.min(dst.remaining(), c.rcvLen);
        if (n == 0) {
            return c.finReceived || (c.termination != null && c.termination != Termination.NORMAL) ? -1 : 0;
        }
        int ring = c.rcvBuf.length;
        int cap = c.rcvCap;
        int first = Math.min(n, ring - c.rcvHead);
        dst.put(c.rcvBuf, c.rcvHead, first);
        if (first < n) {
            dst.put(c.rcvBuf, 0, n - first);
        }
        c.rcvHead = (c.rcvHead + n) % ring;
        c.rcvLen -= n;
        if (c.index >= 0 && c.state.synchronizedState() && !c.finReceived) {
            // Window update once the window grows by two segments or half the buffer (RFC 9293 section 3.8.6.2.2).
            int grow = (c.rcvNxt + (cap - c.rcvLen)) - c.rcvAdv;
            int advertised = c.rcvAdv - c.rcvNxt;
            if (grow >= Math.min(cap / 2, 2 * c.mss) || (advertised < c.mss && grow >= c.mss)) {
                c.ackNow = true;
                output(now, c);
            }
        }
        flushEvents();
        return n;
    }

    int write(long now, TcpConnection c, ByteBuffer src) {
        if (!c.canWrite()) {
            return -1;
        }
        int n = append(c, src);
        if (n > 0) {
            output(now, c);
        }
        flushEvents();
        return n;
    }

    int write(long now, TcpConnection c, ByteBuffer[] srcs, int offset, int count) {
        java.util.Objects.checkFromIndexSize(offset, count, srcs.length);
        if (!c.canWrite()) {
            return -1;
        }
        int total = 0;
        for (int i = offset; i < offset + count && c.sndLen < c.sndCap; i++) {
            total += append(c, srcs[i]);
        }
        if (total > 0) {
            output(now, c); // once, after every buffer: they leave together
        }
        flushEvents();
        return total;
    }

    /** Copies what fits of {@code src} into the send ring; returns how much. */
    private static int append(TcpConnection c, ByteBuffer src) {
        int n = Math.min(src.remaining(), c.sndCap - c.sndLen);
        if (n > 0) {
            if (c.sndLen + n > c.sndBuf.length) {
                c.sndBuf = TcpConnection.grown(c.sndBuf, c.sndHead, c.sndLen + n, c.sndCap);
                c.sndHead = 0;
            }
            int cap = c.sndBuf.length;
            int at = (c.sndHead + c.sndLen) % cap;
            int first = Math.min(n, cap - at);
            src.get(c.sndBuf, at, first);
            if (first < n) {
                src.get(c.sndBuf, 0, n - first);
            }
            c.sndLen += n;
        }
        return n;
    }

    void cork(long now, TcpConnection c, boolean corked) {
        if (c.corked == corked) {
            return;
        }
        c.corked = corked;
        if (!corked) {
            output(now, c);
        }
        flushEvents();
    }

    void shutdownWrite(long now, TcpConnection c) {
        if (c.finQueued || c.termination != null) {
            return;
        }
        c.finQueued = true;
        switch (c.state) {
            case ESTABLISHED -> c.state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> c.state = TcpState.LAST_ACK;
            default -> { } // SYN-SENT, SYN-RECEIVED: queued until established
        }
        output(now, c);
        flushEvents();
    }

    void shutdownRead(long now, TcpConnection c) {
        if (c.readShut) {
            return;
        }
        c.readShut = true;
        c.rcvHead = 0;
        c.rcvLen = 0;
        c.oooCount = 0;
        flushEvents();
    }

    void close(long now, TcpConnection c) {
        if (c.appClosed) {
            return;
        }
        c.appClosed = true;
        if (c.termination != null || c.index < 0) {
            flushEvents();
            return;
        }
        if (c.state == TcpState.SYN_SENT) {
            terminate(now, c, Termination.ABORTED);
        } else if (c.rcvLen > 0 && !c.readShut) {
            // RFC 9293 section 3.10.4 / RFC 1122 4.2.2.13: closing with unread data resets.
            abort(now, c);
            return;
        } else {
            shutdownWrite(now, c);
            if (c.state == TcpState.FIN_WAIT_2) {
                c.closeDeadline = now + config.finWait2Timeout();
            }
        }
        flushEvents();
    }

    void abort(long now, TcpConnection c) {
        c.appClosed = true;
        if (c.index < 0) {
            flushEvents();
            return;
        }
        if (c.state != TcpState.SYN_SENT && c.state != TcpState.TIME_WAIT) {
            sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
        }
        terminate(now, c, Termination.ABORTED);
        flushEvents();
    }

    // ---------------------------------------------------------------- output

    /** Sends what the state, the windows, Nagle and silly-window avoidance allow, then any owed ACK. */
    void output(long now, TcpConnection c) {
        if (c.index < 0) {
            return;
        }
        switch (c.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, LAST_ACK, CLOSING -> sendData(now, c);
            default -> { }
        }
        if (c.ackNow && c.index >= 0 && c.state != TcpState.SYN_SENT) {
            sendAck(now, c);
        }
    }

    private void sendData(long now, TcpConnection c) {
        int mss = segmentRoom(c);
        if (c.recovery && c.sackOn) {
            int high = highSacked(c);
            while (true) {
                long room = c.cc.cwnd - pipe(c);
                if (room < mss) {
                    break;
                }
                int seq = c.rexmitNext;
                if (Seq.lt(seq, c.sndUna)) {
                    seq = c.sndUna;
                }
                while (Seq.lt(seq, high) && skipSacked(c, seq) != seq) {
                    seq = skipSacked(c, seq);
                }
                if (!Seq.lt(seq, high)) {
                    break; // no hole left: new data below
                }
                int n = Math.min(mss, unsackedRun(c, seq, high));
                transmit(now, c, seq, n, TcpSegment.ACK);
                retransmitted++;
                c.rexmitNext = seq + n;
            }
        }
        while (true) {
            int dataEnd = c.sndUna + c.sndLen;
            if (c.finAcked) {
                return;
            }
            int unsent = dataEnd - c.sndNxt;
            if (unsent > 0) {
                long window;
                if (c.recovery && c.sackOn) {
                    window = Math.min(c.sndUna + c.sndWnd - c.sndNxt, c.cc.cwnd - pipe(c));
                } else {
                    window = Math.min(c.sndWnd, c.cc.cwnd) - (c.sndNxt - c.sndUna);
                }
                if (!Seq.lt(c.sndNxt, c.sndMax) && Math.min(unsent, window) >= 2L * mss && ip.maxSegmentedDatagram() > 0
                        && sendSegmented(now, c, unsent, (int) Math.min(unsent, window), mss)) {
                    continue;
                }
                int n = (int) Math.max(0, Math.min(Math.min(mss, unsent), window));
                if (n == 0) {
                    armPersist(now, c);
                    return;
                }
                if (n < mss && !Seq.lt(c.sndNxt, c.sndMax) && !shortMayLeave(c, n, n == unsent)) {
                    if (c.sndNxt == c.sndUna) {
                        armPersist(now, c); // nothing in flight: the persist timer's override ends the wait
                    }
                    return;
                }
                if (c.sackOn && Seq.lt(c.sndNxt, c.sndMax)) {
                    int skipped = skipSacked(c, c.sndNxt);
                    if (skipped != c.sndNxt) {
                        c.sndNxt = Seq.min(skipped, dataEnd);
                        continue;
                    }
                    n = Math.min(n, unsackedRun(c, c.sndNxt, c.sndMax));
                }
                int flags = TcpSegment.ACK | (n == unsent ? TcpSegment.PSH : 0);
                if (Seq.lt(c.sndNxt, c.sndMax)) {
                    retransmitted++;
                } else if (c.rttStart < 0 && !c.tsOn) {
                    c.rttStart = now;
                    c.rttSeq = c.sndNxt;
                }
                transmit(now, c, c.sndNxt, n, flags);
                advanced(now, c, n);
                if (n < mss) {
                    c.sndSml = c.sndNxt;
                }
                continue;
            }
            if (unsent == 0 && c.finQueued && (c.state == TcpState.FIN_WAIT_1 || c.state == TcpState.LAST_ACK
                    || c.state == TcpState.CLOSING)) {
                transmit(now, c, dataEnd, 0, TcpSegment.FIN | TcpSegment.ACK);
                if (Seq.lt(c.sndNxt, c.sndMax)) {
                    retransmitted++;
                }
                c.sndNxt = dataEnd + 1;
                if (Seq.gt(c.sndNxt, c.sndMax)) {
                    c.sndMax = c.sndNxt;
                }
                if (c.rtoDeadline == TcpConnection.NONE) {
                    c.rtoDeadline = now + c.rto;
                }
            }
            return;
        }
    }

    /**
     * Sends new data from SND.NXT as one datagram the link cuts into segments of {@code mss}
     * (TCP segmentation offload), if at least two whole segments are {@code available} (the
     * unsent data and the windows allow that much). Sends exactly the segments
     * {@link #sendData} would have sent one by one: whole segments, and a shorter last one only
     * when it ends the data and Nagle would let it go (the sender is not idle once the first
     * segment is out). Never more than the link's limit less the largest headers.
     *
     * @return false if nothing was sent (fewer than two whole segments fit the link's limit)
     */
    private boolean sendSegmented(long now, TcpConnection c, int unsent, int available, int mss) {
        int limit = (ip.maxSegmentedDatagram() - Ipv4Packet.MIN_HEADER_LENGTH - TcpSegment.MAX_HEADER_LENGTH) / mss * mss;
        int total = Math.min(available, limit);
        int whole = total / mss * mss;
        if (whole < 2 * mss) {
            return false;
        }
        int tail = total - whole;
        int n = whole;
        if (tail > 0 && shortMayLeave(c, tail, total == unsent)) {
            n = total;
        }
        int flags = TcpSegment.ACK | (n == unsent ? TcpSegment.PSH : 0);
        if (c.rttStart < 0 && !c.tsOn) {
            c.rttStart = now;
            c.rttSeq = c.sndNxt;
        }
        int length = writeSegment(now, c, c.sndNxt, n, flags);
        int segments = (n + mss - 1) / mss;
        ByteBuffer b = tx;
        b.putShort(TcpSegment.CHECKSUM, (short) TcpSegmenter.pseudoHeaderSeed(c.localAddress.bits(), c.remoteAddress.bits(), length));
        segmentsSent += segments;
        ip.sendPreparedSegmented(now, c.localAddress, c.remoteAddress, config.ttl(), length, mss, segments);
        advanced(now, c, n);
        if (n != whole) {
            c.sndSml = c.sndNxt;
        }
        return true;
    }

    /**
     * Whether new data of {@code n} bytes, less than a segment, may leave now (RFC 9293 section
     * 3.7.4's Nagle algorithm, RFC 1122 section 4.2.3.4, in Minshall's variant as Linux runs it;
     * and sender-side silly window avoidance, section 3.8.6.2.1). It may if it is all that is
     * queued and either a FIN follows, or the connection is neither corked nor waiting for the
     * acknowledgment of an earlier short segment (or no-delay is on); or if it is at least half
     * the largest window the peer offered. Minshall's variant holds a short segment only behind
     * another short one, not behind full ones: the tail of a response of several segments leaves
     * with them instead of waiting for a peer's delayed ACK of the last full segment.
     *
     * @param all whether these {@code n} bytes are all the unsent data
     */
    private static boolean shortMayLeave(TcpConnection c, int n, boolean all) {
        if (all && (c.finQueued || !c.corked && (c.noDelay || !shortInFlight(c)))) {
            return true;
        }
        return n >= c.maxSndWnd / 2;
    }

    /** A segment shorter than the MSS is sent and not yet acknowledged (Linux's {@code tcp_minshall_check}). */
    private static boolean shortInFlight(TcpConnection c) {
        return Seq.gt(c.sndSml, c.sndUna) && !Seq.gt(c.sndSml, c.sndNxt);
    }

    /** {@code n} sequence numbers went out from SND.NXT: it moves, the RTO runs, window probes stop. */
    private static void advanced(long now, TcpConnection c, int n) {
        c.sndNxt += n;
        if (Seq.gt(c.sndNxt, c.sndMax)) {
            c.sndMax = c.sndNxt;
        }
        if (c.rtoDeadline == TcpConnection.NONE) {
            c.rtoDeadline = now + c.rto;
        }
        c.persistDeadline = TcpConnection.NONE;
    }

    private void armPersist(long now, TcpConnection c) {
        if (c.persistDeadline == TcpConnection.NONE && c.sndMax == c.sndUna && c.rtoDeadline == TcpConnection.NONE) {
            if (c.persistBackoff == 0) {
                c.persistBackoff = c.rto;
            }
            c.persistDeadline = now + c.persistBackoff;
        }
    }

    private void retransmit(long now, TcpConnection c, int seq) {
        int dataEnd = c.sndUna + c.sndLen;
        int n = Math.min(segmentRoom(c), dataEnd - seq);
        if (n > 0) {
            transmit(now, c, seq, n, TcpSegment.ACK);
            retransmitted++;
        } else if (c.finQueued && seq == dataEnd) {
            transmit(now, c, seq, 0, TcpSegment.FIN | TcpSegment.ACK);
            retransmitted++;
        }
        c.rtoDeadline = now + c.rto;
    }

    /** SYN (active) or SYN-ACK (passive, or simultaneous open), with our options. */
    private void sendSyn(long now, TcpConnection c) {
        boolean synAck = c.state == TcpState.SYN_RECEIVED;
        ByteBuffer b = tx;
        b.clear();
        int o = 20;
        b.put(o, (byte) TcpSegment.OPTION_MSS).put(o + 1, (byte) 4).putShort(o + 2, (short) Math.min(0xffff, ip.mtu() - 40));
        o += 4;
        if (synAck ? c.wsOn : config.windowScaling()) {
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_WINDOW_SCALE).put(o + 2, (byte) 3)
                    .put(o + 3, (byte) ourShift);
            o += 4;
        }
        if (synAck ? c.sackOn : config.sack()) {
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_NOP)
                    .put(o + 2, (byte) TcpSegment.OPTION_SACK_PERMITTED).put(o + 3, (byte) 2);
            o += 4;
        }
        if (synAck ? c.tsOn : config.timestamps()) {
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_NOP)
                    .put(o + 2, (byte) TcpSegment.OPTION_TIMESTAMPS).put(o + 3, (byte) 10)
                    .putInt(o + 4, tsNow(now, c)).putInt(o + 8, synAck ? c.tsRecent : 0);
            o += 12;
        }
        int flags = synAck ? TcpSegment.SYN | TcpSegment.ACK : TcpSegment.SYN;
        header(b, c.localPort, c.remotePort, c.iss, synAck ? c.rcvNxt : 0, flags,
                Math.min(c.rcvCap, 0xffff), o);
        if (c.sndMax != c.iss) {
            retransmitted++;
        } else {
            c.rttStart = now;
        }
        c.sndNxt = c.iss + 1;
        c.sndMax = c.sndNxt;
        c.rcvAdv = c.rcvNxt + Math.min(c.rcvCap, 0xffff);
        finish(now, b, o, c.localAddress, c.remoteAddress);
        c.rtoDeadline = now + c.rto;
    }

    /**
     * A pure ACK. Its sequence number is SND.MAX, not SND.NXT: after a retransmission timeout
     * SND.NXT goes back, and an ACK numbered there would fall below the peer's RCV.NXT, be
     * unacceptable and so be dropped with the acknowledgment it carries (BSD does the same).
     */
    private void sendAck(long now, TcpConnection c) {
        transmit(now, c, c.sndMax, 0, TcpSegment.ACK);
    }

    /**
     * One segment of the connection: {@code n} bytes of the send buffer from sequence
     * {@code seq}, with the timestamps and SACK options in force and the current window and
     * acknowledgment. Clears any ACK owed.
     */
    private void transmit(long now, TcpConnection c, int seq, int n, int flags) {
        finish(now, tx, writeSegment(now, c, seq, n, flags), c.localAddress, c.remoteAddress);
    }

    /**
     * Writes the segment {@link #transmit} sends into {@link #tx}, checksum zero, and clears
     * any ACK owed; returns its length.
     */
    private int writeSegment(long now, TcpConnection c, int seq, int n, int flags) {
        ByteBuffer b = tx;
        b.clear();
        int o = 20;
        if (c.tsOn) {
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_NOP)
                    .put(o + 2, (byte) TcpSegment.OPTION_TIMESTAMPS).put(o + 3, (byte) 10)
                    .putInt(o + 4, tsNow(now, c)).putInt(o + 8, c.tsRecent);
            o += 12;
        }
        if (c.sackOn && c.oooCount > 0) {
            int blocks = Math.min(c.oooCount, c.tsOn ? 3 : 4);
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_NOP)
                    .put(o + 2, (byte) TcpSegment.OPTION_SACK).put(o + 3, (byte) (2 + 8 * blocks));
            o += 4;
            for (int i = 0; i < blocks; i++) {
                b.putInt(o, c.oooLeft[i]).putInt(o + 4, c.oooRight[i]);
                o += 8;
            }
        }
        header(b, c.localPort, c.remotePort, seq, c.rcvNxt, flags, window(c), o);
        if (n > 0) {
            int cap = c.sndBuf.length;
            int at = (c.sndHead + (seq - c.sndUna)) % cap;
            int first = Math.min(n, cap - at);
            b.put(o, c.sndBuf, at, first);
            if (first < n) {
                b.put(o + first, c.sndBuf, 0, n - first);
            }
        }
        c.ackNow = false;
        c.unackedSegments = 0;
        c.ackDeadline = TcpConnection.NONE;
        return o + n;
    }

    /** The window to advertise, scaled, with receiver-side SWS avoidance (RFC 9293 section 3.8.6.2.2). */
    private static int window(TcpConnection c) {
        int cap = c.rcvCap;
        int free = c.readShut ? cap : cap - c.rcvLen;
        int edge = c.rcvNxt + free;
        if (Seq.lt(edge, c.rcvAdv) || edge - c.rcvAdv < Math.min(cap / 2, c.mss)) {
            edge = Seq.max(c.rcvAdv, c.rcvNxt); // never shrink, and open only in worthwhile steps
        }
        long wnd = edge - c.rcvNxt;
        long scaled = Math.min(0xffff, wnd >>> c.rcvShift);
        // Acceptance goes by the furthest edge ever offered; rounding down only offers less.
        int offered = c.rcvNxt + (int) (scaled << c.rcvShift);
        if (Seq.gt(offered, c.rcvAdv)) {
            c.rcvAdv = offered;
        }
        return (int) scaled;
    }

    private static void header(ByteBuffer b, int sport, int dport, int seq, int ack, int flags, int window, int hl) {
        b.putShort(TcpSegment.SOURCE_PORT, (short) sport);
        b.putShort(TcpSegment.DESTINATION_PORT, (short) dport);
        b.putInt(TcpSegment.SEQUENCE, seq);
        b.putInt(TcpSegment.ACKNOWLEDGMENT, (flags & TcpSegment.ACK) != 0 ? ack : 0);
        b.put(TcpSegment.DATA_OFFSET, (byte) (hl / 4 << 4));
        b.put(TcpSegment.FLAGS, (byte) flags);
        b.putShort(TcpSegment.WINDOW, (short) window);
        b.putShort(TcpSegment.CHECKSUM, (short) 0);
        b.putShort(TcpSegment.URGENT_POINTER, (short) 0);
    }

    private void finish(long now, ByteBuffer b, int len, Ipv4Address local, Ipv4Address remote) {
        long sum = InternetChecksum.pseudoHeader(local.bits(), remote.bits(), Ipv4Packet.PROTOCOL_TCP, len);
        b.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, 0, len)));
        segmentsSent++;
        ip.sendPrepared(now, local, remote, Ipv4Packet.PROTOCOL_TCP, config.ttl(), Ipv4.Fragmentation.ALLOW, len);
    }

    /** The reset RFC 9293 section 3.10.7.1 answers a segment with, when no connection takes it. */
    private void resetFor(long now, TcpSegment s, int src, int dst) {
        Ipv4Address local = ip.address(dst);
        Ipv4Address remote = new Ipv4Address(src);
        if (s.ack()) {
            sendReset(now, local, s.destinationPort(), remote, s.sourcePort(), s.acknowledgment(), 0, false);
        } else {
            sendReset(now, local, s.destinationPort(), remote, s.sourcePort(), 0, s.sequence() + s.sequenceLength(), true);
        }
    }

    private void sendReset(long now, Ipv4Address local, int lport, Ipv4Address remote, int rport, int seq, int ack,
            boolean withAck) {
        ByteBuffer b = tx;
        b.clear();
        header(b, lport, rport, seq, ack, TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), 0, 20);
        resetsSent++;
        finish(now, b, 20, local, remote);
    }

    private int tsNow(long now, TcpConnection c) {
        return (int) (now / 1_000_000L) + c.tsOffset;
    }

    // ---------------------------------------------------------------- timers

    /**
     * Runs the timers due at {@code now} (retransmission, delayed ACK, window probe, keepalive,
     * TIME-WAIT, FIN-WAIT-2 and handshake limits) and returns the next deadline, or
     * {@code Long.MAX_VALUE} if no timer is set.
     */
    public long poll(long now) {
        long next = Long.MAX_VALUE;
        for (int i = timed.size() - 1; i >= 0; i--) {
            if (i >= timed.size()) {
                continue;
            }
            TcpConnection c = timed.get(i);
            timers(now, c);
            if (c.index >= 0) {
                next = Math.min(next, deadline(c));
            }
        }
        while (!timeWaiting.isEmpty() && timeWaiting.first().closeDeadline <= now) {
            remove(timeWaiting.first());
        }
        if (!timeWaiting.isEmpty()) {
            next = Math.min(next, timeWaiting.first().closeDeadline);
        }
        flushEvents();
        return next;
    }

    private static long deadline(TcpConnection c) {
        return Math.min(Math.min(Math.min(c.rtoDeadline, c.ackDeadline), Math.min(c.persistDeadline, c.keepaliveDeadline)),
                Math.min(c.closeDeadline, c.connectDeadline));
    }

    private void timers(long now, TcpConnection c) {
        if (c.closeDeadline <= now) {
            c.closeDeadline = TcpConnection.NONE;
            if (c.state == TcpState.TIME_WAIT) {
                remove(c);
            } else {
                // An orphan in FIN-WAIT-2 whose peer never closes.
                terminate(now, c, Termination.TIMEOUT);
            }
            return;
        }
        if (c.connectDeadline <= now) {
            c.connectDeadline = TcpConnection.NONE;
            if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
                if (c.active) {
                    failedAttempts++;
                }
                terminate(now, c, Termination.TIMEOUT);
                return;
            }
        }
        if (c.rtoDeadline <= now) {
            c.rtoDeadline = TcpConnection.NONE;
            retransmissionTimeout(now, c);
            if (c.index < 0) {
                return;
            }
        }
        if (c.persistDeadline <= now) {
            c.persistDeadline = TcpConnection.NONE;
            persist(now, c);
        }
        if (c.ackDeadline <= now) {
            c.ackDeadline = TcpConnection.NONE;
            if (c.state != TcpState.SYN_SENT) {
                sendAck(now, c);
            }
        }
        if (c.keepaliveDeadline <= now) {
            c.keepaliveDeadline = TcpConnection.NONE;
            keepalive(now, c);
        }
    }

    private void retransmissionTimeout(long now, TcpConnection c) {
        c.retransmits++;
        c.rto = Math.min(config.maxRto(), c.rto * 2); // RFC 6298 (5.5)
        c.rttStart = -1; // Karn
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
            if (c.retransmits > config.synRetries()) {
                if (c.active) {
                    failedAttempts++;
                }
                terminate(now, c, Termination.TIMEOUT);
                return;
            }
            sendSyn(now, c);
            return;
        }
        if (c.sndMax == c.sndUna) {
            c.retransmits = 0;
            return;
        }
        if (c.retransmits > config.maxRetransmissions()) {
            sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
            terminate(now, c, Termination.TIMEOUT);
            return;
        }
        if (c.sndWnd == 0 && c.sndLen > 0) {
            // The peer offers no window: probe it. A probe the peer answers does not count
            // against it (RFC 1122 4.2.2.17: probe for as long as it answers); silence does.
            if (answered(c)) {
                c.retransmits--;
            }
            c.probeAt = now;
            transmit(now, c, c.sndUna - 1, 0, TcpSegment.ACK);
            c.rtoDeadline = now + c.rto;
            return;
        }
        int mss = effectiveMss(c);
        c.cc.onTimeout(now, c.sndMax - c.sndUna, mss);
        c.recovery = false;
        c.dupAcks = 0;
        c.recover = c.sndMax;
        c.sackedCount = 0; // RFC 6675 section 5.1 allows keeping them; dropping guards against reneging
        c.sndNxt = c.sndUna;
        sendData(now, c);
        if (c.sndNxt == c.sndUna && c.finQueued && c.sndLen == 0) {
            retransmit(now, c, c.sndUna);
        }
        c.rtoDeadline = now + c.rto;
    }

    private void persist(long now, TcpConnection c) {
        int unsent = c.sndUna + c.sndLen - c.sndNxt;
        if (unsent <= 0 || c.index < 0) {
            c.persistBackoff = 0;
            return;
        }
        long usable = Math.min(c.sndWnd, c.cc.cwnd) - (c.sndNxt - c.sndUna);
        if (usable > 0) {
            // The override of RFC 9293 section 3.8.6.2.1: send what fits.
            int n = (int) Math.min(Math.min(unsent, usable), segmentRoom(c));
            transmit(now, c, c.sndNxt, n, TcpSegment.ACK | TcpSegment.PSH);
            c.sndNxt += n;
            if (n < segmentRoom(c)) {
                c.sndSml = c.sndNxt;
            }
            if (Seq.gt(c.sndNxt, c.sndMax)) {
                c.sndMax = c.sndNxt;
            }
            c.rtoDeadline = now + c.rto;
            c.persistBackoff = 0;
            return;
        }
        // A window probe (RFC 9293 section 3.8.6.1): an old sequence number draws an ACK with the
        // window. Probes go on while the peer answers them; unanswered ones count as timeouts.
        if (answered(c)) {
            c.retransmits = 0;
        } else if (++c.retransmits > config.maxRetransmissions()) {
            sendReset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
            terminate(now, c, Termination.TIMEOUT);
            return;
        }
        c.probeAt = now;
        transmit(now, c, c.sndUna - 1, 0, TcpSegment.ACK);
        c.persistBackoff = Math.min(config.maxRto(), Math.max(c.rto, c.persistBackoff * 2));
        c.persistDeadline = now + c.persistBackoff;
    }

    /** True if the peer was heard from since the last window probe (or none was sent). */
    private static boolean answered(TcpConnection c) {
        return c.probeAt < 0 || c.lastHeard >= c.probeAt;
    }

    private void keepalive(long now, TcpConnection c) {
        if (c.keepIdle <= 0 || !(c.state == TcpState.ESTABLISHED || c.state == TcpState.CLOSE_WAIT
                || c.state == TcpState.FIN_WAIT_2)) {
            return;
        }
        if (c.sndMax != c.sndUna) {
            c.keepaliveDeadline = now + c.keepIdle; // the retransmission timer watches the peer
            return;
        }
        if (c.keepSent >= c.keepProbes) {
            terminate(now, c, Termination.TIMEOUT);
            return;
        }
        // RFC 1122 section 4.2.3.6: SEG.SEQ = SND.NXT - 1, no data.
        transmit(now, c, c.sndNxt - 1, 0, TcpSegment.ACK);
        c.keepSent++;
        c.keepaliveDeadline = now + c.keepInterval;
    }

    // ---------------------------------------------------------------- ends and events

    private void terminate(long now, TcpConnection c, Termination reason) {
        if (c.state == TcpState.SYN_RECEIVED && c.listener != null) {
            c.listener.halfOpen--;
        }
        remove(c);
        c.state = TcpState.CLOSED;
        report(c, reason);
    }

    private void remove(TcpConnection c) {
        if (c.index < 0) {
            return;
        }
        table.remove(c);
        int last = live.size() - 1;
        TcpConnection moved = live.get(last);
        live.set(c.index, moved);
        moved.index = c.index;
        live.remove(last);
        c.index = -1;
        if (c.timedIndex >= 0) {
            untime(c);
        } else {
            timeWaiting.remove(c); // before its key changes below
        }
        if (c.state == TcpState.TIME_WAIT) {
            c.state = TcpState.CLOSED;
        }
        c.rtoDeadline = TcpConnection.NONE;
        c.ackDeadline = TcpConnection.NONE;
        c.persistDeadline = TcpConnection.NONE;
        c.keepaliveDeadline = TcpConnection.NONE;
        c.closeDeadline = TcpConnection.NONE;
        c.connectDeadline = TcpConnection.NONE;
    }

    private void report(TcpConnection c, Termination reason) {
        if (c.termination == null) {
            c.termination = reason;
        }
        if (!c.reported && c.exposed) {
            c.reported = true;
            raise(c, EV_CLOSED);
        }
    }

    private void raise(TcpConnection c, int event) {
        if (!c.exposed && event != EV_ACCEPTED) {
            return;
        }
        c.events |= event;
        if (!c.queued) {
            c.queued = true;
            pending.add(c);
        }
    }

    /** Delivers the events raised so far; re-entrant calls made by the sink deliver their own. */
    void flushEvents() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            TcpConnection c;
            while ((c = pending.poll()) != null) {
                int ev = c.events;
                c.events = 0;
                c.queued = false;
                try {
                    if ((ev & EV_ACCEPTED) != 0) {
                        events.accepted(c);
                    }
                    if ((ev & EV_CONNECTED) != 0) {
                        events.connected(c);
                    }
                    if ((ev & EV_READABLE) != 0) {
                        events.readable(c);
                    }
                    if ((ev & EV_WRITABLE) != 0 && c.termination == null) {
                        events.writable(c);
                    }
                    if ((ev & EV_CLOSED) != 0) {
                        events.closed(c, c.termination);
                    }
                } catch (RuntimeException e) {
                    eventFailures++;
                }
            }
        } finally {
            delivering = false;
        }
    }

    // ---------------------------------------------------------------- introspection

    /** Connections the engine holds now, TIME-WAIT included. */
    public int connections() {
        return live.size();
    }

    /** Timers set now, over all connections (a test checks this reaches 0 after everything closed). */
    public int timers() {
        int n = 0;
        for (TcpConnection c : live) {
            n += (c.rtoDeadline != TcpConnection.NONE ? 1 : 0) + (c.ackDeadline != TcpConnection.NONE ? 1 : 0)
                    + (c.persistDeadline != TcpConnection.NONE ? 1 : 0)
                    + (c.keepaliveDeadline != TcpConnection.NONE ? 1 : 0)
                    + (c.closeDeadline != TcpConnection.NONE ? 1 : 0) + (c.connectDeadline != TcpConnection.NONE ? 1 : 0);
        }
        return n;
    }

    /** The connection for a 4-tuple, or null (for tests). */
    public TcpConnection find(Ipv4Address local, int localPort, Ipv4Address remote, int remotePort) {
        return table.find(local.bits(), localPort, remote.bits(), remotePort);
    }

    /** Segments dropped without being malformed (not for us, unacceptable, over a limit). */
    public long dropped() {
        return dropped;
    }

    /** Event sink calls that threw. */
    public long eventFailures() {
        return eventFailures;
    }

    /** The counters of {@link Tcp#stats()}; {@code handlerFailures} is the binding's to fill. */
    public Tcp.Stats stats() {
        long established = 0;
        for (TcpConnection c : live) {
            if (c.state == TcpState.ESTABLISHED || c.state == TcpState.CLOSE_WAIT) {
                established++;
            }
        }
        return new Tcp.Stats(activeOpens, passiveOpens, failedAttempts, established, segmentsReceived, segmentsSent,
                retransmitted, resetsReceived, resetsSent, malformed, challengeAcks, synCookiesSent, 0);
    }
}
