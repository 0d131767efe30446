package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import mirage.net.NetException;
import org.junit.jupiter.api.Test;

/** The application's calls on their own: the rings, the window update a read makes, close and keepalive. */
class UserCallsTest {
    final TcpFixture f = new TcpFixture(TcpConfig.DEFAULT.withBuffers(8192, 8192));

    @Test
    void write_pastTheSendBuffer_takesWhatFits_thenZero() throws NetException {
        TcpConnection c = f.established();
        c.corked = true; // nothing leaves: the ring only fills
        assertEquals(8192, f.tcp.calls.write(f.now, c, ByteBuffer.wrap(new byte[10_000])));
        assertEquals(0, f.tcp.calls.write(f.now, c, ByteBuffer.wrap(new byte[1])));
        assertEquals(0, c.writable());
    }

    @Test
    void read_thatOpensTheWindowByTwoSegments_sendsAWindowUpdate() throws NetException {
        TcpConnection c = f.established();
        for (int i = 0; i < 6; i++) { // fill the 8 KiB window with 536-byte segments and more
            f.send(TcpFixture.ACK, f.peerNxt, f.peerAck, TcpFixture.bytes(1300));
            f.peerNxt += 1300;
        }
        f.sent();
        assertEquals(7800, c.readable());
        f.tcp.calls.read(f.now, c, ByteBuffer.allocate(100));
        f.none(); // 100 bytes free: not worth a window update
        f.tcp.calls.read(f.now, c, ByteBuffer.allocate(7700));
        TcpFixture.Seg update = f.one();
        assertEquals(8192, update.window());
    }

    @Test
    void firstRead_afterTheHandshake_sendsNoPureAck_theUpdateGoesWithTheReply() throws NetException {
        // 128 KiB buffers: the SYN-ACK could offer only 65,535 bytes, so the first read opens the
        // window by half the buffer; the peer still has ~64 KiB to send into, so no ACK of its own
        // (before: a pure window update at once, then the reply)
        TcpFixture big = new TcpFixture(TcpConfig.DEFAULT.withBuffers(128 * 1024, 128 * 1024));
        TcpConnection c = big.established();
        big.send(TcpFixture.ACK, big.peerNxt, big.peerAck, TcpFixture.bytes(300)); // a request (ClientHello)
        big.peerNxt += 300;
        big.none(); // one short segment: delayed ACK
        big.tcp.calls.read(big.now, c, ByteBuffer.allocate(1000));
        big.none(); // no pure window update before the reply
        big.tcp.calls.write(big.now, c, ByteBuffer.wrap(TcpFixture.bytes(500)));
        TcpFixture.Seg reply = big.one();
        assertEquals(500, reply.payload().length);
        assertEquals(big.peerNxt, reply.ack());
        assertEquals(0xffff, reply.window()); // the whole window (the fixture's peer offers no scaling), with the reply
    }

    @Test
    void firstRead_withNoReply_sendsTheUpdateWithTheDelayedAck() throws NetException {
        TcpFixture big = new TcpFixture(TcpConfig.DEFAULT.withBuffers(128 * 1024, 128 * 1024));
        TcpConnection c = big.established();
        big.send(TcpFixture.ACK, big.peerNxt, big.peerAck, TcpFixture.bytes(300));
        big.peerNxt += 300;
        big.tcp.calls.read(big.now, c, ByteBuffer.allocate(1000));
        big.none();
        big.advance(TcpConfig.DEFAULT.delayedAck());
        TcpFixture.Seg ack = big.one();
        assertEquals(0, ack.payload().length);
        assertEquals(big.peerNxt, ack.ack());
        assertEquals(0xffff, ack.window());
    }

    @Test
    void close_withUnreadData_resets() throws NetException {
        TcpConnection c = f.established();
        f.send(TcpFixture.ACK, f.peerNxt, f.peerAck, TcpFixture.bytes(10));
        f.sent();
        f.tcp.calls.close(f.now, c);
        assertEquals(TcpFixture.RST, f.one().flags() & TcpFixture.RST);
        assertEquals(Termination.ABORTED, c.termination());
        assertEquals(0, f.tcp.connections());
    }

    @Test
    void keepalive_setsItsDeadline_andTheEnginesNextDeadlineAtOnce() throws NetException {
        TcpConnection c = f.established();
        f.tcp.calls.keepalive(f.now, c, 5_000_000L, 1_000_000L, 3);
        assertEquals(f.now + 5_000_000L, c.keepaliveDeadline);
        assertEquals(f.now + 5_000_000L, f.tcp.nextDeadline());
        f.tcp.calls.keepalive(f.now, c, 0, 0, 1);
        assertEquals(TcpConnection.NONE, c.keepaliveDeadline);
        assertTrue(f.tcp.timersConsistent());
    }
}
