package mirage.net.internal.engine.tcp;

import java.nio.ByteBuffer;
import mirage.net.IpAddress;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.TcpSegment;

/**
 * Writes segments and hands them to IPv4: the header (RFC 9293 section 3.1), our options
 * (MSS, window scale, SACK-permitted and timestamps on a SYN; timestamps and SACK blocks after,
 * RFC 7323 and RFC 2018), the payload from the send ring and the checksum over the IPv4
 * pseudo-header. Segments are written straight into the IP engine's transmit buffer after its
 * header and sent with {@link Ipv4Engine#sendPrepared} or {@link Ipv6Engine#sendPrepared}: no
 * copy before the link. What to send
 * and when is {@link Output}'s; this class only writes what it is told.
 */
final class SegmentWriter {
    private final Ipv4Engine ip;
    private final Ipv6Engine ip6;
    private final TcpConfig config;
    private final Counters counters;
    /** Our window shift, offered on SYNs. */
    private final int ourShift;
    /** The IPv4 engine's transmit buffer after its header. */
    private final ByteBuffer tx;
    /** The IPv6 engine's transmit buffer after its header, or null without IPv6. */
    private final ByteBuffer tx6;

    SegmentWriter(Ipv4Engine ip, Ipv6Engine ip6, TcpConfig config, int ourShift, Counters counters) {
        this.ip = ip;
        this.ip6 = ip6;
        this.config = config;
        this.ourShift = ourShift;
        this.counters = counters;
        ByteBuffer ipTx = ip.transmitBuffer();
        this.tx = ipTx.slice(Ipv4Packet.MIN_HEADER_LENGTH, ipTx.capacity() - Ipv4Packet.MIN_HEADER_LENGTH);
        if (ip6 != null) {
            ByteBuffer ip6Tx = ip6.transmitBuffer();
            this.tx6 = ip6Tx.slice(Ipv6Packet.HEADER_LENGTH, ip6Tx.capacity() - Ipv6Packet.HEADER_LENGTH);
        } else {
            this.tx6 = null;
        }
    }

    private ByteBuffer tx(boolean v6) {
        return v6 ? tx6 : tx;
    }

    /** The IPv4 time to live of our segments. */
    int ttl() {
        return config.ttl();
    }

    /** Where segments over IPv4 are written: valid until the next segment of any connection. */
    ByteBuffer buffer() {
        return tx;
    }

    /** The buffer {@link #prepare} writes a segment of {@code c}'s family into. */
    ByteBuffer buffer(TcpConnection c) {
        return tx(c.v6);
    }

    /** Our SYN (active) or SYN-ACK (passive, or simultaneous open: {@code c} in SYN-RECEIVED), with our options. */
    void syn(long now, TcpConnection c) {
        boolean synAck = c.state == TcpState.SYN_RECEIVED;
        ByteBuffer b = tx(c.v6);
        b.clear();
        int o = 20;
        int mss = c.v6 ? ip6.mtu() - Ipv6Packet.HEADER_LENGTH - 20 : ip.mtu() - 40;
        b.put(o, (byte) TcpSegment.OPTION_MSS).put(o + 1, (byte) 4).putShort(o + 2, (short) Math.min(0xffff, mss));
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
        header(b, c.localPort, c.remotePort, c.iss, synAck ? c.rcvNxt : 0, flags, Math.min(c.rcvCap, 0xffff), o);
        send(now, o, c.localAddress, c.remoteAddress, c.fragmentation());
    }

    /**
     * A pure ACK. Its sequence number is SND.MAX, not SND.NXT: after a retransmission timeout
     * SND.NXT goes back, and an ACK numbered there would fall below the peer's RCV.NXT, be
     * unacceptable and so be dropped with the acknowledgment it carries (BSD does the same).
     */
    void ack(long now, TcpConnection c) {
        segment(now, c, c.sndMax, 0, TcpSegment.ACK);
    }

    /**
     * One segment of the connection: {@code n} bytes of the send buffer from sequence
     * {@code seq}, with the timestamps and SACK options in force and the current window and
     * acknowledgment. Clears any ACK owed.
     */
    void segment(long now, TcpConnection c, int seq, int n, int flags) {
        send(now, prepare(now, c, seq, n, flags), c.localAddress, c.remoteAddress, c.fragmentation());
    }

