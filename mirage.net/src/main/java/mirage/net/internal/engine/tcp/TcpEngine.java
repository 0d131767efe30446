package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.NetException;
import mirage.net.Tcp;
import mirage.net.internal.engine.ip.PathMtus;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.wire.Icmpv4Packet;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Icmpv6Packet;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.TcpSegment;

/**
 * TCP over IPv4 and IPv6 (RFC 9293), sans-IO above an {@link Ipv4Engine} and, for a dual
 * stack, an {@link Ipv6Engine}, like the UDP engine: segments come in through {@link #receive}
 * (the binding hands it the datagrams and packets of protocol 6), calls come from the binding,
 * segments go out through the IP engine of the connection's family, and {@link #poll} runs the timers
 * that are due and returns the next deadline, which {@link #nextDeadline} also gives at any time.
 * Time is the {@code now} parameter (monotonic nanoseconds); randomness (the keys of the ISN,
 * port and cookie functions) comes from the {@link Rng} once, at construction. Not thread-safe:
 * one event loop owns it.
 *
 * <h2>Driving it (what a binding does)</h2>
 * <ol>
 *   <li>Build it over the stack's {@code Ipv4Engine}, set a {@link TcpEvents} sink with
 *       {@link #events(TcpEvents)}, and hand it each received datagram of protocol 6 with
 *       {@link #receive}.</li>
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
 *   <li>After handling input or a call, read {@link #nextDeadline()} and call {@link #poll} no
 *       later than then. Calling it early or often is harmless.</li>
 * </ol>
 * Events are delivered at the end of each engine call, after its state is consistent, so a
 * sink may call back into the engine (the calls it makes deliver their own events after).
 *
 * <h2>Its parts</h2>
 * This class holds the connections, the listeners and the events, and passes segments and calls
 * to its parts, each a class of its own along the protocol's seams (RFC 9293 section 3.10's
 * user calls, segment arrivals and timeouts): {@link UserCalls} (a connection's read, write,
 * shutdown, close and abort), {@link ListenInput} (segments no connection takes: LISTEN, CLOSED, {@link SynCookies}),
 * {@link SynSentInput}, {@link SynchronizedInput} (SYN-RECEIVED and the synchronized states),
 * {@link Acknowledgments} (RTT, congestion control and loss recovery on the sending side, with
 * the {@link SackScoreboard}), the {@link ReassemblyQueue} of the receiving side,
 * {@link Output} (what to send and when) over the {@link SegmentWriter}, and {@link TcpTimers}.
 *
 * <h2>What it does</h2>
 * The RFC 9293 state machine with simultaneous open and close and half-close; RFC 5961's
 * defences (a RST or SYN that is not exactly expected gets a challenge ACK, rate-limited per
 * second; ACKs below SND.UNA - MAX.SND.WND are challenged); RFC 6298 retransmission timer with
 * Karn's rule (samples from timestamps when they are on, which are never ambiguous) and
 * exponential backoff; MSS option and clamping to the route MTU; delayed ACKs (every second
 * full segment, or after {@link TcpConfig#delayedAck}); Nagle (Minshall's variant, as Linux)
 * unless no-delay, and corking; gathered writes; sender and receiver silly window avoidance;
 * window probes on a zero window; keepalive; TIME-WAIT of {@link TcpConfig#timeWait}; ISNs per
 * RFC 6528 (a SipHash of the 4-tuple under a random key, plus a 4 microsecond clock); ephemeral
 * ports per RFC 6056 algorithm 3; window scaling and timestamps with PAWS (RFC 7323); SACK
 * (RFC 2018) with loss recovery after RFC 6675 (holes retransmitted first, the pipe counting
 * SACKed bytes out), NewReno (RFC 6582) without SACK; NewReno or CUBIC (RFC 9438) congestion
 * control; a backlog of half-open connections per listener with SYN cookies once it is full;
 * bounded buffers per connection and a limit on connections per engine.
 *
 * <h2>Costs</h2>
 * Each connection allocates its two buffers as it needs them; segments allocate nothing (one
 * view, one transmit buffer, per engine). The connection table is open-addressed over the
 * 4-tuple with a random seed. Each connection sits in one timer structure at its earliest
 * deadline: {@link #nextDeadline} is O(1), {@link #poll} costs O(log n) per connection that is
 * due and nothing for the others.
 *
 * <h2>Not done</h2>
 * Urgent data (the pointer is ignored and sent as zero), ECN, packetization-layer path MTU
 * discovery (RFC 4821: an ICMP black hole stalls a connection, as on Linux by default), RFC 7413
 * fast open, TCP-AO/MD5.
 */
