package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.TcpSegment;
import mirage.net.internal.wire.TcpSegmenter;

/**
 * What a connection sends, and when (RFC 9293 sections 3.7 and 3.8): new data as the send and
 * congestion windows allow, held back by Nagle's algorithm in Minshall's variant and by a cork
 * (sender-side silly window avoidance), SACK holes first in loss recovery (RFC 6675), whole
 * segments cut by the link when it offers segmentation offload, the FIN after the data, the
 * persist timer when sending waits on the window, and any ACK owed. Segments are written by the
 * {@link SegmentWriter}.
 */
final class Output {
    private final Ipv4Engine ip;
    /** The IPv6 engine, or null without IPv6. */
    private final Ipv6Engine ip6;
    private final SegmentWriter writer;
    private final Counters counters;

    Output(Ipv4Engine ip, Ipv6Engine ip6, SegmentWriter writer, Counters counters) {
        this.ip = ip;
        this.ip6 = ip6;
        this.writer = writer;
        this.counters = counters;
    }

    /** Sends what the state, the windows, Nagle and silly-window avoidance allow, then any owed ACK. */
    void send(long now, TcpConnection c) {
        if (c.index < 0) {
            return;
        }
        switch (c.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, LAST_ACK, CLOSING -> sendData(now, c);
            default -> { }
        }
        if (c.ackNow && c.index >= 0 && c.state != TcpState.SYN_SENT) {
            writer.ack(now, c);
        }
    }

    /** Our SYN or SYN-ACK, sent or sent again: the retransmission timer runs, an RTT sample starts with the first. */
    void syn(long now, TcpConnection c) {
        boolean again = c.sndMax != c.iss;
        writer.syn(now, c);
        if (again) {
            counters.retransmitted++;
        } else {
            c.rttStart = now;
        }
        c.sndNxt = c.iss + 1;
        c.sndMax = c.sndNxt;
        c.rcvAdv = c.rcvNxt + Math.min(c.rcvCap, 0xffff);
        c.rtoDeadline = now + c.rto;
    }

