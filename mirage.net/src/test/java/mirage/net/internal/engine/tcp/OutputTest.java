package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import mirage.net.NetException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sending policy on its own: Nagle in Minshall's variant, the cork, the persist timer, and what {@link Output#send} puts out. */
class OutputTest {
    final TcpFixture f = new TcpFixture();
    TcpConnection c;

    @BeforeEach
    void established() throws NetException {
        c = f.established();
        c.maxSndWnd = 65535;
    }

    @Test
    void shortMayLeave_allQueued_nothingShortInFlight_goes() {
        assertFalse(Output.shortInFlight(c));
        assertTrue(Output.shortMayLeave(c, 100, true));
        assertFalse(Output.shortMayLeave(c, 100, false), "more is queued: wait to fill a segment");
    }

    @Test
    void shortMayLeave_behindAnUnacknowledgedShortSegment_waits_unlessNoDelayOrFin() {
        c.sndSml = c.sndUna + 10; // a short segment ending there is in flight
        c.sndNxt = c.sndUna + 10;
        assertTrue(Output.shortInFlight(c));
        assertFalse(Output.shortMayLeave(c, 100, true));
        c.noDelay = true;
        assertTrue(Output.shortMayLeave(c, 100, true));
        c.noDelay = false;
        c.finQueued = true;
        assertTrue(Output.shortMayLeave(c, 100, true), "a FIN follows: everything goes");
    }

    @Test
    void shortMayLeave_behindFullSegmentsOnly_goes_minshall() {
        c.sndSml = c.sndUna; // the last short segment is acknowledged; full ones are in flight
        c.sndNxt = c.sndUna + 2896;
        assertFalse(Output.shortInFlight(c));
        assertTrue(Output.shortMayLeave(c, 100, true));
    }

    @Test
    void shortMayLeave_corked_waits_butHalfTheLargestWindowGoes() {
        c.corked = true;
        assertFalse(Output.shortMayLeave(c, 100, true));
        assertTrue(Output.shortMayLeave(c, 65535 / 2, true), "sender-side SWS: half the largest window is worth sending");
    }

    @Test
    void send_heldByTheCork_withNothingInFlight_armsThePersistTimer() {
        c.corked = true;
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        f.none();
        assertEquals(f.now + c.rto, c.persistDeadline, "a forgotten cork delays by one RTO, never stalls");
        assertEquals(c.persistDeadline, f.tcp.nextDeadline());
    }

    @Test
    void send_zeroWindow_sendsNothing_andProbesLater() {
        c.sndWnd = 0;
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        f.none();
        assertEquals(f.now + c.rto, c.persistDeadline);
        f.advance(c.rto);
        TcpFixture.Seg probe = f.one();
        assertEquals(0, probe.payload().length);
        assertEquals(c.sndUna - 1, probe.seq(), "a window probe carries an old sequence number");
    }

    @Test
    void send_ackOwed_goesAlone() {
        c.ackNow = true;
        f.tcp.output.send(f.now, c);
        TcpFixture.Seg ack = f.one();
        assertEquals(TcpFixture.ACK, ack.flags());
        assertFalse(c.ackNow);
    }

    @Test
    void retransmit_oneSegmentFromSeq_andTheRtoRestarts() {
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(3000)));
        f.sent();
        f.now += 5_000_000;
        f.tcp.output.retransmit(f.now, c, c.sndUna);
        TcpFixture.Seg again = f.one();
        assertEquals(c.sndUna, again.seq());
        assertEquals(c.segmentRoom(), again.payload().length);
        assertEquals(f.now + c.rto, c.rtoDeadline);
    }
}
