package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.NetException;
import mirage.net.internal.engine.CapturingLink;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpOption;
import mirage.net.internal.wire.TcpRepr;
import mirage.net.internal.wire.TcpSegment;

/**
 * One TCP engine (at {@link #US}) and a scripted peer (at {@link #PEER}) that writes segments
 * byte by byte with the wire layer and reads what the engine sends. The clock is {@link #now}.
 */
final class TcpFixture {
    static final Ipv4Address US = Ipv4Address.parse("10.0.0.1");
    static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.2");
    static final int PORT = 80;
    static final int PEER_PORT = 40000;
    static final int PEER_ISS = 1_000_000;
    static final int FIN = TcpSegment.FIN;
    static final int SYN = TcpSegment.SYN;
    static final int RST = TcpSegment.RST;
    static final int PSH = TcpSegment.PSH;
    static final int ACK = TcpSegment.ACK;

    /** A segment the engine sent. */
    record Seg(TcpRepr header, byte[] payload) {
        int flags() {
            return header.flags();
        }

        int seq() {
            return header.sequence();
        }

        int ack() {
            return header.acknowledgment();
        }

        int window() {
            return header.window();
        }

        @Override
        public String toString() {
            return "Seg[flags=" + Integer.toHexString(header.flags()) + " seq=" + seq() + " ack=" + ack() + " len="
                    + payload.length + " win=" + window() + " options=" + header.options() + "]";
        }
    }

    final CapturingLink link;
    final Ipv4Engine ip;
    final TcpEngine tcp;
    final List<String> events = new ArrayList<>();
    final List<TcpConnection> accepted = new ArrayList<>();
    long now = 1_000_000_000L;
    /** The peer's next sequence number and what it acknowledges. */
    int peerNxt = PEER_ISS;
    int peerAck;

    TcpFixture() {
        this(TcpConfig.DEFAULT);
    }

    TcpFixture(TcpConfig config) {
        this(config, 0);
    }

    /**
     * With TCP segmentation offload on the link for datagrams up to {@code maxSegmented} bytes
     * (0: none); such a link lends the IPv4 engine its buffer, as the Ethernet link does.
     */
    TcpFixture(TcpConfig config, int maxSegmented) {
        this.link = new CapturingLink(1500, maxSegmented, maxSegmented > 0);
        this.ip = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.1/24")), List.of()), link, Rng.seeded(7));
        this.tcp = new TcpEngine(ip, config, Rng.seeded(8));
        tcp.events(new TcpEvents() {
            @Override
            public void accepted(TcpConnection c) {
                events.add("accepted");
                accepted.add(c);
            }

            @Override
            public void connected(TcpConnection c) {
                events.add("connected");
            }

            @Override
            public void readable(TcpConnection c) {
                events.add("readable");
            }

            @Override
            public void writable(TcpConnection c) {
                events.add("writable");
            }

            @Override
            public void closed(TcpConnection c, Termination reason) {
                events.add("closed " + reason);
            }
        });
    }

    /** The peer sends a segment to {@code port} of ours. */
    void sendTo(int port, int flags, int seq, int ack, int window, byte[] payload, List<TcpOption> options) {
        TcpRepr r = new TcpRepr(PEER_PORT, port, seq, ack, flags, window, 0, options, payload.length);
        ByteBuffer b = ByteBuffer.allocate(r.bufferLen());
        b.put(r.headerLength(), payload);
        r.emit(b, 0, PEER, US);
        receive(Packets.ipv4(PEER, US, Ipv4Packet.PROTOCOL_TCP, 1, 0, 64, b.array()));
    }

    /** A datagram from the link at {@link #now}, up through IPv4 to TCP as the stack's binding passes it. */
    void receive(byte[] datagram) {
        Ipv4Packet p = ip.receive(now, ByteBuffer.wrap(datagram), 0, datagram.length);
        if (p != null && p.protocol() == Ipv4Packet.PROTOCOL_TCP) {
            tcp.receive(now, p);
        }
    }

    /**
     * A segment from the peer to {@link #PORT} as a checked view, not sent: for handing it to
     * one part of the engine directly.
     */
    static TcpSegment view(int flags, int seq, int ack, int window, byte[] payload, List<TcpOption> options) {
        TcpRepr r = new TcpRepr(PEER_PORT, PORT, seq, ack, flags, window, 0, options, payload.length);
        ByteBuffer b = ByteBuffer.allocate(r.bufferLen());
        b.put(r.headerLength(), payload);
        r.emit(b, 0, PEER, US);
        TcpSegment s = new TcpSegment();
        assertTrue(s.check(b, 0, b.capacity()));
        return s;
    }

