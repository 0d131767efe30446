package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.wire.TcpOption;
import org.junit.jupiter.api.Test;

/** Segment processing of SYN-RECEIVED and the synchronized states, handed segments directly. */
class SynchronizedInputTest {
    static final int NXT = 1000;

    /** RFC 9293 section 3.10.7.4's table of the four cases, with the edges this engine takes as Linux does. */
    @Test
    void acceptable_theRfcTable() {
        // zero length, zero window: only RCV.NXT
        assertTrue(SynchronizedInput.acceptable(NXT, 0, NXT, 0));
        assertFalse(SynchronizedInput.acceptable(NXT, 0, NXT + 1, 0));
        // zero length, open window: RCV.NXT =< SEG.SEQ =< RCV.NXT + RCV.WND (the right edge taken)
        assertTrue(SynchronizedInput.acceptable(NXT, 100, NXT + 100, 0));
        assertFalse(SynchronizedInput.acceptable(NXT, 100, NXT + 101, 0));
        assertFalse(SynchronizedInput.acceptable(NXT, 100, NXT - 1, 0));
        // data, zero window: not acceptable, except at RCV.NXT (for its ACK, RST and FIN)
        assertTrue(SynchronizedInput.acceptable(NXT, 0, NXT, 10));
        assertFalse(SynchronizedInput.acceptable(NXT, 0, NXT + 1, 10));
        // data, open window: its first or its last byte in the window
        assertTrue(SynchronizedInput.acceptable(NXT, 100, NXT - 5, 10), "the last byte is in");
        assertTrue(SynchronizedInput.acceptable(NXT, 100, NXT + 99, 10), "the first byte is in");
        assertFalse(SynchronizedInput.acceptable(NXT, 100, NXT + 100, 10));
        assertFalse(SynchronizedInput.acceptable(NXT, 100, NXT - 10, 10), "wholly old");
        // modulo 2^32
        assertTrue(SynchronizedInput.acceptable(-50, 100, 20, 10));
    }

    @Test
    void established_oldTimestamp_pawsDropsItAndAcks() throws NetException {
        TcpFixture f = new TcpFixture();
        TcpConnection c = withTimestamps(f);
        long dropped = f.tcp.dropped();
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt, f.peerAck, 65535,
                TcpFixture.bytes(10), List.of(new TcpOption.Timestamps(50, 1))));
        assertEquals(dropped + 1, f.tcp.dropped());
        assertTrue(c.ackNow);
        assertEquals(0, c.readable(), "the data was not taken");
    }

    @Test
    void established_dataInOrder_takenReadableAndAckDelayed() throws NetException {
        TcpFixture f = new TcpFixture();
        TcpConnection c = f.established();
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt, f.peerAck, 65535,
                TcpFixture.bytes(100), List.of()));
        assertEquals(100, c.readable());
        assertEquals(f.peerNxt + 100, c.rcvNxt);
        assertEquals(f.now + f.tcp.config().delayedAck(), c.ackDeadline);
        assertFalse(c.ackNow, "the first segment's ACK is delayed");
    }

    @Test
    void established_dataOutOfOrder_queuedAndAckedAtOnce_thenTheHoleFillsIt() throws NetException {
        TcpFixture f = new TcpFixture();
        TcpConnection c = f.established();
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt + 100, f.peerAck, 65535,
                TcpFixture.bytes(50), List.of()));
        assertEquals(0, c.readable());
        assertEquals(1, c.reassembly.count());
        assertTrue(c.ackNow);
        c.ackNow = false;
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt, f.peerAck, 65535,
                TcpFixture.bytes(100), List.of()));
        assertEquals(150, c.readable());
        assertEquals(0, c.reassembly.count());
        assertTrue(c.ackNow, "a filled hole is acknowledged at once");
    }

    @Test
    void established_rstAtRcvNxt_reset_elsewhereInTheWindow_challenged() throws NetException {
        TcpFixture f = new TcpFixture();
        TcpConnection c = f.established();
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.RST, f.peerNxt + 10, 0, 0, new byte[0], List.of()));
        assertEquals(1, f.tcp.stats().challengeAcks());
        assertEquals(TcpState.ESTABLISHED, c.state());
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.RST, f.peerNxt, 0, 0, new byte[0], List.of()));
        assertEquals(Termination.RESET, c.termination());
    }

    @Test
    void finWait1_finAcked_finWait2_thenFin_timeWait() throws NetException {
        TcpFixture f = new TcpFixture();
        TcpConnection c = f.established();
        TcpFixture.Seg fin = f.finWait1(c);
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.ACK, f.peerNxt, fin.seq() + 1, 65535,
                new byte[0], List.of()));
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        f.tcp.synchronizedInput.segment(f.now, c, TcpFixture.view(TcpFixture.FIN | TcpFixture.ACK, f.peerNxt, fin.seq() + 1,
                65535, new byte[0], List.of()));
        assertEquals(TcpState.TIME_WAIT, c.state());
        assertEquals(f.now + f.tcp.config().timeWait(), c.closeDeadline);
    }

    /** An established connection with timestamps on (TS.Recent 100). */
    static TcpConnection withTimestamps(TcpFixture f) throws NetException {
        f.listen();
        f.sendTo(TcpFixture.PORT, TcpFixture.SYN, f.peerNxt, 0, 65535, new byte[0], List.of(new TcpOption.Timestamps(99, 0)));
        f.peerNxt++;
        f.peerAck = f.one().seq() + 1;
        f.sendTo(TcpFixture.PORT, TcpFixture.ACK, f.peerNxt, f.peerAck, 65535, new byte[0], List.of(new TcpOption.Timestamps(100, 1)));
        TcpConnection c = f.accepted.get(0);
        assertTrue(c.tsOn);
        assertEquals(100, c.tsRecent);
        return c;
    }
}
