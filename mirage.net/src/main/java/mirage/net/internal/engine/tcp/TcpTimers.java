package mirage.net.internal.engine.tcp;

import mirage.net.internal.wire.TcpSegment;
import mirage.time.Timers;

/**
 * The connections' timers: each connection's eight deadlines (retransmission, delayed ACK, window
 * probe, keepalive, TIME-WAIT or FIN-WAIT-2, handshake limit, idle, read) are data on it, set by whatever
 * transition needs them; this class keeps each connection in a {@link Timers} structure (decision
 * 0007's indexed heap) at the earliest of them, and runs a connection's due timers when that
 * comes. So the engine's next deadline is exact and O(1) ({@link #nextDeadline}), a poll costs
 * the connections that are due, O(log n) each, not a visit of every connection, and a timer set
 * during a call is known before the call returns ({@link #reschedule}).
 *
 * <p>What each timer does when it fires is here too: {@link #retransmissionTimeout},
 * {@link #persist} (window probes and the override of a held short segment), the delayed ACK,
 * {@link #keepalive}, the end of TIME-WAIT or of an orphan's FIN-WAIT-2, the limit on a
 * handshake, and the application's two: the idle timeout ({@link #idle}) and the read timeout.
 */
final class TcpTimers {
    private final TcpEngine engine;
    private final TcpConfig config;
    private final Counters counters;
    private final SegmentWriter writer;
    private final Output output;
    private final Timers timers = Timers.create();
    /** The {@code now} of the poll whose {@link Timers#expire} is running the connections' actions. */
    private long pollNow;
    /** Connections whose timers ran, in all polls: what polling cost (each O(log n)). */
    long fired;

    TcpTimers(TcpEngine engine, TcpConfig config, Counters counters, SegmentWriter writer, Output output) {
        this.engine = engine;
        this.config = config;
        this.counters = counters;
        this.writer = writer;
        this.output = output;
    }

    /** Gives a new connection its place in the structure (not armed until {@link #reschedule}). */
    void add(TcpConnection c) {
        c.timer = timers.newTimer(() -> fire(pollNow, c));
    }

    /** Keeps {@code c} in the structure at its earliest deadline, or out of it when it has none. O(log n). */
    void reschedule(TcpConnection c) {
        long next = c.nextDeadline();
        Timers.Timer t = c.timer;
        if (next == TcpConnection.NONE) {
            t.cancel();
        } else if (!t.armed() || t.deadline() != next) {
            t.arm(next);
        }
    }

    /** Takes {@code c} out of the structure for good (it was removed from the engine). */
    void remove(TcpConnection c) {
        c.timer.cancel();
    }

    /** The earliest deadline of every connection, {@code Long.MAX_VALUE} if none is set. O(1). */
    long nextDeadline() {
        return timers.nextDeadline();
    }

    /** Runs the timers of every connection due at {@code now}, earliest first; each is then rescheduled by the engine. */
    void expire(long now) {
        pollNow = now;
        timers.expire(now);
    }

    /** Connections in the structure now (armed). */
    int size() {
        return timers.size();
    }

