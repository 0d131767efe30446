package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import mirage.net.IpAddress;
import mirage.net.Ipv6Address;
import mirage.time.Timers;

/**
 * One connection of a {@link TcpEngine}: the handle its binding holds, and the transmission
 * control block (RFC 9293 section 3.3.1) the engine keeps. Every method is a call into the
 * engine and takes {@code now}; all run on the loop thread. The handle stays valid after the
 * connection ended ({@link TcpEvents#closed}): reads return what was received and then
 * {@code -1}, writes return {@code -1}.
 *
 * <p>Fields are the engine's; the binding uses only the public methods and {@link #attachment}.
 */
public final class TcpConnection {
    static final long NONE = Long.MAX_VALUE;
    static final byte[] NO_BYTES = new byte[0];
    /** The first size of a ring; it doubles from there. */
    static final int MIN_RING = 4096;
    /**
     * What {@link #read} returns when its read timeout passed with nothing received: the
     * connection goes on, and the next read waits afresh.
     */
    public static final int READ_TIMED_OUT = -2;

    /** Where the connection's calls go: its engine's {@link UserCalls}. */
    private final UserCalls calls;
    final IpAddress localAddress;
    final int localPort;
    final IpAddress remoteAddress;
    final int remotePort;
    /** Whether the connection runs over IPv6. */
    final boolean v6;
    /** The addresses as 128-bit keys ({@link ConnectionTable#high}, {@link ConnectionTable#low}: IPv4 in its IPv4-mapped form). */
    final long localHigh;
    final long localLow;
    final long remoteHigh;
    final long remoteLow;
    final TcpEngine.Listener listener;
    final boolean active;

    TcpState state = TcpState.CLOSED;
    boolean reported;
    Termination termination;

    /** What the binding hangs on the handle (its Flow object); the engine never reads it. */
    public Object attachment;

    // Send sequence space (RFC 9293 section 3.3.1).
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    long sndWnd;
    long maxSndWnd;
    int sndWl1;
    int sndWl2;
    int sndShift;
    // Receive sequence space.
    int irs;
    int rcvNxt;
    int rcvAdv;
    int rcvShift;

    int mss;
    boolean tsOn;
    int tsRecent;
    long tsRecentAge;
    int tsOffset;
    boolean sackOn;

    // Send buffer: a ring whose first byte has sequence number sndUna (once the SYN is acknowledged).
    /**
     * The send ring, grown on demand up to {@link #sndCap} (an idle connection that never sent
     * holds none); re-linearized from {@link #sndHead} when it grows.
     */
    byte[] sndBuf = NO_BYTES;
    /** The most the send buffer holds: the configured send buffer size, or an adopted ring's length ({@link #adoptSendRing}). */
    int sndCap;
    /** Whether {@link #sndBuf} was handed in by {@link #adoptSendRing}: it is filled by the caller, never grown. */
    boolean sndAdopted;
    int sndHead;
    int sndLen;
    boolean finQueued;
    boolean finAcked;

    // Receive buffer: sndLen's twin; in-order bytes from rcvHead, out-of-order ranges beyond them.
    /** The receive ring, grown on demand up to {@link #rcvCap}, as {@link #sndBuf}. */
    byte[] rcvBuf = NO_BYTES;
    /** The most the receive buffer holds: the window the connection offers at most. */
    final int rcvCap;
    int rcvHead;
    int rcvLen;
    /** What arrived out of order beyond RCV.NXT, its bytes already in the ring. */
    final ReassemblyQueue reassembly = new ReassemblyQueue();
    boolean finReceived;
    boolean readShut;
    boolean appClosed;

    /** What the peer SACKed, beyond sndUna. */
    final SackScoreboard scoreboard = new SackScoreboard();

    // RTT and retransmission (RFC 6298).
    long srtt = -1;
    long rttvar;
    long rto;
    int backoff;
    int rttSeq;
    long rttStart = -1;
    int retransmits;

    // Loss recovery (RFC 6582 / RFC 6675).
    final CongestionControl cc;
    int dupAcks;
    boolean recovery;
    int recover;
    int rexmitNext;

    // Delayed ACK.
    int unackedSegments;
    boolean ackNow;

    // Options.
    boolean noDelay;
    /** Corked (TCP_CORK): segments shorter than the MSS wait for {@link #cork cork(now, false)}. */
    boolean corked;
    /**
     * SND.SML of Minshall's Nagle variant (Linux's {@code snd_sml}): the end of the last segment
     * shorter than the MSS sent; Nagle holds a short segment only while that one is unacknowledged.
     */
    int sndSml;
    long keepIdle;
    long keepInterval;
    /** Nanoseconds without progress after which the connection is reset and ends with TIMEOUT; 0: never. */
    long idleTimeout;
    /** Nanoseconds a read may find nothing before it reports {@link #READ_TIMED_OUT}; 0: forever. */
    long readTimeout;
    /** Set when {@link #readDeadline} passed; the next read that finds nothing reports it and clears it. */
    boolean readTimedOut;
    int keepProbes;
    int keepSent;
    long lastHeard;

