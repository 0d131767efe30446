package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.engine.CapturingLink;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.engine.ip.PathMtus;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpOption;
import org.junit.jupiter.api.Test;

/**
 * ICMP errors about our segments (RFC 1122 section 4.2.3.9, RFC 5927): hard errors end a
 * connect, soft ones are remembered and said when it times out, nothing resets a synchronized
 * connection, and an error must name a sequence number in flight.
 */
class TcpIcmpErrorTest {
    static final long S = 1_000_000_000L;

    final TcpFixture f = new TcpFixture();

    /** Our next datagram, as an ICMP error would quote it: its header and 8 octets of TCP. */
    Ipv4Packet quoteNext() {
        byte[] d = f.link.drain().getLast().bytes();
        Ipv4Packet q = new Ipv4Packet();
        if (!q.checkQuoted(ByteBuffer.wrap(d), 0, 28)) {
            throw new AssertionError("not a datagram");
        }
        return q;
    }

    Ipv4Packet withSequence(Ipv4Packet q, int sequence) {
        ByteBuffer b = ByteBuffer.allocate(28).put(0, q.buffer(), q.offset(), 28);
        b.putInt(24, sequence);
        Ipv4Packet p = new Ipv4Packet();
        p.checkQuoted(b, 0, 28);
        return p;
    }

    TcpConnection connect() throws NetException {
        return f.tcp.connect(f.now, null, TcpFixture.PEER, TcpFixture.PEER_PORT, 30 * S);
    }

    @Test
    void synSent_portUnreachable_connectEndsUnreachable() throws NetException {
        TcpConnection c = connect();
        f.tcp.icmpError(f.now, 3, 3, 0, quoteNext());
        assertEquals(Termination.UNREACHABLE, c.termination());
        assertEquals(0x303, c.icmpError());
        assertEquals(List.of("closed UNREACHABLE"), f.events);
        assertEquals(1, f.tcp.stats().icmpErrors());
        assertEquals(1, f.tcp.stats().failedAttempts());
        assertEquals(0, f.tcp.connections());
        f.advance(60 * S);
        f.none(); // no SYN retransmitted
    }

    @Test
    void synSent_administrativelyProhibitedAndProtocolUnreachable_areHard() throws NetException {
        for (int code : new int[] {2, 9, 10, 13}) {
            TcpConnection c = connect();
            f.tcp.icmpError(f.now, 3, code, 0, quoteNext());
            assertEquals(Termination.UNREACHABLE, c.termination(), "code " + code);
        }
    }

    @Test
    void synSent_hostUnreachable_isSoft_connectGoesOn_thenTimesOutSayingIt() throws NetException {
        TcpConnection c = connect();
        f.tcp.icmpError(f.now, 3, 1, 0, quoteNext());
        assertNull(c.termination());
        assertEquals(TcpState.SYN_SENT, c.state());
        assertEquals(0x301, c.icmpError());
        f.tcp.icmpError(f.now, 11, 0, 0, withSequence(quoteNextOf(c), c.sndUna)); // time exceeded: soft too
        assertNull(c.termination());
        assertEquals(0xb00, c.icmpError());
        f.advance(31 * S);
        assertEquals(Termination.TIMEOUT, c.termination());
        assertEquals(0xb00, c.icmpError(), "kept, to say why no answer came");
        assertEquals(2, f.tcp.stats().icmpErrors());
    }

    /** A quote of {@code c}'s SYN (retransmitted or not): the fixture's last datagram was drained, so build it again. */
    Ipv4Packet quoteNextOf(TcpConnection c) {
        f.advance(1 * S + 1); // the SYN's first retransmission
        return quoteNext();
    }

    @Test
    void synSent_sequenceNotOurs_orUnknownPorts_ignored() throws NetException {
        TcpConnection c = connect();
        Ipv4Packet q = quoteNext();
        f.tcp.icmpError(f.now, 3, 3, 0, withSequence(q, c.sndUna + 1000));
        f.tcp.icmpError(f.now, 3, 3, 0, withSequence(q, c.sndUna - 1));
        ByteBuffer other = ByteBuffer.allocate(28).put(0, q.buffer(), q.offset(), 28);
        other.putShort(20, (short) 1); // another local port
        Ipv4Packet p = new Ipv4Packet();
        p.checkQuoted(other, 0, 28);
        f.tcp.icmpError(f.now, 3, 3, 0, p);
        assertNull(c.termination());
        assertEquals(-1, c.icmpError());
        assertEquals(0, f.tcp.stats().icmpErrors());
    }