    /** The connection's timers due at {@code now}, in a fixed order. */
    private void fire(long now, TcpConnection c) {
        fired++;
        engine.touch(c);
        if (c.closeDeadline <= now) {
            c.closeDeadline = TcpConnection.NONE;
            if (c.state == TcpState.TIME_WAIT) {
                engine.remove(c);
            } else {
                // An orphan in FIN-WAIT-2 whose peer never closes.
                engine.terminate(now, c, Termination.TIMEOUT);
            }
            return;
        }
        if (c.connectDeadline <= now) {
            c.connectDeadline = TcpConnection.NONE;
            if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
                if (c.active) {
                    counters.failedAttempts++;
                }
                engine.terminate(now, c, Termination.TIMEOUT);
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
                writer.ack(now, c);
            }
        }
        if (c.keepaliveDeadline <= now) {
            c.keepaliveDeadline = TcpConnection.NONE;
            keepalive(now, c);
            if (c.index < 0) {
                return;
            }
        }
        if (c.readDeadline <= now) {
            c.readDeadline = TcpConnection.NONE;
            c.readTimedOut = true;
            counters.readTimeouts++;
            engine.raise(c, TcpEngine.EV_READABLE);
        }
        if (c.idleDeadline <= now) {
            c.idleDeadline = TcpConnection.NONE;
            idle(now, c);
        }
    }

    /**
     * The idle timeout: nothing moved for the connection's idle time. A reset tells the peer
     * (as for an exhausted retransmission count), and the connection ends with TIMEOUT.
     */
    private void idle(long now, TcpConnection c) {
        if (c.state == TcpState.TIME_WAIT || c.idleTimeout <= 0) {
            return;
        }
        counters.idleTimeouts++;
        writer.reset(now, c);
        engine.terminate(now, c, Termination.TIMEOUT);
    }

    /** RFC 6298 section 5: back off, then resend from SND.UNA (or the SYN, or a window probe); too many in a row end the connection. */
    private void retransmissionTimeout(long now, TcpConnection c) {
        c.retransmits++;
        c.rto = Math.min(config.maxRto(), c.rto * 2); // RFC 6298 (5.5)
        c.rttStart = -1; // Karn
        if (c.state == TcpState.SYN_SENT || c.state == TcpState.SYN_RECEIVED) {
            if (c.retransmits > config.synRetries()) {
                if (c.active) {
                    counters.failedAttempts++;
                }
                engine.terminate(now, c, Termination.TIMEOUT);
                return;
            }
            output.syn(now, c);
            return;
        }
        if (c.sndMax == c.sndUna) {
            c.retransmits = 0;
            return;
        }
        if (c.retransmits > config.maxRetransmissions()) {
            writer.reset(now, c);
            engine.terminate(now, c, Termination.TIMEOUT);
            return;
        }
        if (c.sndWnd == 0 && c.sndLen > 0) {
            // The peer offers no window: probe it. A probe the peer answers does not count
            // against it (RFC 1122 4.2.2.17: probe for as long as it answers); silence does.
            if (answered(c)) {
                c.retransmits--;
            }
            c.probeAt = now;
            writer.segment(now, c, c.sndUna - 1, 0, TcpSegment.ACK);
            c.rtoDeadline = now + c.rto;
            return;
        }
        int mss = c.effectiveMss();
        c.cc.onTimeout(now, c.sndMax - c.sndUna, mss);
        c.recovery = false;
        c.dupAcks = 0;
        c.recover = c.sndMax;
        c.scoreboard.clear(); // RFC 6675 section 5.1 allows keeping them; dropping guards against reneging
        c.sndNxt = c.sndUna;
        output.sendData(now, c);
        if (c.sndNxt == c.sndUna && c.finQueued && c.sndLen == 0) {
            output.retransmit(now, c, c.sndUna);
        }
        c.rtoDeadline = now + c.rto;
    }

    /**
     * The persist timer: with room in the windows, the override of RFC 9293 section 3.8.6.2.1
     * sends what a held short segment (Nagle, a cork) has; with none, a window probe (section
     * 3.8.6.1), backing off up to the maximum RTO. Probes go on while the peer answers them;
     * unanswered ones count as timeouts.
     */
    private void persist(long now, TcpConnection c) {
        int unsent = c.sndUna + c.sndLen - c.sndNxt;
        if (unsent <= 0 || c.index < 0) {
            c.persistBackoff = 0;
            return;
        }
        long usable = Math.min(c.sndWnd, c.cc.cwnd) - (c.sndNxt - c.sndUna);
        if (usable > 0) {
            int n = (int) Math.min(Math.min(unsent, usable), c.segmentRoom());
            writer.segment(now, c, c.sndNxt, n, TcpSegment.ACK | TcpSegment.PSH);
            c.sndNxt += n;
            if (n < c.segmentRoom()) {
                c.sndSml = c.sndNxt;
            }
            if (Seq.gt(c.sndNxt, c.sndMax)) {
                c.sndMax = c.sndNxt;
            }
            c.rtoDeadline = now + c.rto;
            c.persistBackoff = 0;
            return;
        }
        if (answered(c)) {
            c.retransmits = 0;
        } else if (++c.retransmits > config.maxRetransmissions()) {
            writer.reset(now, c);
            engine.terminate(now, c, Termination.TIMEOUT);
            return;
        }
        c.probeAt = now;
        writer.segment(now, c, c.sndUna - 1, 0, TcpSegment.ACK);
        c.persistBackoff = Math.min(config.maxRto(), Math.max(c.rto, c.persistBackoff * 2));
        c.persistDeadline = now + c.persistBackoff;
    }

    /** True if the peer was heard from since the last window probe (or none was sent). */
    private static boolean answered(TcpConnection c) {
        return c.probeAt < 0 || c.lastHeard >= c.probeAt;
    }

    /** RFC 1122 section 4.2.3.6: a probe after the idle time, then every interval, until the peer answers or the probes run out. */
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
            engine.terminate(now, c, Termination.TIMEOUT);
            return;
        }
        // SEG.SEQ = SND.NXT - 1, no data.
        writer.segment(now, c, c.sndNxt - 1, 0, TcpSegment.ACK);
        c.keepSent++;
        c.keepaliveDeadline = now + c.keepInterval;
    }
}
