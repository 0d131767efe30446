package mirage.net.internal.engine.tcp;

import mirage.net.internal.wire.TcpSegment;

/**
 * Segments that no connection takes: RFC 9293 sections 3.10.7.1 (CLOSED: answered with a reset)
 * and 3.10.7.2 (LISTEN: a SYN opens a connection in SYN-RECEIVED while the listener's backlog
 * has room; past it, a SYN cookie answers when configured, and the ACK that returns a valid one
 * creates the connection ESTABLISHED).
 */
final class ListenInput {
    /** RFC 9293 section 3.7.1: the MSS assumed when the SYN carries none. */
    static final int DEFAULT_MSS = 536;

    private final TcpEngine engine;
    private final TcpConfig config;
    private final Counters counters;
    private final SegmentWriter writer;
    private final Output output;
    private final SynCookies cookies;

    ListenInput(TcpEngine engine, TcpConfig config, Counters counters, SegmentWriter writer, Output output,
            SynCookies cookies) {
        this.engine = engine;
        this.config = config;
        this.counters = counters;
        this.writer = writer;
        this.output = output;
        this.cookies = cookies;
    }

    /** Segment {@code s} over IPv4 from {@code src} to {@code dst}, for which no connection exists. */
    void segment(long now, TcpEngine.Listener l, TcpSegment s, int src, int dst) {
        segment(now, l, s, false, 0, ConnectionTable.mapped(src), 0, ConnectionTable.mapped(dst));
    }

    /**
     * Segment {@code s} from {@code sh:sl} to {@code dh:dl} (addresses as the connection table's
     * keys, of IPv6 if {@code v6}), for which no connection exists; {@code l} listens on its port
     * (for both families), or is null.
     */
    void segment(long now, TcpEngine.Listener l, TcpSegment s, boolean v6, long sh, long sl, long dh, long dl) {
        int flags = s.flags();
        if ((flags & TcpSegment.RST) != 0) {
            return;
        }
        if (l == null) {
            writer.resetFor(now, s, engine.localAddress(v6, dh, dl), TcpEngine.remoteAddress(v6, sh, sl));
            return;
        }
        if ((flags & TcpSegment.ACK) != 0) {
            if ((flags & TcpSegment.SYN) == 0 && config.synCookies() && cookieAck(now, l, s, v6, sh, sl, dh, dl)) {
                return;
            }
            writer.resetFor(now, s, engine.localAddress(v6, dh, dl), TcpEngine.remoteAddress(v6, sh, sl));
            return;
        }
        if ((flags & TcpSegment.SYN) == 0) {
            counters.dropped++;
            return;
        }
        if ((flags & TcpSegment.FIN) != 0) {
            counters.dropped++; // SYN+FIN: no sensible peer sends it
            return;
        }
        if (engine.connectionCount() >= config.maxConnections()) {
            counters.dropped++;
            counters.overLimit++; // as Linux with a full accept queue: the SYN is dropped, the peer retries
            return;
        }
        if (l.halfOpen >= l.backlog) {
            if (config.synCookies()) {
                sendCookie(now, s, v6, sh, sl, dh, dl);
            } else {
                counters.dropped++;
                counters.overLimit++;
            }
            return;
        }
        TcpConnection c = engine.create(engine.localAddress(v6, dh, dl), s.destinationPort(), TcpEngine.remoteAddress(v6, sh, sl), s.sourcePort(), l, false);
        l.halfOpen++;
        c.irs = s.sequence();
        c.rcvNxt = c.irs + 1;
        c.rcvAdv = c.rcvNxt;
        c.iss = engine.isn(now, c);
        c.sndUna = c.iss;
        c.sndSml = c.iss;
        c.sndNxt = c.iss;
        c.sndMax = c.iss;
        c.recover = c.iss;
        engine.negotiate(now, c, s);
        c.sndWnd = s.window();
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = s.sequence();
        c.sndWl2 = c.iss;
        c.lastHeard = now;
        c.state = TcpState.SYN_RECEIVED;
        c.connectDeadline = now + config.initialRto() * 64; // a bound on a half-open connection's life
        output.syn(now, c);
    }

    /** The SYN-ACK of a SYN cookie (no state kept; options other than MSS are not remembered). */
    private void sendCookie(long now, TcpSegment s, boolean v6, long sh, long sl, long dh, long dl) {
        int peerMss = s.mss() >= 0 ? s.mss() : DEFAULT_MSS;
        int index = SynCookies.mssIndex(Math.min(peerMss, engine.mssLimit(v6)));
        int cookie = cookies.issue(now, dh, dl, s.destinationPort(), sh, sl, s.sourcePort(), s.sequence(), index);
        writer.cookieSynAck(now, s, engine.localAddress(v6, dh, dl), TcpEngine.remoteAddress(v6, sh, sl), cookie,
                SynCookies.MSS[index]);
        counters.synCookiesSent++;
    }

    /** The final ACK of a SYN cookie handshake: if the cookie holds, the connection is born ESTABLISHED. */
    private boolean cookieAck(long now, TcpEngine.Listener l, TcpSegment s, boolean v6, long sh, long sl, long dh, long dl) {
        int cookie = s.acknowledgment() - 1;
        int peerIsn = s.sequence() - 1;
        int mss = cookies.check(now, dh, dl, s.destinationPort(), sh, sl, s.sourcePort(), peerIsn, cookie);
        if (mss < 0) {
            return false;
        }
        if (engine.connectionCount() >= config.maxConnections()) {
            counters.dropped++;
            counters.overLimit++;
            return true;
        }
        TcpConnection c = engine.create(engine.localAddress(v6, dh, dl), s.destinationPort(), TcpEngine.remoteAddress(v6, sh, sl), s.sourcePort(), l, false);
        c.iss = cookie;
        c.sndSml = cookie;
        c.irs = peerIsn;
        c.rcvNxt = s.sequence();
        c.rcvAdv = c.rcvNxt;
        c.sndUna = s.acknowledgment();
        c.sndNxt = c.sndUna;
        c.sndMax = c.sndUna;
        c.recover = c.sndUna;
        c.mss = engine.pathMss(now, c.remoteAddress, mss);
        c.sndWnd = s.window();
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = s.sequence();
        c.sndWl2 = s.acknowledgment();
        c.cc.init(c.mss);
        c.lastHeard = now;
        l.halfOpen++; // established() takes it back
        engine.established(now, c);
        if (c.index >= 0) {
            engine.segment(now, c, s); // any data the ACK carries
        }
        return true;
    }
}