    // Timers as data: absolute deadlines, NONE when off. The engine keeps the connection in its
    // timer structure at the earliest of them (nextDeadline()), re-keyed at the end of every call.
    long rtoDeadline = NONE;
    long ackDeadline = NONE;
    long persistDeadline = NONE;
    long keepaliveDeadline = NONE;
    long closeDeadline = NONE;
    long connectDeadline = NONE;
    /**
     * Whether our datagrams go with DF clear: a path MTU reported below
     * {@link TcpEngine#MIN_PATH_MTU} is not followed (segments keep that size and routers
     * fragment them, as Linux does); otherwise DF is set (RFC 1191).
     */
    boolean dfOff;
    /** The last ICMP error about this connection, {@code type << 8 | code}; -1 while none came. */
    int icmpError = -1;
    /**
     * When the connection ends for want of progress ({@link #idleTimeout}): no new byte or FIN
     * from the peer and none of ours acknowledged since {@code idleDeadline - idleTimeout}.
     */
    long idleDeadline = NONE;
    /** When a read that found nothing gives up ({@link #readTimeout}); NONE while no read waits. */
    long readDeadline = NONE;
    long persistBackoff;
    /** When the last window probe went out (-1: none), to tell an answered probe from a silent peer. */
    long probeAt = -1;

    /** The connection's place in the engine's timer structure, armed at {@link #nextDeadline()}; set by the engine. */
    Timers.Timer timer;
    /** True while the connection waits, in the engine's list, for its timer to be re-keyed at the end of a call. */
    boolean touched;

    int events;
    boolean queued;
    /** Index in the engine's list of live connections, -1 once removed. */
    int index = -1;
    /** True once the binding knows the handle (connect returned it, or it was accepted). */
    boolean exposed;
    /** True if the peer's SYN carried a window scale option (both sides then scale). */
    boolean wsOn;

    TcpConnection(UserCalls calls, IpAddress localAddress, int localPort, IpAddress remoteAddress, int remotePort,
            TcpEngine.Listener listener, boolean active, int sendBuffer, int receiveBuffer, CongestionControl cc) {
        if ((localAddress instanceof Ipv6Address) != (remoteAddress instanceof Ipv6Address)) {
            throw new IllegalArgumentException("addresses of two families: " + localAddress + ", " + remoteAddress);
        }
        this.calls = calls;
        this.v6 = localAddress instanceof Ipv6Address;
        this.localHigh = ConnectionTable.high(localAddress);
        this.localLow = ConnectionTable.low(localAddress);
        this.remoteHigh = ConnectionTable.high(remoteAddress);
        this.remoteLow = ConnectionTable.low(remoteAddress);
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.remoteAddress = remoteAddress;
        this.remotePort = remotePort;
        this.listener = listener;
        this.active = active;
        this.sndCap = sendBuffer;
        this.rcvCap = receiveBuffer;
        this.cc = cc;
    }

    public TcpState state() {
        return state;
    }

    public IpAddress localAddress() {
        return localAddress;
    }

    public int localPort() {
        return localPort;
    }

    public IpAddress remoteAddress() {
        return remoteAddress;
    }

    public int remotePort() {
        return remotePort;
    }

    /** Why the connection ended, or null while it lives. */
    public Termination termination() {
        return termination;
    }

    /** Bytes that {@link #read} would return now. */
    public int readable() {
        return rcvLen;
    }

    /**
     * Whether {@link #read} would return anything but 0 now: bytes, the end of the stream (-1),
     * or a read timeout to report. It turns true only on an event of this connection
     * ({@code readable} or {@code closed}), or, before the connection was accepted, with the
     * handshake's last segment.
     */
    public boolean readReady() {
        return readShut || rcvLen > 0 || finReceived || readTimedOut
                || (termination != null && termination != Termination.NORMAL);
    }

    /** Bytes {@link #write} would accept now (0 once writing is shut or the connection ended). */
    public int writable() {
        return canWrite() ? sndCap - sndLen : 0;
    }

    boolean canWrite() {
        return !finQueued && termination == null
                && (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED || state == TcpState.ESTABLISHED
                        || state == TcpState.CLOSE_WAIT);
    }

    /** Bytes written and not yet acknowledged by the peer. */
    public int unacknowledged() {
        return sndLen;
    }

    /** The send MSS in force (after negotiation and clamping to the route MTU). */
    public int mss() {
        return mss;
    }

    /** The congestion window in bytes. */
    public long congestionWindow() {
        return cc.cwnd;
    }

