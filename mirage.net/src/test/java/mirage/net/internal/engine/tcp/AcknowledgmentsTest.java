package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.NetException;
import org.junit.jupiter.api.Test;

/** The sending side's response to acknowledgments, handed segments directly: RTT, the ring, fast retransmit. */
class AcknowledgmentsTest {
    static final long MS = 1_000_000L;

    final TcpFixture f = new TcpFixture(TcpConfig.DEFAULT.withExtensions(false, false, false));

    /** RFC 6298 section 2: the first sample, then the smoothed estimates; the RTO within its bounds. */
    @Test
    void rttSample_rfc6298() throws NetException {
        TcpConnection c = f.established();
        c.srtt = -1;
        f.tcp.acks.rttSample(c, 100 * MS);
        assertEquals(100 * MS, c.srtt);
        assertEquals(50 * MS, c.rttvar);
        assertEquals(300 * MS, c.rto, "SRTT + 4 RTTVAR");
        f.tcp.acks.rttSample(c, 20 * MS);
        assertEquals((3 * 50 * MS + 80 * MS) / 4, c.rttvar);
        assertEquals((7 * 100 * MS + 20 * MS) / 8, c.srtt);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        f.tcp.acks.rttSample(c, 0);
        assertTrue(c.rto >= f.tcp.config().minRto(), "never under the minimum RTO");
        f.tcp.acks.rttSample(c, -1);
        assertTrue(c.srtt >= 0, "a negative sample is ignored");
    }

    @Test
    void newAck_freesTheRing_movesSndUna_andStopsTheRtoWhenAllIsAcked() throws NetException {
        TcpConnection c = f.established();
        c.noDelay = true;
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(1000)));
        assertEquals(2, f.sent().size(), "the peer's MSS is the default 536");
        int una = c.sndUna;
        f.tcp.acks.newAck(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt, una + 400, 65535, new byte[0], List.of()), una + 400);
        assertEquals(600, c.unacknowledged());
        assertEquals(una + 400, c.sndUna);
        assertEquals(f.now + c.rto, c.rtoDeadline);
        f.tcp.acks.newAck(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt, una + 1000, 65535, new byte[0], List.of()), una + 1000);
        assertEquals(0, c.unacknowledged());
        assertEquals(TcpConnection.NONE, c.rtoDeadline);
    }

    @Test
    void threeDuplicateAcks_fastRetransmitAndRecovery() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(5 * 1460)));
        f.sent();
        int una = c.sndUna;
        f.tcp.acks.duplicateAck(f.now, c);
        f.tcp.acks.duplicateAck(f.now, c);
        f.none();
        f.tcp.acks.duplicateAck(f.now, c);
        TcpFixture.Seg again = f.one();
        assertEquals(una, again.seq(), "the first unacknowledged segment again");
        assertTrue(c.recovery);
        assertEquals(c.sndMax, c.recover);
    }
}
