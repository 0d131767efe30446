package mirage.net.internal.engine.tcp;

import mirage.net.internal.wire.TcpSegment;

/**
 * What an acceptable acknowledgment does on the sending side: a new ACK frees the send ring,
 * takes an RTT sample (RFC 6298 with Karn's rule; with timestamps every advancing ACK, RFC 7323
 * section 4) and grows the congestion window, or moves loss recovery on (RFC 6582's partial and
 * full acknowledgments); a duplicate ACK counts towards fast retransmit (three of them, or three
 * segments' worth SACKed: RFC 6675's DupThresh), which starts recovery once per window.
 */
final class Acknowledgments {
    private final TcpEngine engine;
    private final TcpConfig config;
    private final Output output;

    Acknowledgments(TcpEngine engine, TcpConfig config, Output output) {
        this.engine = engine;
        this.config = config;
        this.output = output;
    }

    /** {@code ack} acknowledges new data or our FIN (SND.UNA &lt; ack &lt;= SND.MAX); {@code s} carries it. */
    void newAck(long now, TcpConnection c, TcpSegment s, int ack) {
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
        c.scoreboard.prune(c.sndUna);
        // RTT (RFC 6298 section 3, Karn; RFC 7323 section 4 with timestamps).
        if (c.tsOn && s.hasTimestamps() && s.tsEcr() != 0) {
            rttSample(c, (long) (SegmentWriter.tsNow(now, c) - s.tsEcr()) * 1_000_000L);
        } else if (c.rttStart >= 0 && Seq.gt(ack, c.rttSeq)) {
            rttSample(c, now - c.rttStart);
            c.rttStart = -1;
        }
        c.retransmits = 0;
        c.backoff = 0;
        int mss = c.effectiveMss();
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
                    output.retransmit(now, c, c.sndUna);
                }
            }
        } else {
            c.dupAcks = 0;
            c.cc.onAck(now, acked, mss, Math.max(c.srtt, 0));
        }
        c.rtoDeadline = c.sndMax != c.sndUna ? now + c.rto : TcpConnection.NONE;
        if (dataAcked > 0 && c.canWrite()) {
            engine.raise(c, TcpEngine.EV_WRITABLE);
        }
    }

    /** A duplicate ACK: SND.UNA again, no data, the same window, with data outstanding. */
    void duplicateAck(long now, TcpConnection c) {
        c.dupAcks++;
        int mss = c.effectiveMss();
        if (!c.recovery) {
            boolean lossByDupAcks = c.dupAcks >= 3;
            boolean lossBySack = c.sackOn && c.scoreboard.bytes() >= 3L * mss;
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
                output.retransmit(now, c, c.sndUna);
                c.rexmitNext = c.sndUna + Math.min(mss, Math.max(c.sndLen, 1));
            }
        } else if (!c.sackOn) {
            c.cc.cwnd += mss; // RFC 6582 step 3: inflate for the segment that left
        }
    }

    /** One RTT measurement {@code r} (nanoseconds): SRTT, RTTVAR and the RTO (RFC 6298 section 2), within the configured bounds. */
    void rttSample(TcpConnection c, long r) {
        if (r < 0) {
            return;
        }
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
}
