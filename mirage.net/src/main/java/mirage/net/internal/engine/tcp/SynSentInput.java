package mirage.net.internal.engine.tcp;

import mirage.net.internal.wire.TcpSegment;

/**
 * Segments for a connection in SYN-SENT (RFC 9293 section 3.10.7.3): the peer's SYN-ACK
 * establishes it, a RST that acknowledges our SYN refuses it (RFC 5961 section 3.2), and the
 * peer's own SYN without an ACK is a simultaneous open (SYN-RECEIVED, our SYN sent again with an
 * ACK). Data and FIN in a SYN-ACK are not taken: the peer sends them again.
 */
final class SynSentInput {
    private final TcpEngine engine;
    private final Counters counters;
    private final SegmentWriter writer;
    private final Output output;
    private final Acknowledgments acks;

    SynSentInput(TcpEngine engine, Counters counters, SegmentWriter writer, Output output, Acknowledgments acks) {
        this.engine = engine;
        this.counters = counters;
        this.writer = writer;
        this.output = output;
        this.acks = acks;
    }

    void segment(long now, TcpConnection c, TcpSegment s) {
        int flags = s.flags();
        boolean ack = (flags & TcpSegment.ACK) != 0;
        if (ack && (Seq.le(s.acknowledgment(), c.iss) || Seq.gt(s.acknowledgment(), c.sndMax))) {
            if ((flags & TcpSegment.RST) == 0) {
                writer.reset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, s.acknowledgment(), 0, false);
            }
            counters.dropped++;
            return;
        }
        if ((flags & TcpSegment.RST) != 0) {
            if (ack) { // RFC 5961 section 3.2 for SYN-SENT: acceptable only if it acknowledges our SYN
                counters.resetsReceived++;
                counters.failedAttempts++;
                engine.terminate(now, c, Termination.REFUSED);
            }
            return;
        }
        if ((flags & TcpSegment.SYN) == 0) {
            counters.dropped++;
            return;
        }
        c.irs = s.sequence();
        c.rcvNxt = c.irs + 1;
        c.rcvAdv = c.rcvNxt + Math.min(c.rcvCap, 0xffff); // what our SYN offered
        engine.negotiate(now, c, s);
        c.lastHeard = now;
        if (ack) {
            c.sndUna = s.acknowledgment();
            c.sndWnd = s.window(); // RFC 7323 section 2.2: the window of a SYN is never scaled
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = s.sequence();
            c.sndWl2 = s.acknowledgment();
            if (c.tsOn && s.hasTimestamps() && s.tsEcr() != 0) {
                acks.rttSample(c, (long) (SegmentWriter.tsNow(now, c) - s.tsEcr()) * 1_000_000L);
            } else if (c.retransmits == 0) {
                acks.rttSample(c, now - c.rttStart);
            }
            c.rttStart = -1;
            c.retransmits = 0;
            c.rtoDeadline = TcpConnection.NONE;
            engine.established(now, c);
            c.ackNow = true;
            if (c.finQueued) {
                c.state = TcpState.FIN_WAIT_1;
            }
        } else {
            // Simultaneous open (RFC 9293 figure 7): SYN-RECEIVED, our SYN sent again with an ACK.
            c.state = TcpState.SYN_RECEIVED;
            c.sndWnd = s.window();
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = s.sequence();
            c.sndWl2 = c.iss;
            c.sndNxt = c.iss;
            output.syn(now, c);
        }
    }
}