    /** The earliest deadline of the connection's timers, {@code Long.MAX_VALUE} when none is set. */
    long nextDeadline() {
        return Math.min(Math.min(Math.min(rtoDeadline, ackDeadline), Math.min(persistDeadline, keepaliveDeadline)),
                Math.min(Math.min(closeDeadline, connectDeadline), Math.min(idleDeadline, readDeadline)));
    }

    /** How many of the connection's timers are set. */
    int timersSet() {
        return (rtoDeadline != NONE ? 1 : 0) + (ackDeadline != NONE ? 1 : 0) + (persistDeadline != NONE ? 1 : 0)
                + (keepaliveDeadline != NONE ? 1 : 0) + (closeDeadline != NONE ? 1 : 0) + (connectDeadline != NONE ? 1 : 0)
                + (idleDeadline != NONE ? 1 : 0) + (readDeadline != NONE ? 1 : 0);
    }

    /** Payload bytes per segment: the MSS less the options every segment carries. */
    /** How our datagrams may be fragmented on the way: not at all while path MTU discovery runs ({@link #dfOff}). */
    mirage.net.Ipv4.Fragmentation fragmentation() {
        return dfOff ? mirage.net.Ipv4.Fragmentation.ALLOW : mirage.net.Ipv4.Fragmentation.DONT_FRAGMENT;
    }

    int effectiveMss() {
        return mss - (tsOn ? 12 : 0);
    }

    /** Payload bytes that fit the next segment: {@link #effectiveMss} less the SACK blocks it will carry. */
    int segmentRoom() {
        int ooo = reassembly.count();
        int sack = sackOn && ooo > 0 ? 4 + 8 * Math.min(ooo, tsOn ? 3 : 4) : 0;
        return effectiveMss() - sack;
    }

    /**
     * Copies up to {@code dst.remaining()} received bytes into {@code dst} (its position moves).
     *
     * @return bytes copied, 0 if none are there yet, {@link #READ_TIMED_OUT} once when the
     *     {@link #readTimeout} passed with nothing received, -1 when no more will come: the peer's FIN
     *     was read, reading was shut down, or the connection ended otherwise than
     *     {@link Termination#NORMAL} (see {@link #termination()}: a binding turns
     *     {@code RESET}, {@code TIMEOUT}, {@code REFUSED} into a {@code FlowException})
     */
    public int read(long now, ByteBuffer dst) {
        return calls.read(now, this, dst);
    }

    /**
     * Copies as many bytes of {@code src} as the send buffer has room for (its position moves)
     * and sends what the windows and Nagle allow.
     *
     * @return bytes accepted (0 when the buffer is full: wait for {@link TcpEvents#writable}),
     *     or -1 if writing was shut down or the connection ended
     */
    public int write(long now, ByteBuffer src) {
        return calls.write(now, this, src);
    }

    /**
     * As {@link #write(long, ByteBuffer)} for {@code count} buffers from {@code srcs[offset]}, in
     * order, as one stream: all are appended to the send buffer (as far as it has room) before
     * anything is sent, so that a header and a body written together leave together (one
     * segment when they fit), as a {@code writev(2)} does.
     *
     * @return bytes accepted from all buffers together, or -1 if writing was shut down or the
     *     connection ended
     */
    public int write(long now, ByteBuffer[] srcs, int offset, int count) {
        return calls.write(now, this, srcs, offset, count);
    }

    /** Sends FIN once the buffered bytes are sent (half-close, RFC 9293 section 3.10.4). Idempotent. */
    public void shutdownWrite(long now) {
        calls.shutdownWrite(now, this);
    }

    /** Discards what arrives from now on; {@link #read} returns -1. */
    public void shutdownRead(long now) {
        calls.shutdownRead(now, this);
    }

    /**
     * The application is done with the connection: with unread data this is an abort (RST,
     * RFC 9293 section 3.10.4 and RFC 1122 section 4.2.2.13); otherwise a FIN follows the
     * buffered bytes and the engine finishes the close on its own. Idempotent.
     */
    public void close(long now) {
        calls.close(now, this);
    }

    /** Sends a reset (if synchronized) and ends the connection at once with {@link Termination#ABORTED}. Idempotent. */
    /**
     * The last ICMP error that reached this connection, {@code type << 8 | code} (RFC 792), or
     * -1: a soft error (network or host unreachable, time exceeded) does not end a connection,
     * but says why a connect that timed out got no answer (RFC 1122 section 4.2.3.9).
     */
    public int icmpError() {
        return icmpError;
    }

    public void abort(long now) {
        calls.abort(now, this);
    }

    /** Nagle off (true) or on; turning it off sends what is buffered. */
    public void noDelay(long now, boolean noDelay) {
        calls.noDelay(now, this, noDelay);
    }

