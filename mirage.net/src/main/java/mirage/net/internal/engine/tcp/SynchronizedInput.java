package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import mirage.net.internal.wire.TcpSegment;

/**
 * Segments for a connection in SYN-RECEIVED or a synchronized state: RFC 9293 section
 * 3.10.7.4, "Otherwise", with RFC 5961's defences and RFC 7323's PAWS, in the RFC's order:
 * PAWS, sequence number acceptability, RST, SYN, ACK, then the data and the FIN. Each step is a
 * method of its own; a step that ends the segment's processing returns false.
 */
final class SynchronizedInput {
    /** RFC 7323 section 5.5: timestamps older than 24 days are not compared (in milliseconds). */
    static final long PAWS_IDLE_MS = 24L * 24 * 3600 * 1000;

    private final TcpEngine engine;
    private final TcpConfig config;
    private final Counters counters;
    private final SegmentWriter writer;
    private final Output output;
    private final Acknowledgments acks;
    private long challengeWindowStart = Long.MIN_VALUE;
    private int challengeCount;

    SynchronizedInput(TcpEngine engine, TcpConfig config, Counters counters, SegmentWriter writer, Output output,
            Acknowledgments acks) {
        this.engine = engine;
        this.config = config;
        this.counters = counters;
        this.writer = writer;
        this.output = output;
        this.acks = acks;
    }

    /** One segment {@code s} for {@code c}. */
    void segment(long now, TcpConnection c, TcpSegment s) {
        int flags = s.flags();
        boolean rst = (flags & TcpSegment.RST) != 0;
        boolean syn = (flags & TcpSegment.SYN) != 0;

        // RFC 7323 section 5.3, PAWS: an old timestamp marks an old duplicate.
        if (c.tsOn && s.hasTimestamps() && !rst && Seq.lt(s.tsVal(), c.tsRecent)
                && (now - c.tsRecentAge) / 1_000_000L < PAWS_IDLE_MS) {
            counters.dropped++;
            c.ackNow = true;
            return;
        }
        // The peer's SYN again in SYN-RECEIVED: our SYN-ACK was lost; send it again.
        if (syn && !rst && c.state == TcpState.SYN_RECEIVED && !c.active && s.sequence() == c.irs) {
            c.sndNxt = c.iss;
            output.syn(now, c);
            return;
        }
        // First: sequence number acceptability.
        if (!acceptable(c.rcvNxt, Math.max(0, c.rcvAdv - c.rcvNxt), s.sequence(), s.sequenceLength())) {
            if (!rst) {
                if (c.state == TcpState.TIME_WAIT && (flags & TcpSegment.FIN) != 0) {
                    engine.restartTimeWait(now, c);
                }
                c.ackNow = true;
            }
            counters.dropped++;
            return;
        }
        // Second: RST. (Third, security, does not apply.)
        if (rst) {
            reset(now, c, s);
            return;
        }
        // Fourth: SYN (RFC 5961 section 4.2: always a challenge ACK, in SYN-RECEIVED too).
        if (syn) {
            challengeAck(now, c);
            return;
        }
        // Fifth: ACK.
        if ((flags & TcpSegment.ACK) == 0) {
            counters.dropped++;
            return;
        }
        if (!acknowledgment(now, c, s)) {
            return;
        }
        // Sixth (URG) is ignored; seventh and eighth: the data and the FIN.
        text(now, c, s);
    }

    /**
     * RFC 9293 section 3.10.7.4's acceptability test of a segment of {@code len} sequence
     * numbers from {@code seq}, against RCV.NXT and RCV.WND. The right edge itself is taken for
     * an empty segment (as Linux does: a peer whose data filled our window numbers its pure ACKs
     * there), and a zero window still takes a segment at RCV.NXT for its ACK, RST and FIN.
     */
    static boolean acceptable(int rcvNxt, int rcvWnd, int seq, int len) {
        boolean acceptable;
        if (len == 0) {
            acceptable = rcvWnd == 0 ? seq == rcvNxt : Seq.le(rcvNxt, seq) && Seq.le(seq, rcvNxt + rcvWnd);
        } else {
            acceptable = rcvWnd != 0 && (Seq.inRange(seq, rcvNxt, rcvNxt + rcvWnd)
                    || Seq.inRange(seq + len - 1, rcvNxt, rcvNxt + rcvWnd));
        }
        return acceptable || (rcvWnd == 0 && seq == rcvNxt);
    }