    @Test
    void established_portUnreachable_isOnlyRemembered_noReset() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        Ipv4Packet q = quoteNext();
        f.tcp.icmpError(f.now, 3, 3, 0, q);
        assertNull(c.termination(), "RFC 5927 section 7: no resets by ICMP in synchronized states");
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(0x303, c.icmpError());
        f.none();
    }

    // ---- path MTU discovery (RFC 1191)

    /** ESTABLISHED by a passive open from a peer that offers an MSS of 1460 (the fixture's default SYN has none: 536). */
    TcpConnection establishedMss1460() {
        try {
            f.listen();
        } catch (NetException e) {
            throw new AssertionError(e);
        }
        f.sendTo(TcpFixture.PORT, TcpFixture.SYN, f.peerNxt, 0, 65535, new byte[0], List.of(new TcpOption.Mss(1460)));
        f.peerNxt++;
        f.peerAck = f.one().seq() + 1;
        f.send(TcpFixture.ACK, f.peerNxt, f.peerAck);
        f.events.clear();
        return f.accepted.getFirst();
    }

    static boolean dontFragment(byte[] datagram) {
        return (Packets.view(datagram).flags() & Ipv4Packet.FLAG_DONT_FRAGMENT) != 0;
    }

    static Ipv4Packet quote(byte[] datagram) {
        Ipv4Packet q = new Ipv4Packet();
        if (!q.checkQuoted(ByteBuffer.wrap(datagram), 0, 28)) {
            throw new AssertionError("not a datagram");
        }
        return q;
    }

    @Test
    void established_fragmentationNeeded_mssShrinks_inFlightSentAgainSmaller_learnedForTheNextConnection() throws NetException {
        TcpConnection c = establishedMss1460();
        assertEquals(1460, c.mss);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(4 * 1460)));
        List<CapturingLink.Sent> sent = f.link.drain();
        assertEquals(4, sent.size());
        sent.forEach(d -> assertTrue(dontFragment(d.bytes()), "DF set: path MTU discovery"));
        long cwnd = c.cc.cwnd;
        f.tcp.icmpError(f.now, 3, 4, 1000, quote(sent.getFirst().bytes()));
        assertEquals(960, c.mss);
        assertNull(c.termination());
        List<TcpFixture.Seg> again = f.sent();
        assertEquals(c.sndUna, again.getFirst().seq(), "what was in flight goes again at once, from SND.UNA");
        assertEquals(4 * 1460, again.stream().mapToInt(s -> s.payload().length).sum());
        again.forEach(s -> assertTrue(s.payload().length <= 960, "in the new size: " + s));
        assertEquals(cwnd, c.cc.cwnd, "not taken for congestion");
        assertEquals(again.size(), f.tcp.stats().retransmittedSegments(), "counted as segments sent again");

        TcpConnection next = connect();
        assertEquals(960, next.mss, "the path MTU is remembered for the destination");
        f.advance(PathMtus.LIFETIME_NANOS);
        assertEquals(1460, connect().mss, "and forgotten after ten minutes");
    }

    @Test
    void fragmentationNeeded_belowTheFloor_takenAs552WithDfClear_notBelowWhatWeSend_ignored() throws NetException {
        TcpConnection c = establishedMss1460();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(1460)));
        byte[] d = f.link.drain().getFirst().bytes();
        f.tcp.icmpError(f.now, 3, 4, 1500, quote(d)); // not below what we send: nothing to do (RFC 1191 6.2)
        assertEquals(1460, c.mss);
        f.none();
        f.tcp.icmpError(f.now, 3, 4, 68, quote(d)); // forged tiny MTU: Linux's floor, and DF off
        assertEquals(512, c.mss);
        List<CapturingLink.Sent> again = f.link.drain();
        assertEquals(3, again.size());
        again.forEach(s -> assertFalse(dontFragment(s.bytes()), "DF clear below the floor"));
    }

    @Test
    void fragmentationNeeded_fromAnOldRouter_nextPlateauBelow() throws NetException {
        TcpConnection c = establishedMss1460();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(1460)));
        byte[] d = f.link.drain().getFirst().bytes();
        f.tcp.icmpError(f.now, 3, 4, 0, quote(d)); // no next-hop MTU: the datagram was 1500 bytes
        assertEquals(1492 - 40, c.mss);
        assertEquals(1492, TcpEngine.plateauBelow(1500));
        assertEquals(1006, TcpEngine.plateauBelow(1492));
        assertEquals(68, TcpEngine.plateauBelow(60));
    }
}
