package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.TcpRepr;
import org.junit.jupiter.api.Test;

/**
 * The application's timeouts in the engine (issue 19 item 3): the idle timeout ends a connection
 * on which nothing moves, exactly at its deadline and with a reset; progress moves the deadline
 * and pure ACKs do not; the read timeout reports a read that waited once, and the connection
 * goes on. And the connection limit: a SYN past it is dropped and counted.
 */
class TcpTimeoutsTest {
    static final long S = 1_000_000_000L;

    final TcpFixture f = new TcpFixture();

    @Test
    void established_silentPeer_idleTimeoutResetsAtTheDeadlineExactly() throws NetException {
        TcpConnection c = f.established();
        long start = f.now;
        c.idleTimeout(f.now, 10 * S);
        assertEquals(start + 10 * S, f.tcp.nextDeadline());
        f.advance(10 * S - 1);
        assertNull(c.termination(), "1 ns before the deadline");
        f.none();
        f.advance(1);
        assertEquals(Termination.TIMEOUT, c.termination());
        TcpFixture.Seg rst = f.one();
        assertTrue((rst.flags() & TcpFixture.RST) != 0, "the peer is told with a reset: " + rst);
        assertEquals(List.of("closed TIMEOUT"), f.events);
        assertEquals(1, f.tcp.stats().idleTimeouts());
        assertEquals(0, f.tcp.connections());
        assertEquals(0, f.tcp.timers());
    }

    @Test
    void established_slowlorisByte_isProgress_butPureAcksAreNot() throws NetException {
        TcpConnection c = f.established();
        c.idleTimeout(f.now, 10 * S);
        f.advance(9 * S);
        f.send(TcpFixture.ACK | TcpFixture.PSH, f.peerNxt, f.peerAck, TcpFixture.bytes(1));
        f.peerNxt++;
        long byteAt = f.now;
        assertEquals(byteAt + 10 * S, c.idleDeadline, "a new byte moves the deadline");
        f.advance(5 * S);
        f.link.drain();
        f.send(TcpFixture.ACK, f.peerNxt, f.peerAck); // a duplicate pure ACK: nothing new
        f.advance(5 * S - 1);
        assertNull(c.termination());
        f.advance(1);
        assertEquals(Termination.TIMEOUT, c.termination(), "10 s after the last byte, whatever ACKs came since");
    }

    @Test
    void established_ourDataAcknowledged_isProgress() throws NetException {
        TcpConnection c = f.established();
        c.idleTimeout(f.now, 10 * S);
        f.advance(8 * S);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        TcpFixture.Seg data = f.one();
        f.advance(1 * S);
        f.send(TcpFixture.ACK, f.peerNxt, data.seq() + 100);
        long ackAt = f.now;
        f.advance(10 * S - 1);
        assertNull(c.termination());
        assertEquals(ackAt + 10 * S, f.tcp.nextDeadline());
    }

    @Test
    void idleTimeoutZero_turnsItOff() throws NetException {
        TcpConnection c = f.established();
        c.idleTimeout(f.now, 10 * S);
        c.idleTimeout(f.now, 0);
        assertEquals(Long.MAX_VALUE, f.tcp.nextDeadline());
        f.advance(100 * S);
        assertNull(c.termination());
    }

    @Test
    void synSent_idleTimeoutSetEarly_startsWhenEstablished() throws NetException {
        TcpConnection c = f.synSent();
        c.idleTimeout(f.now, 10 * S);
        assertEquals(TcpConnection.NONE, c.idleDeadline, "the handshake has its own limit");
        f.sendTo(c.localPort(), TcpFixture.SYN | TcpFixture.ACK, f.peerNxt, f.synSent.seq() + 1, 65535, new byte[0], List.of());
        f.peerNxt++;
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(f.now + 10 * S, c.idleDeadline);
    }

    @Test
    void readTimeout_readThatFindsNothing_reportsOnceAtTheDeadline_andTheConnectionGoesOn() throws NetException {
        TcpConnection c = f.established();
        c.readTimeout(f.now, 3 * S);
        ByteBuffer dst = ByteBuffer.allocate(100);
        assertEquals(Long.MAX_VALUE, f.tcp.nextDeadline(), "no read waits yet");
        assertEquals(0, c.read(f.now, dst));
        long waitFrom = f.now;
        assertEquals(waitFrom + 3 * S, f.tcp.nextDeadline());
        f.advance(3 * S - 1);
        assertEquals(0, c.read(f.now, dst), "a read again before the deadline does not restart the clock");
        f.advance(1);
        assertEquals(List.of("readable"), f.events, "the binding is woken");
        assertEquals(TcpConnection.READ_TIMED_OUT, c.read(f.now, dst));
        assertEquals(1, f.tcp.stats().readTimeouts());
        assertEquals(0, c.read(f.now, dst), "reported once; the next read waits afresh");
        f.send(TcpFixture.ACK | TcpFixture.PSH, f.peerNxt, f.peerAck, TcpFixture.bytes(5));
        assertEquals(5, c.read(f.now, dst));
        assertEquals(TcpState.ESTABLISHED, c.state());
        f.advance(10 * S);
        assertEquals(1, f.tcp.stats().readTimeouts(), "no read waits after bytes came");
    }

    @Test
    void readTimeout_abandonedRead_forgetsItsTimeout() throws NetException {
        TcpConnection c = f.established();
        c.readTimeout(f.now, 3 * S);
        ByteBuffer dst = ByteBuffer.allocate(100);
        assertEquals(0, c.read(f.now, dst));
        c.readAbandoned(f.now);
        assertEquals(Long.MAX_VALUE, f.tcp.nextDeadline());
        f.advance(10 * S);
        assertEquals(0, c.read(f.now, dst), "a new read starts its own wait");
    }

    /** A SYN from the peer's {@code peerPort} to our listening port. */
    static void synFrom(TcpFixture g, int peerPort) {
        TcpRepr r = new TcpRepr(peerPort, TcpFixture.PORT, 1000, 0, TcpFixture.SYN, 65535, 0, List.of(), 0);
        ByteBuffer b = ByteBuffer.allocate(r.bufferLen());
        r.emit(b, 0, TcpFixture.PEER, TcpFixture.US);
        g.receive(Packets.ipv4(TcpFixture.PEER, TcpFixture.US, Ipv4Packet.PROTOCOL_TCP, 1, 0, 64, b.array()));
    }

    @Test
    void connectionLimit_synPastIt_droppedAndCounted_noReply() throws NetException {
        TcpFixture g = new TcpFixture(TcpConfig.DEFAULT.withMaxConnections(2));
        g.listen();
        synFrom(g, 40001);
        synFrom(g, 40002);
        assertEquals(2, g.sent().size(), "two SYN-ACKs");
        synFrom(g, 40003);
        g.none();
        assertEquals(1, g.tcp.stats().overLimit());
        assertEquals(1, g.tcp.stats().dropped());
        assertEquals(2, g.tcp.connections());
    }
}