    void sendData(long now, TcpConnection c) {
        int mss = c.segmentRoom();
        SackScoreboard sacked = c.scoreboard;
        if (c.recovery && c.sackOn) {
            int high = sacked.highest(c.sndUna);
            while (true) {
                long room = c.cc.cwnd - sacked.pipe(c.sndUna, c.sndMax, c.rexmitNext);
                if (room < mss) {
                    break;
                }
                int seq = c.rexmitNext;
                if (Seq.lt(seq, c.sndUna)) {
                    seq = c.sndUna;
                }
                while (Seq.lt(seq, high) && sacked.skip(seq) != seq) {
                    seq = sacked.skip(seq);
                }
                if (!Seq.lt(seq, high)) {
                    break; // no hole left: new data below
                }
                int n = Math.min(mss, sacked.unsackedRun(seq, high));
                writer.segment(now, c, seq, n, TcpSegment.ACK);
                counters.retransmitted++;
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
                    window = Math.min(c.sndUna + c.sndWnd - c.sndNxt, c.cc.cwnd - sacked.pipe(c.sndUna, c.sndMax, c.rexmitNext));
                } else {
                    window = Math.min(c.sndWnd, c.cc.cwnd) - (c.sndNxt - c.sndUna);
                }
                if (!Seq.lt(c.sndNxt, c.sndMax) && Math.min(unsent, window) >= 2L * mss && segmentable(now, c)
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
                    int skipped = sacked.skip(c.sndNxt);
                    if (skipped != c.sndNxt) {
                        c.sndNxt = Seq.min(skipped, dataEnd);
                        continue;
                    }
                    n = Math.min(n, sacked.unsackedRun(c.sndNxt, c.sndMax));
                }
                int flags = TcpSegment.ACK | (n == unsent ? TcpSegment.PSH : 0);
                if (Seq.lt(c.sndNxt, c.sndMax)) {
                    counters.retransmitted++;
                } else if (c.rttStart < 0 && !c.tsOn) {
                    c.rttStart = now;
                    c.rttSeq = c.sndNxt;
                }
                writer.segment(now, c, c.sndNxt, n, flags);
                advanced(now, c, n);
                if (n < mss) {
                    c.sndSml = c.sndNxt;
                }
                continue;
            }
            if (unsent == 0 && c.finQueued && (c.state == TcpState.FIN_WAIT_1 || c.state == TcpState.LAST_ACK
                    || c.state == TcpState.CLOSING)) {
                writer.segment(now, c, dataEnd, 0, TcpSegment.FIN | TcpSegment.ACK);
                if (Seq.lt(c.sndNxt, c.sndMax)) {
                    counters.retransmitted++;
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
        int limit = c.v6 ? (ip6.maxSegmentedPacket() - Ipv6Packet.HEADER_LENGTH - TcpSegment.MAX_HEADER_LENGTH) / mss * mss
                : (ip.maxSegmentedDatagram() - Ipv4Packet.MIN_HEADER_LENGTH - TcpSegment.MAX_HEADER_LENGTH) / mss * mss;
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
        int length = writer.prepare(now, c, c.sndNxt, n, flags);
        int segments = (n + mss - 1) / mss;
        ByteBuffer b = writer.buffer(c);
        counters.segmentsSent += segments;
        if (c.v6) {
            Ipv6Address local = (Ipv6Address) c.localAddress;
            Ipv6Address remote = (Ipv6Address) c.remoteAddress;
            b.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.fold(InternetChecksum.pseudoHeader(local, remote,
                    Ipv6Packet.NEXT_HEADER_TCP, length)));
            ip6.sendPreparedSegmented(now, local, remote, length, mss, segments);
        } else {
            b.putShort(TcpSegment.CHECKSUM, (short) TcpSegmenter.pseudoHeaderSeed(((Ipv4Address) c.localAddress).bits(),
                    ((Ipv4Address) c.remoteAddress).bits(), length));
            ip.sendPreparedSegmented(now, (Ipv4Address) c.localAddress, (Ipv4Address) c.remoteAddress, writer.ttl(),
                    c.fragmentation(), length, mss, segments);
        }
        advanced(now, c, n);
        if (n != whole) {
            c.sndSml = c.sndNxt;
        }
        return true;
    }

    /**
     * Whether {@code c}'s new data may go as super-segments: its family's link takes segmentation
     * offload (and, over IPv6, its next hop is resolved, {@link Ipv6Engine#segmentable}).
     */
    private boolean segmentable(long now, TcpConnection c) {
        return c.v6 ? ip6 != null && ip6.segmentable(now, (Ipv6Address) c.remoteAddress) : ip.maxSegmentedDatagram() > 0;
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
    static boolean shortMayLeave(TcpConnection c, int n, boolean all) {
        if (all && (c.finQueued || !c.corked && (c.noDelay || !shortInFlight(c)))) {
            return true;
        }
        return n >= c.maxSndWnd / 2;
    }

    /** A segment shorter than the MSS is sent and not yet acknowledged (Linux's {@code tcp_minshall_check}). */
    static boolean shortInFlight(TcpConnection c) {
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

    /** Sending waits on the window or on Nagle with nothing in flight: the persist timer will probe or override. */
    private static void armPersist(long now, TcpConnection c) {
        if (c.persistDeadline == TcpConnection.NONE && c.sndMax == c.sndUna && c.rtoDeadline == TcpConnection.NONE) {
            if (c.persistBackoff == 0) {
                c.persistBackoff = c.rto;
            }
            c.persistDeadline = now + c.persistBackoff;
        }
    }

    /** Sends one segment again from {@code seq} (a fast retransmit, a partial ACK's next hole), or the FIN; restarts the RTO. */
    void retransmit(long now, TcpConnection c, int seq) {
        int dataEnd = c.sndUna + c.sndLen;
        int n = Math.min(c.segmentRoom(), dataEnd - seq);
        if (n > 0) {
            writer.segment(now, c, seq, n, TcpSegment.ACK);
            counters.retransmitted++;
        } else if (c.finQueued && seq == dataEnd) {
            writer.segment(now, c, seq, 0, TcpSegment.FIN | TcpSegment.ACK);
            counters.retransmitted++;
        }
        c.rtoDeadline = now + c.rto;
    }
}