public final class TcpEngine {

    /** The first port of the dynamic range (RFC 6335 section 6). */
    public static final int EPHEMERAL_FIRST = 49152;
    /**
     * The least path MTU followed (Linux's {@code min_pmtu}): a smaller one reported by ICMP is
     * taken as this, with DF clear, so that a forged report cannot cut our segments to a few bytes.
     */
    static final int MIN_PATH_MTU = 552;
    /** RFC 1191 section 7: the MTU plateaus, for a router that reports no next-hop MTU. */
    private static final int[] PLATEAUS = {65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
    /** The least MSS accepted from a peer, so that a tiny one cannot multiply our segments (Linux uses 48). */
    static final int MIN_MSS = 64;
    /** RFC 7323 section 2.3: shifts above 14 are taken as 14. */
    static final int MAX_WINDOW_SHIFT = 14;

    static final int EV_ACCEPTED = 1;
    static final int EV_CONNECTED = 2;
    static final int EV_READABLE = 4;
    static final int EV_WRITABLE = 8;
    static final int EV_CLOSED = 16;

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
    /** IPv6, or null for a stack of IPv4 only. */
    private final Ipv6Engine ip6;
    private final TcpConfig config;
    private final Counters counters = new Counters();
    private final Listener[] listeners = new Listener[0x10000];
    private final ConnectionTable table;
    /** Every connection the engine holds, TIME-WAIT included ({@link TcpConnection#index}). */
    private final List<TcpConnection> live = new ArrayList<>();
    /** Connections whose deadlines a call may have moved: re-keyed in the timer structure before it returns. */
    private final ArrayDeque<TcpConnection> touched = new ArrayDeque<>();
    private final ArrayDeque<TcpConnection> pending = new ArrayDeque<>();
    private TcpEvents events = new TcpEvents() { };
    private boolean delivering;
    private final SipHash isnKey;
    private final SipHash portKey;
    private int nextEphemeral;
    private final TcpSegment view = new TcpSegment();
    private final int ourShift;

    // The parts (package-private: each is tested on its own).
    final SegmentWriter writer;
    final Output output;
    private final PathMtus pathMtus = new PathMtus(256);
    final Acknowledgments acks;
    final ListenInput listenInput;
    final SynSentInput synSentInput;
    final SynchronizedInput synchronizedInput;
    final TcpTimers tcpTimers;
    final UserCalls calls;

    /** An engine of IPv4 only, that sends through {@code ip}. */
    public TcpEngine(Ipv4Engine ip, TcpConfig config, Rng rng) {
        this(ip, null, config, rng);
    }

    /**
     * An engine of both families: IPv4 through {@code ip}, IPv6 through {@code ip6} (null: none).
     * Listeners take connections of both; connections are keyed by their 4-tuple of either family.
     */
    public TcpEngine(Ipv4Engine ip, Ipv6Engine ip6, TcpConfig config, Rng rng) {
        this.ip = Objects.requireNonNull(ip, "ip");
        this.ip6 = ip6;
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(rng, "rng");
        this.isnKey = new SipHash(rng.nextLong(), rng.nextLong());
        this.portKey = new SipHash(rng.nextLong(), rng.nextLong());
        SynCookies cookies = new SynCookies(new SipHash(rng.nextLong(), rng.nextLong()));
        this.nextEphemeral = rng.nextInt(0x10000);
        this.table = new ConnectionTable(config.maxConnections(), rng.nextLong());
        int shift = 0;
        while (shift < MAX_WINDOW_SHIFT && (config.receiveBuffer() >> shift) > 0xffff) {
            shift++;
        }
        this.ourShift = config.windowScaling() ? shift : 0;
        this.writer = new SegmentWriter(ip, ip6, config, ourShift, counters);
        this.output = new Output(ip, ip6, writer, counters);
        this.acks = new Acknowledgments(this, config, output);
        this.listenInput = new ListenInput(this, config, counters, writer, output, cookies);
        this.synSentInput = new SynSentInput(this, counters, writer, output, acks);
        this.synchronizedInput = new SynchronizedInput(this, config, counters, writer, output, acks);
        this.tcpTimers = new TcpTimers(this, config, counters, writer, output);
        this.calls = new UserCalls(this, config, writer, output);
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
                writer.reset(now, c);
                terminate(now, c, Termination.ABORTED);
            }
        }
        endCall();
    }

    /**
     * Opens a connection: sends a SYN from {@code local} (null: the address the IP layer
     * chooses for {@code remote}) and an ephemeral port, and returns the connection in
     * SYN-SENT. If it is not established within {@code timeout} nanoseconds it ends with
     * {@link Termination#TIMEOUT}, exactly then: the deadline is one of the connection's timers.
     *
     * @throws NetException {@code NO_ROUTE} if no address reaches {@code remote},
     *     {@code ADDRESS_IN_USE} if no ephemeral port is free for it, {@code DISCONNECTED} if the
     *     connection limit is reached
     */
    public TcpConnection connect(long now, IpAddress local, IpAddress remote, int port, long timeout)
            throws NetException {
        checkPort(port);
        Objects.requireNonNull(remote, "remote");
        if (timeout <= 0) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        IpAddress source = local != null ? local : switch (remote) {
            case Ipv4Address v4 -> ip.source(v4);
            case Ipv6Address v6 -> ip6 == null ? null : ip6.source(v6);
        };
        if (source == null || remote.isMulticast() || remote.isUnspecified()
                || (remote instanceof Ipv4Address v4 && v4.bits() == -1)
                || (source instanceof Ipv6Address) != (remote instanceof Ipv6Address)) {
            throw new NetException(NetException.Reason.NO_ROUTE, "no route to " + remote);
        }
        if (table.size() >= config.maxConnections()) {
            throw new NetException(NetException.Reason.DISCONNECTED,
                    "TCP connection limit reached (" + config.maxConnections() + ")");
        }
        int lport = ephemeralPort(ConnectionTable.high(source), ConnectionTable.low(source), ConnectionTable.high(remote),
                ConnectionTable.low(remote), port);
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
        c.mss = pathMss(now, remote, mssLimit(c.v6));
        c.state = TcpState.SYN_SENT;
        c.connectDeadline = now + timeout;
        counters.activeOpens++;
        output.syn(now, c);
        endCall();
        return c;
    }

    /**
     * An ICMP error about a segment we sent (RFC 1122 section 4.2.3.9): {@code quoted} is the
     * datagram it quotes, a checked view whose source is ours with 8 octets of TCP header.
     * It must name a connection and a sequence number we have sent and not had acknowledged
     * (RFC 5927 section 4.1: a guess at a port pair is not enough), else it is ignored. A hard
     * error (Destination Unreachable: protocol or port unreachable, communication
     * administratively prohibited: codes 2, 3, 9, 10, 13) ends a connection in SYN-SENT with
     * {@link Termination#UNREACHABLE}; in every other case, and in every other state, the error
     * is only remembered as soft ({@link TcpConnection#icmpError()}), as RFC 5927 section 7
     * advises against resets by ICMP. "Fragmentation needed" ({@code nextHopMtu}, 0 from an old
     * router) is path MTU discovery's (RFC 1191): see {@link #pathMtu}.
     */
    public void icmpError(long now, int type, int code, int nextHopMtu, Ipv4Packet quoted) {
        ByteBuffer b = quoted.buffer();
        int at = quoted.payloadOffset();
        int localPort = Short.toUnsignedInt(b.getShort(at));
        int remotePort = Short.toUnsignedInt(b.getShort(at + 2));
        int sequence = b.getInt(at + 4);
        TcpConnection c = table.find(quoted.source(), localPort, quoted.destination(), remotePort);
        if (c == null || !Seq.le(c.sndUna, sequence) || !Seq.lt(sequence, c.sndMax == c.sndUna ? c.sndUna + 1 : c.sndMax)) {
            return;
        }
        counters.icmpErrors++;
        c.icmpError = type << 8 | code;
        if (type == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE && code == 4) {
            pathMtu(now, c, nextHopMtu, quoted.totalLength());
            endCall();
            return;
        }
        boolean hard = type == Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE
                && (code == 2 || code == 3 || code == 9 || code == 10 || code == 13);
        if (hard && c.state == TcpState.SYN_SENT) {
            counters.failedAttempts++;
            terminate(now, c, Termination.UNREACHABLE);
        }
        endCall();
    }

    /**
     * RFC 1191: a router on the way to {@code c}'s peer dropped a datagram of {@code quotedLength}
     * bytes with DF set for a next hop of {@code reported} bytes (0: an old router that does not
     * say; the next plateau below the datagram's length is taken, section 7). An MTU not below
     * what we send is ignored (section 6.2); one below {@link #MIN_PATH_MTU} is taken as that,
     * with DF clear from then on. The path MTU is remembered for the destination (new
     * connections to it start with it, for {@link PathMtus#LIFETIME_NANOS}); the connection's
     * MSS shrinks, and what it has in flight, sent too large and dropped, is sent again at once in
     * the new size without being taken for congestion (section 6.5; Linux's simple retransmit).
     */
    private void pathMtu(long now, TcpConnection c, int reported, int quotedLength) {
        int mtu = reported >= 68 ? reported : plateauBelow(quotedLength);
        if (mtu - 40 >= c.mss) {
            return;
        }
        if (mtu < MIN_PATH_MTU) {
            mtu = MIN_PATH_MTU;
            c.dfOff = true;
        }
        pathMtus.put(now, ((Ipv4Address) c.remoteAddress).bits(), mtu);
        shrink(now, c, Math.max(MIN_MSS, mtu - 40));
    }

    /**
     * {@code c}'s MSS lowered to {@code mss} after the path MTU fell: what it has in flight, sent
     * too large and dropped, is sent again at once in the new size without being taken for
     * congestion (RFC 1191 section 6.5, RFC 8201 section 5.4; Linux's simple retransmit).
     */
    private void shrink(long now, TcpConnection c, int mss) {
        if (mss >= c.mss) {
            return;
        }
        c.mss = mss;
        if (c.state != TcpState.SYN_SENT && c.sndMax != c.sndUna) {
            c.sndNxt = c.sndUna;
            c.rttStart = -1; // Karn: no sample from what is sent again
            output.sendData(now, c);
        }
    }

    /**
     * An ICMPv6 error about a segment we sent (RFC 4443, RFC 5927): {@code quoted} is the packet
     * it quotes, a checked view whose source is ours and whose Next Header is TCP (segments
     * carry no extension headers), with at least 8 octets of TCP header, else it is ignored. As
     * {@link #icmpError}, it must name a connection and a sequence number in flight. Packet Too
     * Big ({@code pathMtu}: the path MTU the IPv6 layer lowered to, RFC 8201) shrinks the MSS;
     * the hard errors (Destination Unreachable code 1, administratively prohibited, and 4, port
     * unreachable; Parameter Problem code 1, unrecognised Next Header: the analogues of ICMPv4's
     * codes 2, 3, 9, 10 and 13) end a connection in SYN-SENT; every other error is remembered
     * as soft.
     */
    public void icmpv6Error(long now, int type, int code, int pathMtu, Ipv6Packet quoted) {
        if (quoted.nextHeader() != Ipv6Packet.NEXT_HEADER_TCP || quoted.payloadLength() < 8) {
            return;
        }
        ByteBuffer b = quoted.buffer();
        int at = quoted.payloadOffset();
        int localPort = Short.toUnsignedInt(b.getShort(at));
        int remotePort = Short.toUnsignedInt(b.getShort(at + 2));
        int sequence = b.getInt(at + 4);
        TcpConnection c = table.find(quoted.sourceHigh(), quoted.sourceLow(), localPort, quoted.destinationHigh(),
                quoted.destinationLow(), remotePort);
        if (c == null || !Seq.le(c.sndUna, sequence) || !Seq.lt(sequence, c.sndMax == c.sndUna ? c.sndUna + 1 : c.sndMax)) {
            return;
        }
        counters.icmpErrors++;
        c.icmpError = type << 8 | code;
        if (type == Icmpv6Packet.TYPE_PACKET_TOO_BIG) {
            if (pathMtu >= Ipv6Packet.MINIMUM_MTU) {
                shrink(now, c, Math.max(MIN_MSS, pathMtu - Ipv6Packet.HEADER_LENGTH - 20));
            }
            endCall();
            return;
        }
        boolean hard = (type == Icmpv6Packet.TYPE_DESTINATION_UNREACHABLE && (code == 1 || code == 4))
                || (type == Icmpv6Packet.TYPE_PARAMETER_PROBLEM && code == 1);
        if (hard && c.state == TcpState.SYN_SENT) {
            counters.failedAttempts++;
            terminate(now, c, Termination.UNREACHABLE);
        }
        endCall();
    }

    /** The largest plateau of RFC 1191 section 7 below {@code length}. */
    static int plateauBelow(int length) {
        for (int p : PLATEAUS) {
            if (p < length) {
                return p;
            }
        }
        return 68;
    }

    /**
     * {@code mss} bounded by the path MTU learned towards {@code destination}, if one is in force;
     * at least {@link #MIN_MSS}. Over IPv6 the path MTU is the IPv6 layer's (RFC 8201), less 60.
     */
    int pathMss(long now, IpAddress destination, int mss) {
        if (destination instanceof Ipv6Address v6) {
            return Math.max(MIN_MSS, Math.min(mss, ip6.pathMtu(now, v6) - Ipv6Packet.HEADER_LENGTH - 20));
        }
        int pmtu = destination instanceof Ipv4Address v4 ? pathMtus.get(now, v4.bits()) : 0;
        return Math.max(MIN_MSS, pmtu > 0 ? Math.min(mss, pmtu - 40) : mss);
    }

    /**
     * The largest MSS the link allows: the MTU less the IP and TCP headers, 40 octets over IPv4
     * and 60 over IPv6 (RFC 9293 section 3.7.1, RFC 8200 section 8.3).
     */
    int mssLimit(boolean v6) {
        return v6 ? ip6.mtu() - Ipv6Packet.HEADER_LENGTH - 20 : ip.mtu() - 40;
    }

    /** Our address {@code high:low} of a family: the IP engine's instance. */
    IpAddress localAddress(boolean v6, long high, long low) {
        return v6 ? ip6.address(high, low) : ip.address((int) low);
    }

    /** The peer's address {@code high:low} of a family. */
    static IpAddress remoteAddress(boolean v6, long high, long low) {
        return v6 ? new Ipv6Address(high, low) : new Ipv4Address((int) low);
    }

    /** A new connection in the table, the list and the timer structure (touched: its timers are set by the caller). */
    TcpConnection create(IpAddress local, int lport, IpAddress remote, int rport, Listener l, boolean active) {
        TcpConnection c = new TcpConnection(calls, local, lport, remote, rport, l, active, config.sendBuffer(),
                config.receiveBuffer(), CongestionControl.of(config.congestionControl()));
        c.rto = config.initialRto();
        c.rcvShift = 0;
        table.add(c);
        c.index = live.size();
        live.add(c);
        tcpTimers.add(c);
        touch(c);
        return c;
    }

    /** The connections in the table now, TIME-WAIT included (checked against the limit). */
    int connectionCount() {
        return table.size();
    }

    int isn(long now, TcpConnection c) {
        // RFC 6528 section 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 us timer.
        long f = c.v6
                ? isnKey.hash(c.localHigh, c.localLow, c.remoteHigh, c.remoteLow, (long) c.localPort << 16 | c.remotePort, 0)
                : isnKey.hash(c.localLow << 32 | (c.remoteLow & 0xffffffffL), (long) c.localPort << 16 | c.remotePort, 0);
        c.tsOffset = (int) (f >>> 32);
        return (int) (now / 4000) + (int) f;
    }

    /** RFC 6056 section 3.3.3, algorithm 3: a per-destination offset, then a shared counter. */
    private int ephemeralPort(long lh, long ll, long rh, long rl, int rport) {
        int num = 0x10000 - EPHEMERAL_FIRST;
        int offset = (int) (portKey.hash(lh, ll, rh, rl, rport, 0) >>> 33);
        for (int i = 0; i < num; i++) {
            int port = EPHEMERAL_FIRST + Math.floorMod(nextEphemeral + offset, num);
            nextEphemeral++;
            if (listeners[port] == null && table.find(lh, ll, port, rh, rl, rport) == null) {
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
            counters.malformed++;
            return;
        }
        int src = datagram.source();
        int dst = datagram.destination();
        if (!s.checksumVerifies(src, dst)) {
            counters.malformed++;
            return;
        }
        counters.segmentsReceived++;
        // RFC 9293 section 3.9.2.2 / RFC 1122 section 4.2.3.10: nothing to or from broadcast or multicast.
        if (!ip.isLocalUnicast(dst) || (src >>> 28) == 0xe || src == 0 || s.sourcePort() == 0
                || s.destinationPort() == 0) {
            counters.dropped++;
            return;
        }
        long dl = ConnectionTable.mapped(dst);
        long sl = ConnectionTable.mapped(src);
        TcpConnection c = table.find(0, dl, s.destinationPort(), 0, sl, s.sourcePort());
        if (c != null) {
            segment(now, c, s);
        } else {
            listenInput.segment(now, listeners[s.destinationPort()], s, false, 0, sl, 0, dl);
        }
        endCall();
    }

    /**
     * Receives a TCP segment over IPv6: {@code [offset, offset + length)} of {@code packet}'s
     * buffer, after its extension headers (what {@link Ipv6Engine#receive} returned and its chain
     * says). Never throws for any bytes.
     *
     * @throws IllegalStateException if the engine has no IPv6 (a binding's bug)
     */
    public void receive(long now, Ipv6Packet packet, int offset, int length) {
        if (ip6 == null) {
            throw new IllegalStateException("this TCP engine has no IPv6");
        }
        TcpSegment s = view;
        if (!s.check(packet.buffer(), offset, length) || !s.checksumVerifies(packet)) {
            counters.malformed++;
            return;
        }
        counters.segmentsReceived++;
        long sh = packet.sourceHigh();
        long sl = packet.sourceLow();
        long dh = packet.destinationHigh();
        long dl = packet.destinationLow();
        // RFC 9293 section 3.9.2.2: nothing to or from multicast, or from the unspecified address.
        if (!ip6.isLocalUnicast(dh, dl) || (sh >>> 56) == 0xff || (sh == 0 && sl == 0) || s.sourcePort() == 0
                || s.destinationPort() == 0) {
            counters.dropped++;
            return;
        }
        TcpConnection c = table.find(dh, dl, s.destinationPort(), sh, sl, s.sourcePort());
        if (c != null) {
            int una = c.sndUna;
            segment(now, c, s);
            if (c.sndUna != una && c.state != TcpState.SYN_SENT) {
                ip6.confirm(now, (Ipv6Address) c.remoteAddress); // new data acknowledged: forward progress (RFC 4861 section 7.3.1)
            }
        } else {
            listenInput.segment(now, listeners[s.destinationPort()], s, true, sh, sl, dh, dl);
        }
        endCall();
    }

    /** A segment for connection {@code c}: to the input of its state group, then whatever it lets us send. */
    void segment(long now, TcpConnection c, TcpSegment s) {
        touch(c);
        int rcvNxt = c.rcvNxt;
        int sndUna = c.sndUna;
        if (c.state == TcpState.SYN_SENT) {
            synSentInput.segment(now, c, s);
        } else {
            synchronizedInput.segment(now, c, s);
        }
        if (c.index >= 0) {
            if (c.idleDeadline != TcpConnection.NONE && (c.rcvNxt != rcvNxt || c.sndUna != sndUna)) {
                c.idleDeadline = now + c.idleTimeout; // progress: a new byte or FIN came, or ours were acknowledged
            }
            output.send(now, c);
        }
    }

    /** Options of the peer's SYN (RFC 9293 section 3.7.1, RFC 7323 sections 2 and 3, RFC 2018 section 2). */
    void negotiate(long now, TcpConnection c, TcpSegment s) {
        int peerMss = s.mss() >= 0 ? s.mss() : ListenInput.DEFAULT_MSS;
        c.mss = pathMss(now, c.remoteAddress, Math.min(peerMss, mssLimit(c.v6)));
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
        c.cc.init(c.effectiveMss());
    }

    /** The handshake completed: ESTABLISHED, reported to the binding (accepted, or connected). */
    void established(long now, TcpConnection c) {
        c.state = TcpState.ESTABLISHED;
        c.connectDeadline = TcpConnection.NONE;
        if (c.keepIdle > 0) {
            c.keepaliveDeadline = now + c.keepIdle;
        }
        if (c.idleTimeout > 0) {
            c.idleDeadline = now + c.idleTimeout;
        }
        if (c.listener != null) {
            c.listener.halfOpen--;
            if (!c.listener.open) {
                writer.reset(now, c);
                terminate(now, c, Termination.ABORTED);
                return;
            }
            counters.passiveOpens++;
            c.exposed = true;
            raise(c, EV_ACCEPTED);
        } else {
            raise(c, EV_CONNECTED);
        }
        raise(c, EV_WRITABLE);
    }

    /** Enters TIME-WAIT (RFC 9293 section 3.10.7.4): its one timer runs 2 MSL, a delayed ACK goes now. */
    void timeWait(long now, TcpConnection c) {
        c.state = TcpState.TIME_WAIT;
        c.rtoDeadline = TcpConnection.NONE;
        c.persistDeadline = TcpConnection.NONE;
        c.keepaliveDeadline = TcpConnection.NONE;
        c.connectDeadline = TcpConnection.NONE;
        c.idleDeadline = TcpConnection.NONE;
        c.readDeadline = TcpConnection.NONE;
        if (c.ackDeadline != TcpConnection.NONE) {
            c.ackDeadline = TcpConnection.NONE; // TIME-WAIT keeps one timer: a delayed ACK goes now
            c.ackNow = true;
        }
        c.closeDeadline = now + config.timeWait();
        report(c, Termination.NORMAL);
    }

    /** The peer's FIN again in TIME-WAIT: it lasts 2 MSL from now (RFC 9293 section 3.10.7.4). */
    void restartTimeWait(long now, TcpConnection c) {
        c.closeDeadline = now + config.timeWait();
    }

    // ---------------------------------------------------------------- timers

    /**
     * Runs the timers due at {@code now} (retransmission, delayed ACK, window probe, keepalive,
     * TIME-WAIT, FIN-WAIT-2 and handshake limits, idle and read timeouts) of the connections that have any, and returns
     * the next deadline, or {@code Long.MAX_VALUE} if no timer is set. Costs O(log n) per
     * connection that is due, nothing for the others.
     */
    public long poll(long now) {
        tcpTimers.expire(now);
        endCall();
        return tcpTimers.nextDeadline();
    }

    /**
     * The earliest deadline of any timer, {@code Long.MAX_VALUE} if none is set: when
     * {@link #poll} next has something to do. Exact (no timer is set for later than it says),
     * O(1), and up to date after every call into the engine.
     */
    public long nextDeadline() {
        return tcpTimers.nextDeadline();
    }

    /** Marks {@code c}'s deadlines as possibly moved in this call: it is re-keyed in the timer structure before the call returns. */
    void touch(TcpConnection c) {
        if (!c.touched) {
            c.touched = true;
            touched.add(c);
        }
    }

    // ---------------------------------------------------------------- ends and events

    void terminate(long now, TcpConnection c, Termination reason) {
        if (c.state == TcpState.SYN_RECEIVED && c.listener != null) {
            c.listener.halfOpen--;
        }
        remove(c);
        c.state = TcpState.CLOSED;
        report(c, reason);
    }

    /** Takes {@code c} out of the table, the list of live connections and the timer structure; its timers are all cleared. */
    void remove(TcpConnection c) {
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
        tcpTimers.remove(c);
        if (c.state == TcpState.TIME_WAIT) {
            c.state = TcpState.CLOSED;
        }
        c.rtoDeadline = TcpConnection.NONE;
        c.ackDeadline = TcpConnection.NONE;
        c.persistDeadline = TcpConnection.NONE;
        c.keepaliveDeadline = TcpConnection.NONE;
        c.closeDeadline = TcpConnection.NONE;
        c.connectDeadline = TcpConnection.NONE;
        c.idleDeadline = TcpConnection.NONE;
        c.readDeadline = TcpConnection.NONE;
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

    void raise(TcpConnection c, int event) {
        if (!c.exposed && event != EV_ACCEPTED) {
            return;
        }
        c.events |= event;
        if (!c.queued) {
            c.queued = true;
            pending.add(c);
        }
    }

    /**
     * Ends a call into the engine: the connections it touched are re-keyed in the timer
     * structure, then the events raised so far are delivered (unless this call is one a sink
     * made from inside a delivery: the outer call delivers them).
     */
    void endCall() {
        TcpConnection t;
        while ((t = touched.poll()) != null) {
            t.touched = false;
            if (t.index >= 0) {
                tcpTimers.reschedule(t);
            }
        }
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
                    counters.eventFailures++;
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
            n += c.timersSet();
        }
        return n;
    }

    /**
     * Whether every live connection sits in the timer structure exactly at its earliest
     * deadline, and no other is there: the invariant that makes {@link #nextDeadline} exact
     * (for tests; O(n)).
     */
    public boolean timersConsistent() {
        int armed = 0;
        for (TcpConnection c : live) {
            long next = c.nextDeadline();
            boolean in = c.timer.armed();
            if (next == TcpConnection.NONE ? in : !in || c.timer.deadline() != next) {
                return false;
            }
            armed += in ? 1 : 0;
        }
        return armed == tcpTimers.size();
    }

    /** The connection for a 4-tuple, or null (for tests). */
    public TcpConnection find(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        return table.find(ConnectionTable.high(local), ConnectionTable.low(local), localPort, ConnectionTable.high(remote),
                ConnectionTable.low(remote), remotePort);
    }

    /** Segments dropped without being malformed (not for us, unacceptable, over a limit). */
    public long dropped() {
        return counters.dropped;
    }

    /** Event sink calls that threw. */
    public long eventFailures() {
        return counters.eventFailures;
    }

    /** The counters of {@link Tcp#stats()}; {@code handlerFailures} is the binding's to fill. */
    public Tcp.Stats stats() {
        long established = 0;
        for (TcpConnection c : live) {
            if (c.state == TcpState.ESTABLISHED || c.state == TcpState.CLOSE_WAIT) {
                established++;
            }
        }
        return counters.stats(established);
    }
}