    void send(int flags, int seq, int ack, byte[] payload) {
        sendTo(PORT, flags, seq, ack, 65535, payload, List.of());
    }

    void send(int flags, int seq, int ack) {
        send(flags, seq, ack, new byte[0]);
    }

    /** Everything the engine sent since the last call. */
    List<Seg> sent() {
        List<Seg> out = new ArrayList<>();
        for (CapturingLink.Sent s : link.drain()) {
            Ipv4Packet p = Packets.view(s.bytes());
            assertEquals(Ipv4Packet.PROTOCOL_TCP, p.protocol());
            TcpSegment t = new TcpSegment();
            assertTrue(t.check(p.buffer(), p.payloadOffset(), p.payloadLength()), "engine sent a malformed segment");
            TcpRepr r = TcpRepr.parse(t, US, PEER).orThrow();
            byte[] payload = new byte[t.payloadLength()];
            p.buffer().get(t.payloadOffset(), payload);
            out.add(new Seg(r, payload));
        }
        return out;
    }

    /** Exactly one segment was sent; returns it. */
    Seg one() {
        List<Seg> s = sent();
        assertEquals(1, s.size(), () -> "expected one segment, got " + s);
        return s.get(0);
    }

    void none() {
        List<Seg> s = sent();
        assertEquals(List.of(), s, "expected nothing sent");
    }

    /** Advances the clock by {@code nanos}, running timers as they fall due. */
    void advance(long nanos) {
        long end = now + nanos;
        while (true) {
            long next = tcp.poll(now);
            if (next > end) {
                now = end;
                tcp.poll(now);
                return;
            }
            now = Math.max(now, next);
        }
    }

    // ---- states

    /** LISTEN on {@link #PORT}. */
    void listen() throws NetException {
        tcp.listen(PORT, 8);
    }

    /** SYN-RECEIVED: the peer's SYN arrived on a listening port; returns our SYN-ACK. */
    Seg synReceived() throws NetException {
        listen();
        send(SYN, peerNxt, 0);
        peerNxt++;
        Seg synAck = one();
        peerAck = synAck.seq() + 1;
        return synAck;
    }

    /** ESTABLISHED by a passive open; returns the accepted connection. */
    TcpConnection established() throws NetException {
        synReceived();
        send(ACK, peerNxt, peerAck);
        assertEquals(1, accepted.size());
        events.clear();
        none();
        return accepted.get(0);
    }

    /** SYN-SENT by an active open to the peer; returns the connection (our SYN is in {@link #synSent}). */
    TcpConnection synSent() throws NetException {
        TcpConnection c = tcp.connect(now, null, PEER, PEER_PORT, 60_000_000_000L);
        synSent = one();
        return c;
    }

    Seg synSent;

    /** The connection as our side sees it (from an active open). */
    TcpConnection connection(TcpConnection c) {
        return tcp.find(US, c.localPort(), PEER, c.remotePort());
    }

    /** FIN-WAIT-1: established, then shutdownWrite; returns the FIN we sent. */
    Seg finWait1(TcpConnection c) {
        c.shutdownWrite(now);
        Seg fin = one();
        assertEquals(FIN | ACK, fin.flags());
        return fin;
    }

    /** FIN-WAIT-2: FIN-WAIT-1 and the peer acknowledges our FIN. */
    void finWait2(TcpConnection c) {
        Seg fin = finWait1(c);
        send(ACK, peerNxt, fin.seq() + 1);
        peerAck = fin.seq() + 1;
    }

    /** CLOSE-WAIT: established, then the peer's FIN. */
    void closeWait() {
        send(FIN | ACK, peerNxt, peerAck);
        peerNxt++;
    }

    /** TIME-WAIT: FIN-WAIT-2 and the peer's FIN. */
    void timeWait(TcpConnection c) {
        finWait2(c);
        send(FIN | ACK, peerNxt, peerAck);
        peerNxt++;
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 1);
        }
        return b;
    }

    static int read(TcpConnection c, long now, ByteBuffer into) {
        return c.read(now, into);
    }
}