    /** A RST in the window (RFC 5961 section 3.2): exactly at RCV.NXT it ends the connection, elsewhere it is challenged. */
    private void reset(long now, TcpConnection c, TcpSegment s) {
        if (c.state == TcpState.TIME_WAIT) {
            counters.dropped++; // RFC 1337: a RST must not cut TIME-WAIT short ("TIME-WAIT assassination")
            return;
        }
        if (s.sequence() != c.rcvNxt) {
            challengeAck(now, c);
            return;
        }
        counters.resetsReceived++;
        switch (c.state) {
            case SYN_RECEIVED -> {
                if (c.active) {
                    counters.failedAttempts++;
                    engine.terminate(now, c, Termination.REFUSED);
                } else {
                    engine.terminate(now, c, Termination.RESET); // back to LISTEN: the listener never saw it
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> engine.terminate(now, c, Termination.RESET);
            default -> engine.terminate(now, c, Termination.NORMAL); // CLOSING, LAST-ACK
        }
    }

    /**
     * The ACK field: SYN-RECEIVED becomes ESTABLISHED; RFC 5961 section 5.2 challenges an ACK
     * of what was never sent or too old to be the peer's; then the sender side
     * ({@link Acknowledgments}), the window update, and the states a FIN's acknowledgment moves.
     *
     * @return false if the segment's processing ends here
     */
    private boolean acknowledgment(long now, TcpConnection c, TcpSegment s) {
        int seq = s.sequence();
        int ack = s.acknowledgment();
        int flags = s.flags();
        if (c.state == TcpState.SYN_RECEIVED) {
            if (!(Seq.gt(ack, c.sndUna) && Seq.le(ack, c.sndMax))) {
                writer.reset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, ack, 0, false);
                return false;
            }
            c.sndUna = ack;
            c.sndWnd = (long) s.window() << c.sndShift;
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            if (c.tsOn && s.hasTimestamps() && s.tsEcr() != 0) {
                acks.rttSample(c, (long) (SegmentWriter.tsNow(now, c) - s.tsEcr()) * 1_000_000L);
            }
            c.retransmits = 0;
            c.rtoDeadline = TcpConnection.NONE;
            engine.established(now, c);
            if (c.index < 0) {
                return false;
            }
            if (c.finQueued) {
                c.state = TcpState.FIN_WAIT_1;
            }
        }
        if (Seq.gt(ack, c.sndMax)) {
            // RFC 9293: an ACK for something not yet sent is answered and dropped (RFC 5961
            // section 5.2: with the challenge ACK's rate limit).
            challengeAck(now, c);
            return false;
        }
        if (Seq.lt(ack, c.sndUna - (int) Math.min(c.maxSndWnd, Integer.MAX_VALUE))) {
            // RFC 5961 section 5.2: too old to be from the peer.
            challengeAck(now, c);
            return false;
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
                c.scoreboard.add(s.sackLeft(i), s.sackRight(i), c.sndUna, c.sndMax);
            }
        }
        long wnd = (long) s.window() << c.sndShift;
        boolean advanced = Seq.gt(ack, c.sndUna);
        if (advanced) {
            acks.newAck(now, c, s, ack);
        } else if (ack == c.sndUna && s.payloadLength() == 0 && (flags & TcpSegment.FIN) == 0 && wnd == c.sndWnd
                && c.sndMax != c.sndUna) {
            acks.duplicateAck(now, c);
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
                    engine.timeWait(now, c);
                    return false;
                }
                case LAST_ACK -> {
                    engine.terminate(now, c, Termination.NORMAL);
                    return false;
                }
                default -> { }
            }
        }
        if (c.state == TcpState.TIME_WAIT) {
            if ((flags & TcpSegment.FIN) != 0) { // the peer's FIN again: our ACK was lost
                c.ackNow = true;
                engine.restartTimeWait(now, c);
            }
            return false;
        }
        return true;
    }

    /** The segment's data, then its FIN once it is in order. */
    private void text(long now, TcpConnection c, TcpSegment s) {
        int seq = s.sequence();
        int payload = s.payloadLength();
        int off = 0;
        if (Seq.lt(seq, c.rcvNxt)) {
            off = c.rcvNxt - seq;
        }
        boolean fin = (s.flags() & TcpSegment.FIN) != 0;
        if (payload > off) {
            switch (c.state) {
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {
                    if (c.appClosed) {
                        // RFC 9293 section 3.10.7.4 / RFC 1122 4.2.2.13: nobody will read it.
                        writer.reset(now, c);
                        engine.terminate(now, c, Termination.ABORTED);
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
        if (fin && seq + payload == c.rcvNxt) {
            c.rcvNxt++;
            c.finReceived = true;
            c.ackNow = true;
            engine.raise(c, TcpEngine.EV_READABLE);
            switch (c.state) {
                case SYN_RECEIVED, ESTABLISHED -> c.state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> {
                    if (c.finAcked) {
                        engine.timeWait(now, c);
                    } else {
                        c.state = TcpState.CLOSING;
                    }
                }
                case FIN_WAIT_2 -> engine.timeWait(now, c);
                default -> { }
            }
        } else if (fin) {
            c.ackNow = true; // out of order: ask for the hole
        }
    }

    /**
     * Takes in-window data starting at sequence {@code seq} ({@code off} bytes into the
     * segment's payload) into the receive ring at its place; returns the bytes kept. In-order
     * data moves RCV.NXT (over the reassembly queue's ranges it reaches) and is acknowledged
     * every second segment or after the delayed ACK time; out-of-order data is queued and
     * acknowledged at once.
     */
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
        if (rel != 0 && !c.reassembly.add(seq, seq + take)) {
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
            int next = c.reassembly.absorb(c.rcvNxt);
            boolean filled = next != c.rcvNxt;
            c.rcvLen += next - c.rcvNxt;
            c.rcvNxt = next;
            engine.raise(c, TcpEngine.EV_READABLE);
            if (filled || c.reassembly.count() > 0) {
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

    /** An ACK to a segment that must not act (RFC 5961), within the engine-wide limit per second (its section 7). */
    void challengeAck(long now, TcpConnection c) {
        if (challengeWindowStart == Long.MIN_VALUE || now - challengeWindowStart >= 1_000_000_000L) {
            challengeWindowStart = now;
            challengeCount = 0;
        }
        if (challengeCount < config.challengeAcksPerSecond()) {
            challengeCount++;
            counters.challengeAcks++;
            writer.ack(now, c);
        } else {
            counters.dropped++;
        }
    }
}
