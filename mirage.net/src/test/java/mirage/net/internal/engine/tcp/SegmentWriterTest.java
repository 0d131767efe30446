package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.wire.TcpOption;
import org.junit.jupiter.api.Test;

/** Segments as the writer lays them out, parsed back by the wire layer (its checksum checked there). */
class SegmentWriterTest {
    final TcpFixture f = new TcpFixture();

    @Test
    void segment_dataFromTheRing_withAckWindowAndNoOptionsByDefault() throws NetException {
        TcpConnection c = f.established();
        c.corked = true;
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(500)));
        f.none();
        f.tcp.writer.segment(f.now, c, c.sndUna + 100, 200, TcpFixture.ACK | TcpFixture.PSH);
        TcpFixture.Seg s = f.one();
        assertEquals(c.sndUna + 100, s.seq());
        assertEquals(c.rcvNxt, s.ack());
        assertEquals(TcpFixture.ACK | TcpFixture.PSH, s.flags());
        assertArrayEquals(Arrays.copyOfRange(TcpFixture.bytes(500), 100, 300), s.payload());
        assertEquals(List.of(), s.header().options(), "the peer offered no timestamps or SACK");
    }

    @Test
    void segment_withTimestampsAndOutOfOrderData_carriesTsAndSackBlocks() throws NetException {
        f.listen();
        f.sendTo(TcpFixture.PORT, TcpFixture.SYN, f.peerNxt, 0, 65535, new byte[0],
                List.of(new TcpOption.SackPermitted(), new TcpOption.Timestamps(77, 0)));
        f.peerNxt++;
        f.peerAck = f.one().seq() + 1;
        f.sendTo(TcpFixture.PORT, TcpFixture.ACK, f.peerNxt, f.peerAck, 65535, new byte[0], List.of(new TcpOption.Timestamps(78, 1)));
        TcpConnection c = f.accepted.get(0);
        c.reassembly.add(c.rcvNxt + 1000, c.rcvNxt + 2000);
        f.tcp.writer.ack(f.now, c);
        List<TcpOption> o = f.one().header().options();
        assertEquals(2, o.size(), o.toString());
        TcpOption.Timestamps ts = (TcpOption.Timestamps) o.get(0);
        assertEquals(SegmentWriter.tsNow(f.now, c), ts.tsVal());
        assertEquals(78, ts.tsEcr(), "TS.Recent echoed");
        assertEquals(new TcpOption.Sack(List.of(new TcpOption.SackBlock(c.rcvNxt + 1000, c.rcvNxt + 2000))), o.get(1));
    }

    @Test
    void writingASegment_clearsTheAckOwedAndTheDelayedAck() throws NetException {
        TcpConnection c = f.established();
        c.ackNow = true;
        c.unackedSegments = 1;
        c.ackDeadline = f.now + 1;
        f.tcp.writer.ack(f.now, c);
        f.one();
        assertFalse(c.ackNow);
        assertEquals(0, c.unackedSegments);
        assertEquals(TcpConnection.NONE, c.ackDeadline);
    }

    @Test
    void reset_andCookieSynAck_asTheyShouldLook() throws NetException {
        TcpConnection c = f.established();
        f.tcp.writer.reset(f.now, c);
        TcpFixture.Seg rst = f.one();
        assertEquals(TcpFixture.RST, rst.flags());
        assertEquals(c.sndNxt, rst.seq());
        assertEquals(0, rst.window());

        f.tcp.writer.cookieSynAck(f.now, TcpFixture.view(TcpFixture.SYN, 5000, 0, 65535, new byte[0], List.of()),
                TcpFixture.US, TcpFixture.PEER, 0x12345678, 1460);
        TcpFixture.Seg synAck = f.one();
        assertEquals(TcpFixture.SYN | TcpFixture.ACK, synAck.flags());
        assertEquals(0x12345678, synAck.seq());
        assertEquals(5001, synAck.ack());
        assertEquals(List.of(new TcpOption.Mss(1460)), synAck.header().options(), "a cookie remembers only the MSS");
    }

    /** Receiver-side silly window avoidance: the window never shrinks and opens in worthwhile steps only. */
    @Test
    void window_neverShrinks_opensOnlyInWorthwhileSteps() throws NetException {
        TcpFixture f = new TcpFixture(TcpConfig.DEFAULT.withBuffers(8192, 8192)); // a window under 16 bits
        TcpConnection c = f.established();
        int before = SegmentWriter.window(c);
        int edge = c.rcvAdv;
        c.rcvLen = 100; // 100 bytes unread: the free space fell
        assertEquals(before, SegmentWriter.window(c), "the right edge does not move back");
        assertEquals(edge, c.rcvAdv);
        c.rcvLen = 0;
        c.rcvNxt += 100; // read and taken: the edge could move 100 bytes, less than an MSS
        assertEquals(edge, c.rcvNxt + SegmentWriter.window(c), "a step under min(MSS, half the buffer) is not offered");
        c.rcvNxt += 1500;
        assertEquals(8192, SegmentWriter.window(c), "a step of an MSS or more opens the whole free space");
        assertEquals(c.rcvNxt + 8192, c.rcvAdv);
    }
}
