package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A connection's calls from its application (RFC 9293 sections 3.10.2 to 3.10.5: SEND,
 * RECEIVE, CLOSE, ABORT; and the options): bytes copied into the send ring and out of the
 * receive ring, a window update when reading opened the window enough, half-closes, close (a
 * reset when unread data would be lost), abort, cork, no-delay and keepalive. Each call ends the
 * engine call ({@link TcpEngine#endCall}): timers re-keyed, events delivered.
 */
final class UserCalls {
    private final TcpEngine engine;
    private final TcpConfig config;
    private final SegmentWriter writer;
    private final Output output;

    UserCalls(TcpEngine engine, TcpConfig config, SegmentWriter writer, Output output) {
        this.engine = engine;
        this.config = config;
        this.writer = writer;
        this.output = output;
    }

    int read(long now, TcpConnection c, ByteBuffer dst) {
        if (c.readShut) {
            return -1;
        }
        int n = Math.min(dst.remaining(), c.rcvLen);
        if (n == 0) {
            if (c.finReceived || (c.termination != null && c.termination != Termination.NORMAL)) {
                stopReadTimer(c);
                return -1;
            }
            if (c.readTimedOut) {
                c.readTimedOut = false;
                return TcpConnection.READ_TIMED_OUT;
            }
            if (c.readTimeout > 0 && c.readDeadline == TcpConnection.NONE && c.index >= 0) {
                engine.touch(c);
                c.readDeadline = now + c.readTimeout;
                engine.endCall();
            }
            return 0;
        }
        engine.touch(c);
        c.readDeadline = TcpConnection.NONE;
        c.readTimedOut = false;
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
                if (advertised < cap / 4) {
                    c.ackNow = true; // the peer may be held by the window: tell it now
                    output.send(now, c);
                } else if (c.ackDeadline == TcpConnection.NONE) {
                    // The peer still has a quarter of the buffer to send into, so nothing waits
                    // for this update: it goes with the next segment (a response about to
                    // leave), at the latest with the delayed ACK, as RFC 1122 4.2.3.2 allows.
                    // (The first read after the handshake always lands here: a SYN's window is
                    // at most 65,535, and an update at once was a pure ACK before every reply.)
                    c.ackDeadline = now + config.delayedAck();
                }
            }
        }
        engine.endCall();
        return n;
    }

    int write(long now, TcpConnection c, ByteBuffer src) {
        if (!c.canWrite()) {
            return -1;
        }
        engine.touch(c);
        int n = append(c, src);
        if (n > 0) {
            output.send(now, c);
        }
        engine.endCall();
        return n;
    }

    int write(long now, TcpConnection c, ByteBuffer[] srcs, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, srcs.length);
        if (!c.canWrite()) {
            return -1;
        }
        engine.touch(c);
        int total = 0;
        for (int i = offset; i < offset + count && c.sndLen < c.sndCap; i++) {
            total += append(c, srcs[i]);
        }
        if (total > 0) {
            output.send(now, c); // once, after every buffer: they leave together
        }
        engine.endCall();
        return total;
    }

    void adoptSendRing(TcpConnection c, byte[] ring, int end) {
        if (ring.length < c.sndLen || end < 0 || end >= ring.length) {
            throw new IllegalArgumentException("a ring of " + ring.length + " bytes ending at " + end + " for " + c.sndLen
                    + " bytes");
        }
        int cap = ring.length;
        int head = Math.floorMod(end - c.sndLen, cap);
        byte[] old = c.sndBuf;
        for (int moved = 0; moved < c.sndLen; ) { // at most two runs each side: copy run by run
            int from = (c.sndHead + moved) % old.length;
            int to = (head + moved) % cap;
            int run = Math.min(c.sndLen - moved, Math.min(old.length - from, cap - to));
            System.arraycopy(old, from, ring, to, run);
            moved += run;
        }
        c.sndBuf = ring;
        c.sndHead = head;
        c.sndCap = cap;
        c.sndAdopted = true;
    }

    int appendWritten(long now, TcpConnection c, int n) {
        if (!c.sndAdopted) {
            throw new IllegalStateException("no send ring was adopted");
        }
        if (n < 0 || n > c.sndCap - c.sndLen) {
            throw new IllegalArgumentException(n + " bytes appended with " + (c.sndCap - c.sndLen) + " free");
        }
        if (!c.canWrite()) {
            return -1;
        }
        engine.touch(c);
        c.sndLen += n;
        if (n > 0) {
            output.send(now, c);
        }
        engine.endCall();
        return n;
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
        engine.touch(c);
        c.corked = corked;
        if (!corked) {
            output.send(now, c);
        }
        engine.endCall();
    }

    void noDelay(long now, TcpConnection c, boolean noDelay) {
        engine.touch(c);
        c.noDelay = noDelay;
        output.send(now, c);
        engine.endCall();
    }

    /**
     * The idle timeout: {@code timeout} nanoseconds without progress (no new byte or FIN from
     * the peer, none of ours acknowledged) reset the connection and end it with
     * {@link Termination#TIMEOUT}; the clock starts now. 0 turns it off.
     */
    void idleTimeout(long now, TcpConnection c, long timeout) {
        engine.touch(c);
        c.idleTimeout = Math.max(0, timeout);
        c.idleDeadline = c.idleTimeout > 0 && c.index >= 0 && c.state.synchronizedState()
                && c.state != TcpState.TIME_WAIT ? now + c.idleTimeout : TcpConnection.NONE;
        engine.endCall();
    }

    /**
     * The read timeout: a read that finds nothing starts a clock of {@code timeout} nanoseconds;
     * if nothing comes by then, the connection raises {@code readable} and its next read that
     * finds nothing returns {@link TcpConnection#READ_TIMED_OUT}. 0 turns it off. A clock
     * already running is stopped (the next read that finds nothing starts the new one).
     */
    void readTimeout(long now, TcpConnection c, long timeout) {
        engine.touch(c);
        c.readTimeout = Math.max(0, timeout);
        stopReadTimer(c);
        engine.endCall();
    }

    void readAbandoned(TcpConnection c) {
        stopReadTimer(c);
        engine.endCall();
    }

    /** Forgets a read that waits: its clock stops and a timeout not yet reported is dropped. */
    void stopReadTimer(TcpConnection c) {
        if (c.readDeadline != TcpConnection.NONE) {
            engine.touch(c);
            c.readDeadline = TcpConnection.NONE;
        }
        c.readTimedOut = false;
    }

    void keepalive(long now, TcpConnection c, long idle, long interval, int probes) {
        engine.touch(c);
        if (idle <= 0) {
            c.keepIdle = 0;
            c.keepaliveDeadline = TcpConnection.NONE;
        } else {
            c.keepIdle = idle;
            c.keepInterval = Math.max(1, interval);
            c.keepProbes = Math.max(1, probes);
            c.keepSent = 0;
            c.lastHeard = now;
            if (c.state.synchronizedState() && c.termination == null) {
                c.keepaliveDeadline = now + idle;
            }
        }
        engine.endCall();
    }

    void shutdownWrite(long now, TcpConnection c) {
        if (c.finQueued || c.termination != null) {
            return;
        }
        engine.touch(c);
        c.finQueued = true;
        switch (c.state) {
            case ESTABLISHED -> c.state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> c.state = TcpState.LAST_ACK;
            default -> { } // SYN-SENT, SYN-RECEIVED: queued until established
        }
        output.send(now, c);
        engine.endCall();
    }

    void shutdownRead(long now, TcpConnection c) {
        if (c.readShut) {
            return;
        }
        c.readShut = true;
        c.rcvHead = 0;
        c.rcvLen = 0;
        c.reassembly.clear();
        engine.endCall();
    }

    void close(long now, TcpConnection c) {
        if (c.appClosed) {
            return;
        }
        c.appClosed = true;
        if (c.termination != null || c.index < 0) {
            engine.endCall();
            return;
        }
        engine.touch(c);
        if (c.state == TcpState.SYN_SENT) {
            engine.terminate(now, c, Termination.ABORTED);
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
        engine.endCall();
    }

    void abort(long now, TcpConnection c) {
        c.appClosed = true;
        if (c.index < 0) {
            engine.endCall();
            return;
        }
        if (c.state != TcpState.SYN_SENT && c.state != TcpState.TIME_WAIT) {
            writer.reset(now, c);
        }
        engine.terminate(now, c, Termination.ABORTED);
        engine.endCall();
    }
}