    /**
     * Corks (true) or uncorks the connection, as Linux's {@code TCP_CORK}: while corked only
     * whole segments (of the MSS) leave, so that a message written in several pieces goes out in
     * as few segments as it fills; uncorking sends what was held (subject to Nagle, unless
     * no-delay). Data held while nothing else is in flight leaves after one retransmission
     * timeout at most (the persist timer's override), uncorked or not: a forgotten cork delays,
     * it never stalls. A FIN (shutdown, close) sends everything.
     */
    public void cork(long now, boolean corked) {
        calls.cork(now, this, corked);
    }

    /** Whether the connection is corked. */
    public boolean corked() {
        return corked;
    }

    /**
     * Sequence space sent and not yet acknowledged (data, SYN, FIN): while it is not 0 an
     * acknowledgment, a retransmission or the end of the connection is coming.
     */
    public int inFlight() {
        return sndMax - sndUna;
    }

    /** The most the send buffer holds, written or not. */
    public int sendBufferSize() {
        return sndCap;
    }

    /**
     * Makes {@code ring} the send buffer, its length the most it holds from now on: the bytes
     * written and not yet acknowledged are moved into it to end just before index {@code end},
     * and later bytes are put into it by the caller, from index {@code end} on and wrapping
     * around, and handed over with {@link #appendWritten} instead of being copied in by
     * {@link #write}. The engine reads only the {@link #unacknowledged()} bytes before the
     * write index ({@code end} plus what was appended since, modulo the length); the rest of the
     * ring is the caller's, which may fill it from another thread while the engine runs (a
     * binding whose writer copies straight into it: one copy fewer). Once adopted, the ring
     * stays the send buffer; {@link #write} still works and puts its bytes at the write index.
     *
     * @throws IllegalArgumentException if {@code ring} is shorter than the bytes held now, or
     *     {@code end} lies outside it
     */
    public void adoptSendRing(byte[] ring, int end) {
        calls.adoptSendRing(this, ring, end);
    }

    /**
     * Appends the {@code n} bytes the caller put into the adopted ring at the write index
     * ({@link #adoptSendRing}) and sends what the windows and Nagle allow.
     *
     * @return {@code n}, or -1 if writing was shut down or the connection ended (nothing appended)
     * @throws IllegalStateException if no ring was adopted
     * @throws IllegalArgumentException if {@code n} is negative or more than the ring has free
     */
    public int appendWritten(long now, int n) {
        return calls.appendWritten(now, this, n);
    }

    /**
     * Keepalive after {@code idle} nanoseconds of silence, a probe every {@code interval}, the
     * connection failing with {@link Termination#TIMEOUT} after {@code probes} unanswered ones;
     * {@code idle <= 0} turns it off.
     */
    public void keepalive(long now, long idle, long interval, int probes) {
        calls.keepalive(now, this, idle, interval, probes);
    }

    /**
     * Ends the connection (a reset, then {@link Termination#TIMEOUT}) after {@code timeout}
     * nanoseconds without progress: no new byte or FIN from the peer and none of this side's
     * bytes acknowledged. Pure ACKs, keepalive answers and window probes are not progress, so a
     * peer that connects and stays silent, or that stops reading, is dropped. 0 (the default)
     * turns it off; the clock starts at this call (before the handshake completes: when it does).
     */
    public void idleTimeout(long now, long timeout) {
        calls.idleTimeout(now, this, timeout);
    }

    /**
     * Bounds how long a read may find nothing: the first {@link #read} that returns 0 starts a
     * clock of {@code timeout} nanoseconds; if no byte arrives by then, {@link TcpEvents#readable}
     * is raised and the next read that finds nothing returns {@link #READ_TIMED_OUT} (once; the
     * connection goes on). 0 (the default) turns it off.
     */
    public void readTimeout(long now, long timeout) {
        calls.readTimeout(now, this, timeout);
    }

    /**
     * The reader gave up waiting (it was interrupted, or left): the read clock stops, and a
     * timeout not yet reported is forgotten.
     */
    public void readAbandoned(long now) {
        calls.readAbandoned(this);
    }

    @Override
    public String toString() {
        return localAddress + ":" + localPort + "-" + remoteAddress + ":" + remotePort + " " + state;
    }

    /**
     * {@code ring} grown to hold at least {@code needed} bytes from {@code head} (a power of two
     * from {@value #MIN_RING}, at most {@code cap}), its contents moved to start at 0; the
     * same array if it is large enough.
     */
    static byte[] grown(byte[] ring, int head, int needed, int cap) {
        if (needed <= ring.length) {
            return ring;
        }
        int size = Math.max(MIN_RING, Integer.highestOneBit(Math.max(1, needed - 1)) << 1);
        byte[] next = new byte[Math.min(cap, size)];
        int first = ring.length - head;
        System.arraycopy(ring, head, next, 0, first);
        System.arraycopy(ring, 0, next, first, head);
        return next;
    }
}