    /**
     * Writes the segment {@link #segment} sends into {@link #buffer()}, checksum zero, and
     * clears any ACK owed; returns its length. The caller sends it (a super-segment for
     * segmentation offload goes through {@link Ipv4Engine#sendPreparedSegmented} or
     * {@link Ipv6Engine#sendPreparedSegmented}).
     */
    int prepare(long now, TcpConnection c, int seq, int n, int flags) {
        ByteBuffer b = tx(c.v6);
        b.clear();
        int o = 20;
        if (c.tsOn) {
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_NOP)
                    .put(o + 2, (byte) TcpSegment.OPTION_TIMESTAMPS).put(o + 3, (byte) 10)
                    .putInt(o + 4, tsNow(now, c)).putInt(o + 8, c.tsRecent);
            o += 12;
        }
        ReassemblyQueue ooo = c.reassembly;
        if (c.sackOn && ooo.count() > 0) {
            int blocks = Math.min(ooo.count(), c.tsOn ? 3 : 4);
            b.put(o, (byte) TcpSegment.OPTION_NOP).put(o + 1, (byte) TcpSegment.OPTION_NOP)
                    .put(o + 2, (byte) TcpSegment.OPTION_SACK).put(o + 3, (byte) (2 + 8 * blocks));
            o += 4;
            for (int i = 0; i < blocks; i++) {
                b.putInt(o, ooo.left(i)).putInt(o + 4, ooo.right(i));
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

    /** A reset from {@code local:lport} to {@code remote:rport}, acknowledging {@code ack} if {@code withAck}. */
    void reset(long now, IpAddress local, int lport, IpAddress remote, int rport, int seq, int ack, boolean withAck) {
        ByteBuffer b = tx(local instanceof Ipv6Address);
        b.clear();
        header(b, lport, rport, seq, ack, TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), 0, 20);
        counters.resetsSent++;
        send(now, 20, local, remote, Ipv4.Fragmentation.ALLOW);
    }

    /** A reset of the connection, numbered SND.NXT. */
    void reset(long now, TcpConnection c) {
        reset(now, c.localAddress, c.localPort, c.remoteAddress, c.remotePort, c.sndNxt, 0, false);
    }

    /** The reset RFC 9293 section 3.10.7.1 answers a segment with, when no connection takes it. */
    void resetFor(long now, TcpSegment s, IpAddress local, IpAddress remote) {
        if (s.ack()) {
            reset(now, local, s.destinationPort(), remote, s.sourcePort(), s.acknowledgment(), 0, false);
        } else {
            reset(now, local, s.destinationPort(), remote, s.sourcePort(), 0, s.sequence() + s.sequenceLength(), true);
        }
    }

    /** The SYN-ACK of a SYN cookie: ISN {@code cookie}, acknowledging the SYN {@code s}, offering {@code mss} only. */
    void cookieSynAck(long now, TcpSegment s, IpAddress local, IpAddress remote, int cookie, int mss) {
        ByteBuffer b = tx(local instanceof Ipv6Address);
        b.clear();
        header(b, s.destinationPort(), s.sourcePort(), cookie, s.sequence() + 1, TcpSegment.SYN | TcpSegment.ACK,
                Math.min(config.receiveBuffer(), 0xffff), 24);
        b.put(20, (byte) TcpSegment.OPTION_MSS).put(21, (byte) 4).putShort(22, (short) mss);
        send(now, 24, local, remote, Ipv4.Fragmentation.ALLOW);
    }

    /** The window to advertise, scaled, with receiver-side SWS avoidance (RFC 9293 section 3.8.6.2.2); moves RCV.ADV. */
    static int window(TcpConnection c) {
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

    /** Our TSval (RFC 7323 section 5.4): milliseconds plus the connection's offset from its ISN hash. */
    static int tsNow(long now, TcpConnection c) {
        return (int) (now / 1_000_000L) + c.tsOffset;
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

    /** Checksums the {@code len} bytes written and sends them as one datagram, DF as {@code fragmentation} says. */
    private void send(long now, int len, IpAddress local, IpAddress remote, Ipv4.Fragmentation fragmentation) {
        if (local instanceof Ipv6Address l6) {
            Ipv6Address r6 = (Ipv6Address) remote;
            ByteBuffer b = tx6;
            long sum = InternetChecksum.pseudoHeader(l6, r6, Ipv6Packet.NEXT_HEADER_TCP, len);
            b.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, 0, len)));
            counters.segmentsSent++;
            ip6.sendPrepared(now, l6, r6, Ipv6Packet.NEXT_HEADER_TCP, len);
            return;
        }
        Ipv4Address l4 = (Ipv4Address) local;
        Ipv4Address r4 = (Ipv4Address) remote;
        ByteBuffer b = tx;
        long sum = InternetChecksum.pseudoHeader(l4.bits(), r4.bits(), Ipv4Packet.PROTOCOL_TCP, len);
        b.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, 0, len)));
        counters.segmentsSent++;
        ip.sendPrepared(now, l4, r4, Ipv4Packet.PROTOCOL_TCP, config.ttl(), fragmentation, len);
    }
}
