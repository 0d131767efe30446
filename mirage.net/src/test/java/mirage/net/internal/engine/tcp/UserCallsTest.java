package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * An adopted send ring (decision 0061): the bytes written before are moved into it, across
     * its end, the caller's bytes follow them, and the peer receives both in order.
     */
    @Test
    void adoptSendRing_movesTheBytesHeld_andSendsWhatTheCallerPutsAfterThem() throws NetException {
        TcpConnection c = f.established();
        byte[] before = TcpFixture.bytes(3000);
        assertEquals(3000, f.tcp.calls.write(f.now, c, ByteBuffer.wrap(before)));
        java.util.TreeMap<Integer, byte[]> got = new java.util.TreeMap<>();
        for (TcpFixture.Seg s : f.sent()) {
            got.put(s.seq(), s.payload());
        }
        int start = got.firstKey();
        byte[] ring = new byte[10_000];
        c.adoptSendRing(ring, 1000); // the 3000 bytes end at 1000: from 8000 round the end
        assertEquals(10_000, c.sendBufferSize());
        assertEquals(7000, c.writable());
        byte[] after = new byte[5000];
        for (int i = 0; i < after.length; i++) {
            after[i] = (byte) (i * 13 + 5);
        }
        System.arraycopy(after, 0, ring, 1000, after.length);
        assertEquals(5000, c.appendWritten(f.now, 5000));
        byte[] expected = new byte[8000];
        System.arraycopy(before, 0, expected, 0, 3000);
        System.arraycopy(after, 0, expected, 3000, 5000);
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int round = 0; round < 100 && stream.size() < expected.length; round++) {
            for (TcpFixture.Seg s : f.sent()) {
                if (s.payload().length > 0) {
                    got.put(s.seq(), s.payload());
                }
            }
            while (got.containsKey(start + stream.size())) {
                stream.writeBytes(got.remove(start + stream.size()));
            }
            f.send(TcpFixture.ACK, f.peerNxt, start + stream.size()); // acknowledges what arrived in order
        }
        assertArrayEquals(expected, stream.toByteArray());
        assertEquals(0, c.unacknowledged());
        assertEquals(10_000, c.writable(), "acknowledged: the whole ring is the caller's again");
    }

    @Test
    void appendWritten_checksTheRoom_andRefusesOnceWritingIsOver() throws NetException {
        TcpConnection c = f.established();
        assertThrows(IllegalStateException.class, () -> c.appendWritten(f.now, 1), "no ring adopted");
        c.corked = true;
        c.adoptSendRing(new byte[4096], 0);
        assertThrows(IllegalArgumentException.class, () -> c.appendWritten(f.now, 4097));
        assertThrows(IllegalArgumentException.class, () -> c.appendWritten(f.now, -1));
        assertEquals(4096, c.appendWritten(f.now, 4096));
        assertThrows(IllegalArgumentException.class, () -> c.appendWritten(f.now, 1), "full");
        assertThrows(IllegalArgumentException.class, () -> c.adoptSendRing(new byte[4095], 0), "shorter than what it holds");
        f.tcp.calls.shutdownWrite(f.now, c);
        assertEquals(-1, c.appendWritten(f.now, 0));
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
