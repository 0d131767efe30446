package mirage.net.internal.engine.tcp;

import static mirage.net.internal.engine.tcp.TcpFixture.ACK;
import static mirage.net.internal.engine.tcp.TcpFixture.FIN;
import static mirage.net.internal.engine.tcp.TcpFixture.PEER_ISS;
import static mirage.net.internal.engine.tcp.TcpFixture.PSH;
import static mirage.net.internal.engine.tcp.TcpFixture.RST;
import static mirage.net.internal.engine.tcp.TcpFixture.SYN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.engine.tcp.TcpFixture.Seg;
import mirage.net.internal.wire.TcpOption;
import org.junit.jupiter.api.Test;

/**
 * The RFC 9293 state diagram (section 3.3.2, figure 5) transition by transition, with RFC 5961's
 * blind-attack rules: one scripted peer, tests named state_event_outcome.
 */
class TcpStateTest {
    final TcpFixture f = new TcpFixture();

    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    // ------------------------------------------------------------------ CLOSED and LISTEN

    @Test
    void closed_syn_answeredWithRstAck() {
        f.send(SYN, PEER_ISS, 0);
        Seg rst = f.one();
        assertEquals(RST | ACK, rst.flags());
        assertEquals(0, rst.seq());
        assertEquals(PEER_ISS + 1, rst.ack());
        assertEquals(0, f.tcp.connections());
    }

    @Test
    void closed_ack_answeredWithRstAtItsAck() {
        f.send(ACK, PEER_ISS, 12345);
        Seg rst = f.one();
        assertEquals(RST, rst.flags());
        assertEquals(12345, rst.seq());
    }

    @Test
    void closed_rst_ignored() {
        f.send(RST, PEER_ISS, 0);
        f.none();
    }

    @Test
    void listen_syn_synAckAndSynReceived() throws NetException {
        Seg synAck = f.synReceived();
        assertEquals(SYN | ACK, synAck.flags());
        assertEquals(PEER_ISS + 1, synAck.ack());
        assertEquals(List.of(new TcpOption.Mss(1460)), synAck.header().options(), "only MSS: the peer offered nothing else");
        TcpConnection c = f.tcp.find(TcpFixture.US, TcpFixture.PORT, TcpFixture.PEER, TcpFixture.PEER_PORT);
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        assertEquals(List.of(), f.events, "the binding hears of nothing before the handshake completes");
    }

    @Test
    void listen_synWithOptions_synAckOffersTheSame() throws NetException {
        f.listen();
        f.sendTo(TcpFixture.PORT, SYN, PEER_ISS, 0, 65535, new byte[0], List.of(new TcpOption.Mss(1000),
                new TcpOption.WindowScale(7), new TcpOption.SackPermitted(), new TcpOption.Timestamps(42, 0)));
        Seg synAck = f.one();
        List<TcpOption> o = synAck.header().options();
        assertEquals(new TcpOption.Mss(1460), o.get(0));
        assertEquals(new TcpOption.WindowScale(3), o.get(1), "256 KiB needs a shift of 3 to fit 16 bits");
        assertEquals(new TcpOption.SackPermitted(), o.get(2));
        assertEquals(42, ((TcpOption.Timestamps) o.get(3)).tsEcr());
        f.send(ACK, PEER_ISS + 1, synAck.seq() + 1);
        // An ACK without timestamps on a connection that negotiated them is still taken here.
        assertEquals(1000, f.accepted.get(0).mss(), "our MSS is the peer's, below our MTU's");
    }

    @Test
    void listen_ack_answeredWithRst() throws NetException {
        f.listen();
        f.send(ACK, PEER_ISS, 777);
        Seg rst = f.one();
        assertEquals(RST, rst.flags());
        assertEquals(777, rst.seq());
    }

    @Test
    void listen_rst_ignored() throws NetException {
        f.listen();
        f.send(RST, PEER_ISS, 0);
        f.none();
    }

    @Test
    void listen_twice_addressInUse() throws NetException {
        f.listen();
        NetException e = assertThrows(NetException.class, f::listen);
        assertEquals(NetException.Reason.ADDRESS_IN_USE, e.reason());
    }

    @Test
    void listen_backlogFull_synCookieThenAckEstablishes() throws NetException {
        TcpFixture g = f;
        g.tcp.listen(TcpFixture.PORT, 1);
        g.send(SYN, PEER_ISS, 0);
        g.one();
        assertEquals(1, g.tcp.connections());
        // From another port of the peer: the backlog of one is taken, so a cookie answers.
        Seg cookie = synFrom(g, 40001, 20000);
        assertEquals(SYN | ACK, cookie.flags());
        assertEquals(1, g.tcp.connections(), "a cookie keeps no state");
        assertEquals(1, g.tcp.stats().synCookiesSent());
        ackFrom(g, 40001, 20001, cookie.seq() + 1);
        assertEquals(2, g.tcp.connections());
        assertEquals(List.of("accepted", "writable"), g.events);
        assertEquals(TcpState.ESTABLISHED, g.accepted.get(0).state());
        assertEquals(536, g.accepted.get(0).mss(), "the MSS the cookie encoded (the SYN had none: 536)");
    }

    @Test
    void listen_forgedCookieAck_answeredWithRst() throws NetException {
        f.tcp.listen(TcpFixture.PORT, 1);
        f.send(SYN, PEER_ISS, 0);
        f.sent();
        ackFrom(f, 40001, 20001, 0x12345678);
        Seg rst = f.one();
        assertEquals(RST, rst.flags());
        assertEquals(1, f.tcp.connections());
    }

    private static Seg synFrom(TcpFixture g, int port, int seq) {
        sendFromPort(g, port, SYN, seq, 0);
        return g.one();
    }

    private static void ackFrom(TcpFixture g, int port, int seq, int ack) {
        sendFromPort(g, port, ACK, seq, ack);
    }

    private static void sendFromPort(TcpFixture g, int port, int flags, int seq, int ack) {
        mirage.net.internal.wire.TcpRepr r = new mirage.net.internal.wire.TcpRepr(port, TcpFixture.PORT, seq, ack, flags,
                65535, 0, List.of(), 0);
        ByteBuffer b = ByteBuffer.allocate(r.bufferLen());
        r.emit(b, 0, TcpFixture.PEER, TcpFixture.US);
        byte[] d = mirage.net.internal.engine.Packets.ipv4(TcpFixture.PEER, TcpFixture.US, 6, 1, 0, 64, b.array());
        g.receive(d);
    }

    @Test
    void unlisten_synReceived_reset() throws NetException {
        f.synReceived();
        f.tcp.unlisten(f.now, TcpFixture.PORT);
        assertEquals(RST, f.one().flags());
        assertEquals(0, f.tcp.connections());
        f.send(SYN, PEER_ISS + 50, 0);
        assertEquals(RST | ACK, f.one().flags(), "nobody listens any more");
    }

    // ------------------------------------------------------------------ SYN-SENT

    @Test
    void closed_connect_synSentWithOptions() throws NetException {
        TcpConnection c = f.synSent();
        assertEquals(TcpState.SYN_SENT, c.state());
        assertEquals(SYN, f.synSent.flags());
        assertTrue(c.localPort() >= TcpEngine.EPHEMERAL_FIRST, "an ephemeral port (RFC 6335)");
        List<TcpOption> o = f.synSent.header().options();
        assertEquals(new TcpOption.Mss(1460), o.get(0), "MSS from the link MTU: 1500 - 40");
        assertTrue(o.contains(new TcpOption.SackPermitted()));
        assertTrue(o.stream().anyMatch(x -> x instanceof TcpOption.WindowScale));
        assertTrue(o.stream().anyMatch(x -> x instanceof TcpOption.Timestamps));
    }

    @Test
    void synSent_synAck_establishedAcksAndConnected() throws NetException {
        TcpConnection c = f.synSent();
        f.sendTo(c.localPort(), SYN | ACK, PEER_ISS, f.synSent.seq() + 1, 65535, new byte[0], List.of());
        assertEquals(TcpState.ESTABLISHED, c.state());
        Seg ack = f.one();
        assertEquals(ACK, ack.flags());
        assertEquals(PEER_ISS + 1, ack.ack());
        assertEquals(f.synSent.seq() + 1, ack.seq());
        assertTrue(f.events.contains("connected"));
        assertEquals(536, c.mss(), "no MSS option: 536 (RFC 9293 section 3.7.1)");
        assertEquals(List.of(), ack.header().options(), "nothing negotiated: no options after the SYN");
    }

    @Test
    void synSent_syn_simultaneousOpenThroughSynReceived() throws NetException {
        TcpConnection c = f.synSent();
        f.sendTo(c.localPort(), SYN, PEER_ISS, 0, 65535, new byte[0], List.of());
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        Seg synAck = f.one();
        assertEquals(SYN | ACK, synAck.flags());
        assertEquals(f.synSent.seq(), synAck.seq(), "the same ISS");
        assertEquals(PEER_ISS + 1, synAck.ack());
        f.sendTo(c.localPort(), SYN | ACK, PEER_ISS, f.synSent.seq() + 1, 65535, new byte[0], List.of());
        // The peer's SYN-ACK in SYN-RECEIVED: its SYN again, so a challenge ACK, then its ACK.
        f.sent();
        f.sendTo(c.localPort(), ACK, PEER_ISS + 1, f.synSent.seq() + 1, 65535, new byte[0], List.of());
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertTrue(f.events.contains("connected"));
    }

    @Test
    void synSent_rstAcknowledgingSyn_refused() throws NetException {
        TcpConnection c = f.synSent();
        f.sendTo(c.localPort(), RST | ACK, 0, f.synSent.seq() + 1, 0, new byte[0], List.of());
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(Termination.REFUSED, c.termination());
        assertEquals(List.of("closed REFUSED"), f.events);
        assertEquals(0, f.tcp.connections());
        f.none();
    }

    @Test
    void synSent_rstWithoutAck_ignored() throws NetException {
        TcpConnection c = f.synSent();
        f.sendTo(c.localPort(), RST, 0, 0, 0, new byte[0], List.of());
        assertEquals(TcpState.SYN_SENT, c.state());
    }

    @Test
    void synSent_unacceptableAck_rstAndStays() throws NetException {
        TcpConnection c = f.synSent();
        f.sendTo(c.localPort(), SYN | ACK, PEER_ISS, f.synSent.seq() + 99, 65535, new byte[0], List.of());
        Seg rst = f.one();
        assertEquals(RST, rst.flags());
        assertEquals(f.synSent.seq() + 99, rst.seq());
        assertEquals(TcpState.SYN_SENT, c.state());
    }

    @Test
    void synSent_noAnswer_retransmitsWithBackoffThenTimeout() throws NetException {
        TcpConnection c = f.synSent();
        f.advance(1 * S);
        Seg again = f.one();
        assertEquals(SYN, again.flags());
        assertEquals(f.synSent.seq(), again.seq());
        f.advance(1 * S);
        f.none();
        f.advance(1 * S);
        assertEquals(SYN, f.one().flags(), "second retransmission after 2 s (RFC 6298 (5.5))");
        f.advance(200 * S);
        assertEquals(Termination.TIMEOUT, c.termination());
        assertEquals(0, f.tcp.connections());
        assertEquals(0, f.tcp.timers());
        assertEquals(1, f.tcp.stats().failedAttempts());
    }

    @Test
    void synSent_connectTimeout_timeout() throws NetException {
        TcpConnection c = f.tcp.connect(f.now, null, TcpFixture.PEER, 81, 500 * MS);
        f.advance(600 * MS);
        assertEquals(Termination.TIMEOUT, c.termination());
        assertEquals(List.of("closed TIMEOUT"), f.events);
    }

    @Test
    void synSent_close_gone() throws NetException {
        TcpConnection c = f.synSent();
        c.close(f.now);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(0, f.tcp.connections());
        f.none();
    }

    @Test
    void closed_connectsToSamePeer_differentPortsAndIsns() throws NetException {
        TcpConnection a = f.synSent();
        Seg synA = f.synSent;
        TcpConnection b = f.synSent();
        assertNotEquals(a.localPort(), b.localPort());
        assertNotEquals(synA.seq(), f.synSent.seq());
    }

    // ------------------------------------------------------------------ SYN-RECEIVED

    @Test
    void synReceived_ack_establishedAndAccepted() throws NetException {
        TcpConnection c = f.established();
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void synReceived_rst_backToListenUnseen() throws NetException {
        f.synReceived();
        f.send(RST, PEER_ISS + 1, 0);
        assertEquals(0, f.tcp.connections());
        assertEquals(List.of(), f.events);
        f.none();
    }

    @Test
    void synReceived_unacceptableAck_rst() throws NetException {
        Seg synAck = f.synReceived();
        f.send(ACK, PEER_ISS + 1, synAck.seq() + 5);
        Seg rst = f.one();
        assertEquals(RST, rst.flags());
        assertEquals(synAck.seq() + 5, rst.seq());
    }

    @Test
    void synReceived_synAgain_synAckAgain() throws NetException {
        Seg synAck = f.synReceived();
        f.send(SYN, PEER_ISS, 0);
        Seg again = f.one();
        assertEquals(SYN | ACK, again.flags());
        assertEquals(synAck.seq(), again.seq());
    }

    @Test
    void synReceived_noAck_synAckRetransmittedThenDropped() throws NetException {
        Seg synAck = f.synReceived();
        f.advance(1 * S);
        assertEquals(synAck.seq(), f.one().seq());
        f.advance(300 * S);
        assertEquals(0, f.tcp.connections());
        assertEquals(0, f.tcp.timers());
        assertEquals(List.of(), f.events);
    }

    // ------------------------------------------------------------------ ESTABLISHED

    @Test
    void established_data_readableAndDelayedAck() throws NetException {
        TcpConnection c = f.established();
        f.send(ACK | PSH, f.peerNxt, f.peerAck, TcpFixture.bytes(100));
        assertEquals(List.of("readable"), f.events);
        f.none();
        f.advance(39 * MS);
        f.none();
        f.advance(2 * MS);
        Seg ack = f.one();
        assertEquals(PEER_ISS + 101, ack.ack(), "delayed ACK after 40 ms");
        ByteBuffer into = ByteBuffer.allocate(200);
        assertEquals(100, c.read(f.now, into));
        assertArrayEquals(TcpFixture.bytes(100), java.util.Arrays.copyOf(into.array(), 100));
        assertEquals(0, c.read(f.now, into.clear()));
    }

    @Test
    void established_twoSegments_ackedAtOnce() throws NetException {
        TcpConnection c = f.established();
        f.send(ACK, f.peerNxt, f.peerAck, TcpFixture.bytes(536));
        f.send(ACK, f.peerNxt + 536, f.peerAck, TcpFixture.bytes(536));
        assertEquals(PEER_ISS + 1 + 1072, f.one().ack(), "every second segment is acknowledged at once");
        assertEquals(1072, c.readable());
    }

    @Test
    void established_outOfOrder_dupAckThenHoleFilled() throws NetException {
        TcpConnection c = f.established();
        int base = f.peerNxt;
        f.send(ACK, base + 100, f.peerAck, TcpFixture.bytes(100));
        assertEquals(base, f.one().ack(), "an out-of-order segment is acknowledged at once (RFC 5681 4.2)");
        assertEquals(0, c.readable());
        f.send(ACK, base, f.peerAck, TcpFixture.bytes(100));
        assertEquals(base + 200, f.one().ack(), "filling the hole is acknowledged at once");
        assertEquals(200, c.readable());
    }

    @Test
    void established_write_sendsAndRetransmitsAfterRto() throws NetException {
        TcpConnection c = f.established();
        assertEquals(100, c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100))));
        Seg data = f.one();
        assertEquals(ACK | PSH, data.flags());
        assertEquals(f.peerAck, data.seq());
        assertArrayEquals(TcpFixture.bytes(100), data.payload());
        f.advance(1000 * MS);
        Seg again = f.one();
        assertEquals(data.seq(), again.seq(), "retransmitted after the initial RTO of 1 s (RFC 6298 (2.1))");
        f.advance(1999 * MS);
        f.none();
        f.advance(1 * MS);
        assertEquals(data.seq(), f.one().seq(), "then after 2 s: backoff");
        f.send(ACK, f.peerNxt, f.peerAck + 100);
        assertEquals(0, c.unacknowledged());
        assertEquals(0, f.tcp.timers(), "nothing outstanding: no timer");
    }

    @Test
    void established_peerSilent_timeoutAfterRetransmissions() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10)));
        f.advance(3600 * S);
        assertEquals(Termination.TIMEOUT, c.termination());
        assertEquals(0, f.tcp.connections());
        assertTrue(f.events.contains("closed TIMEOUT"));
    }

    @Test
    void established_nagle_holdsSmallWriteWhileDataOutstanding() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10)));
        Seg first = f.one();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10)));
        f.none();
        f.send(ACK, f.peerNxt, first.seq() + 10);
        Seg second = f.one();
        assertEquals(first.seq() + 10, second.seq());
        assertEquals(10, second.payload().length);
    }

    /**
     * The cause of issue 20's 44 ms: a response written as two writes, head then body, is two
     * short segments, and Nagle holds the second until the first is acknowledged, which a peer
     * delays by up to 40 ms (Linux does the same with two send(2) calls).
     */
    @Test
    void established_headThenBodyInTwoWrites_nagleHoldsTheBody() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(107)));
        assertEquals(107, f.one().payload().length);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(300)));
        f.none();
    }

    @Test
    void established_gatheredWrite_headAndBodyLeaveAsOneSegment() throws NetException {
        TcpConnection c = f.established();
        ByteBuffer head = ByteBuffer.wrap(TcpFixture.bytes(107));
        ByteBuffer body = ByteBuffer.wrap(TcpFixture.bytes(300));
        assertEquals(407, c.write(f.now, new ByteBuffer[] {head, body}, 0, 2));
        Seg s = f.one();
        assertEquals(407, s.payload().length, "head and body in one segment");
        assertEquals(ACK | PSH, s.flags());
        assertEquals(0, head.remaining() + body.remaining());
    }

    /** Minshall's variant of Nagle (Linux's): a short tail behind full segments leaves with them. */
    @Test
    void established_longWrite_itsShortTailLeavesWithItsSegments() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(2 * 536 + 100)));
        List<Seg> segs = f.sent();
        assertEquals(List.of(536, 536, 100), segs.stream().map(s -> s.payload().length).toList());
    }

    @Test
    void established_shortSegmentInFlight_nextShortOneWaitsForItsAck() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(2 * 536 + 100)));
        List<Seg> first = f.sent();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(50)));
        f.none();
        f.send(ACK, f.peerNxt, first.get(1).seq() + 536); // the full ones only: the short one is still out
        f.none();
        f.send(ACK, f.peerNxt, first.get(2).seq() + 100);
        assertEquals(50, f.one().payload().length);
    }

    @Test
    void established_corked_holdsShortSegments_uncorkSendsThemAsOne() throws NetException {
        TcpConnection c = f.established();
        c.cork(f.now, true);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(200)));
        f.none();
        c.cork(f.now, false);
        Seg s = f.one();
        assertEquals(300, s.payload().length);
        assertEquals(ACK | PSH, s.flags());
    }

    @Test
    void established_corked_wholeSegmentsLeave_theTailWaits() throws NetException {
        TcpConnection c = f.established();
        c.cork(f.now, true);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(2 * 536 + 10)));
        assertEquals(List.of(536, 536), f.sent().stream().map(s -> s.payload().length).toList());
        c.cork(f.now, false);
        assertEquals(10, f.one().payload().length);
    }

    @Test
    void established_corkedAndForgotten_heldBytesLeaveAfterTheInitialRto() throws NetException {
        TcpConnection c = f.established();
        c.cork(f.now, true);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        f.none();
        f.advance(999 * MS);
        f.none();
        f.advance(1 * MS);
        assertEquals(100, f.one().payload().length, "the persist timer's override: a cork delays, never stalls");
    }

    @Test
    void established_corked_shutdownSendsWhatIsHeldWithTheFin() throws NetException {
        TcpConnection c = f.established();
        c.cork(f.now, true);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        f.none();
        c.shutdownWrite(f.now);
        List<Seg> segs = f.sent();
        assertEquals(100, segs.get(0).payload().length);
        assertTrue((segs.getLast().flags() & FIN) != 0, "then the FIN");
    }

    @Test
    void established_noDelay_sendsSmallWritesAtOnce() throws NetException {
        TcpConnection c = f.established();
        c.noDelay(f.now, true);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10)));
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10)));
        assertEquals(2, f.sent().size());
    }

    @Test
    void established_largeWrite_segmentsOfMssWithinWindow() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(10_000)));
        List<Seg> segs = f.sent();
        assertTrue(segs.size() >= 2);
        for (Seg s : segs) {
            assertTrue(s.payload().length <= 536, "the peer's MSS (536 without an option)");
        }
    }

    @Test
    void established_zeroWindow_probesUntilItOpens() throws NetException {
        TcpConnection c = f.established();
        f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, f.peerAck, 0, new byte[0], List.of());
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        f.none();
        f.advance(1 * S);
        Seg probe = f.one();
        assertEquals(f.peerAck - 1, probe.seq(), "a window probe with an old sequence number");
        for (int i = 0; i < 20; i++) {
            f.advance(60 * S);
            f.sent();
            f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, f.peerAck, 0, new byte[0], List.of());
        }
        assertNull(c.termination(), "a zero window is probed for as long as the peer answers");
        f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, f.peerAck, 1000, new byte[0], List.of());
        Seg data = f.one();
        assertEquals(100, data.payload().length);
    }

    @Test
    void established_fin_closeWaitAndEndOfStream() throws NetException {
        TcpConnection c = f.established();
        f.closeWait();
        assertEquals(TcpState.CLOSE_WAIT, c.state());
        assertEquals(PEER_ISS + 2, f.one().ack(), "a FIN is acknowledged at once");
        assertEquals(-1, c.read(f.now, ByteBuffer.allocate(10)));
        assertTrue(c.writable() > 0, "half-closed: we may still write");
    }

    @Test
    void established_shutdownWrite_finWait1() throws NetException {
        TcpConnection c = f.established();
        Seg fin = f.finWait1(c);
        assertEquals(TcpState.FIN_WAIT_1, c.state());
        assertEquals(f.peerAck, fin.seq());
        assertEquals(-1, c.write(f.now, ByteBuffer.allocate(1)));
    }

    @Test
    void established_closeWithUnreadData_rst() throws NetException {
        TcpConnection c = f.established();
        f.send(ACK, f.peerNxt, f.peerAck, TcpFixture.bytes(10));
        f.sent();
        c.close(f.now);
        assertEquals(RST, f.one().flags() & RST);
        assertEquals(Termination.ABORTED, c.termination());
        assertEquals(0, f.tcp.connections());
    }

    @Test
    void established_abort_rstAndGone() throws NetException {
        TcpConnection c = f.established();
        c.abort(f.now);
        Seg rst = f.one();
        assertEquals(RST, rst.flags());
        assertEquals(f.peerAck, rst.seq());
        assertEquals(List.of("closed ABORTED"), f.events);
    }

    @Test
    void established_keepalive_probesThenTimeout() throws NetException {
        TcpConnection c = f.established();
        c.keepalive(f.now, 10 * S, 1 * S, 3);
        f.advance(10 * S);
        Seg probe = f.one();
        assertEquals(f.peerAck - 1, probe.seq(), "SEG.SEQ = SND.NXT - 1 (RFC 1122 4.2.3.6)");
        f.send(ACK, f.peerNxt, f.peerAck);
        f.advance(9 * S);
        f.none();
        f.advance(1 * S);
        f.one();
        f.advance(3 * S);
        assertEquals(2, f.sent().size());
        assertEquals(Termination.TIMEOUT, c.termination());
    }

    // ------------------------------------------------------------------ RFC 5961

    @Test
    void established_rstExactSequence_reset() throws NetException {
        TcpConnection c = f.established();
        f.send(RST, f.peerNxt, 0);
        assertEquals(Termination.RESET, c.termination());
        assertEquals(List.of("closed RESET"), f.events);
        f.none();
    }

    @Test
    void established_rstInWindowNotExact_challengeAckAndStays() throws NetException {
        TcpConnection c = f.established();
        f.send(RST, f.peerNxt + 1000, 0);
        Seg challenge = f.one();
        assertEquals(ACK, challenge.flags());
        assertEquals(f.peerNxt, challenge.ack());
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1, f.tcp.stats().challengeAcks());
    }

    @Test
    void established_rstOutsideWindow_droppedSilently() throws NetException {
        TcpConnection c = f.established();
        f.send(RST, f.peerNxt + 10_000_000, 0);
        f.none();
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void established_synInWindow_challengeAckAndStays() throws NetException {
        TcpConnection c = f.established();
        f.send(SYN, f.peerNxt + 5, 0);
        assertEquals(ACK, f.one().flags());
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void established_synOutsideWindow_ackAndStays() throws NetException {
        TcpConnection c = f.established();
        f.send(SYN, f.peerNxt - 100_000, 0);
        assertEquals(ACK, f.one().flags());
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void established_dataWithAckTooOld_challengeAckAndDataDropped() throws NetException {
        TcpConnection c = f.established();
        f.send(ACK, f.peerNxt, f.peerAck - 1_000_000, TcpFixture.bytes(10));
        assertEquals(ACK, f.one().flags());
        assertEquals(0, c.readable(), "RFC 5961 5.2: blind data with an ACK below SND.UNA - MAX.SND.WND is dropped");
    }

    @Test
    void established_ackForUnsentData_challengeAckAndDropped() throws NetException {
        TcpConnection c = f.established();
        f.send(ACK, f.peerNxt, f.peerAck + 5000, TcpFixture.bytes(10));
        assertEquals(ACK, f.one().flags());
        assertEquals(0, c.readable());
    }

    @Test
    void established_challengeAcks_rateLimited() throws NetException {
        TcpFixture g = new TcpFixture();
        g.established();
        for (int i = 0; i < 2000; i++) {
            g.send(RST, g.peerNxt + 1 + i, 0);
        }
        assertEquals(1000, g.sent().size(), "at most 1000 per second (RFC 5961 section 7)");
        g.advance(1 * S);
        g.send(RST, g.peerNxt + 1, 0);
        assertEquals(1, g.sent().size());
    }

    @Test
    void established_segmentOutsideWindow_ackedAndDropped() throws NetException {
        TcpConnection c = f.established();
        f.send(ACK, f.peerNxt + 10_000_000, f.peerAck, TcpFixture.bytes(10));
        assertEquals(f.peerNxt, f.one().ack());
        assertEquals(0, c.readable());
    }

    @Test
    void established_badChecksum_droppedAndCounted() throws NetException {
        f.established();
        long before = f.tcp.stats().malformed();
        mirage.net.internal.wire.TcpRepr r = mirage.net.internal.wire.TcpRepr.of(TcpFixture.PEER_PORT, TcpFixture.PORT,
                f.peerNxt, f.peerAck, ACK, 1000, 0);
        ByteBuffer b = ByteBuffer.allocate(20);
        r.emit(b, 0, TcpFixture.PEER, TcpFixture.US);
        b.put(16, (byte) (b.get(16) ^ 1));
        byte[] d = mirage.net.internal.engine.Packets.ipv4(TcpFixture.PEER, TcpFixture.US, 6, 1, 0, 64, b.array());
        f.receive(d);
        assertEquals(before + 1, f.tcp.stats().malformed());
        f.none();
    }

    // ------------------------------------------------------------------ closing states

    @Test
    void finWait1_ackOfFin_finWait2() throws NetException {
        TcpConnection c = f.established();
        f.finWait2(c);
        assertEquals(TcpState.FIN_WAIT_2, c.state());
        f.none();
    }

    @Test
    void finWait1_fin_closingThenAckTimeWait() throws NetException {
        TcpConnection c = f.established();
        Seg fin = f.finWait1(c);
        f.send(FIN | ACK, f.peerNxt, fin.seq());
        assertEquals(TcpState.CLOSING, c.state(), "simultaneous close");
        assertEquals(f.peerNxt + 1, f.one().ack());
        f.send(ACK, f.peerNxt + 1, fin.seq() + 1);
        assertEquals(TcpState.TIME_WAIT, c.state());
        assertTrue(f.events.contains("closed NORMAL"));
    }

    @Test
    void finWait1_finAndAckOfFin_timeWait() throws NetException {
        TcpConnection c = f.established();
        Seg fin = f.finWait1(c);
        f.send(FIN | ACK, f.peerNxt, fin.seq() + 1);
        assertEquals(TcpState.TIME_WAIT, c.state());
    }

    @Test
    void finWait1_finLost_retransmitted() throws NetException {
        TcpConnection c = f.established();
        Seg fin = f.finWait1(c);
        f.advance(1 * S);
        Seg again = f.one();
        assertEquals(FIN | ACK, again.flags());
        assertEquals(fin.seq(), again.seq());
    }

    @Test
    void finWait2_data_stillReadable() throws NetException {
        TcpConnection c = f.established();
        f.finWait2(c);
        f.send(ACK, f.peerNxt, f.peerAck, TcpFixture.bytes(5));
        assertEquals(5, c.readable(), "half-closed: the peer may still send");
    }

    @Test
    void finWait2_fin_timeWaitThenGone() throws NetException {
        TcpConnection c = f.established();
        f.timeWait(c);
        assertEquals(TcpState.TIME_WAIT, c.state());
        f.sent();
        f.advance(59 * S);
        assertEquals(1, f.tcp.connections());
        f.advance(1 * S);
        assertEquals(0, f.tcp.connections(), "TIME-WAIT lasts 2 MSL (60 s configured)");
        assertEquals(0, f.tcp.timers());
    }

    @Test
    void finWait2_closedApplicationPeerNeverCloses_droppedAfterTimeout() throws NetException {
        TcpConnection c = f.established();
        f.finWait2(c);
        c.close(f.now);
        f.advance(61 * S);
        assertEquals(0, f.tcp.connections());
    }

    @Test
    void timeWait_finAgain_reAckedAndTimerRestarted() throws NetException {
        TcpConnection c = f.established();
        f.timeWait(c);
        f.sent();
        f.advance(30 * S);
        f.send(FIN | ACK, f.peerNxt - 1, f.peerAck);
        Seg ack = f.one();
        assertEquals(f.peerNxt, ack.ack());
        assertEquals(f.now + 60 * S, f.tcp.poll(f.now), "the one timer left: the end of TIME-WAIT, moved");
        f.advance(59 * S);
        assertEquals(1, f.tcp.connections(), "2 MSL from the last FIN");
        f.advance(1 * S);
        assertEquals(0, f.tcp.connections(), "and not longer");
        assertEquals(0, f.tcp.timers());
    }

    @Test
    void timeWait_several_eachEnds2MslAfterItsLastFin_whateverTheOrderTheyBegan() throws NetException {
        TcpConnection a = f.established(); // t = 0: a in TIME-WAIT until 60 s
        f.timeWait(a);
        f.sent();
        int aFin = f.peerNxt - 1;
        int aAck = f.peerAck;
        f.advance(10 * S); // t = 10: b, on another port of ours, in TIME-WAIT until 70 s
        int port = TcpFixture.PORT + 1;
        f.tcp.listen(port, 8);
        int iss = 5000;
        f.sendTo(port, SYN, iss, 0, 65535, new byte[0], List.of());
        Seg synAck = f.one();
        f.sendTo(port, ACK, iss + 1, synAck.seq() + 1, 65535, new byte[0], List.of());
        TcpConnection b = f.accepted.get(1);
        b.shutdownWrite(f.now);
        Seg fin = f.one();
        f.sendTo(port, FIN | ACK, iss + 1, fin.seq() + 1, 65535, new byte[0], List.of());
        f.one();
        assertEquals(TcpState.TIME_WAIT, b.state());
        f.advance(10 * S); // t = 20: a's peer sends its FIN again, so a lasts until 80 s, after b
        f.send(FIN | ACK, aFin, aAck);
        f.one();
        f.advance(49 * S);
        assertEquals(2, f.tcp.connections());
        f.advance(1 * S); // t = 70
        assertEquals(1, f.tcp.connections(), "b ended on time, though a began first");
        assertEquals(TcpState.TIME_WAIT, a.state());
        f.advance(9 * S);
        assertEquals(1, f.tcp.connections());
        f.advance(1 * S); // t = 80
        assertEquals(0, f.tcp.connections());
        assertEquals(0, f.tcp.timers());
    }

    @Test
    void closeWait_shutdownWrite_lastAckThenAckClosed() throws NetException {
        TcpConnection c = f.established();
        f.closeWait();
        f.sent();
        c.shutdownWrite(f.now);
        assertEquals(TcpState.LAST_ACK, c.state());
        Seg fin = f.one();
        assertEquals(FIN | ACK, fin.flags());
        f.send(ACK, f.peerNxt, fin.seq() + 1);
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(0, f.tcp.connections());
        assertTrue(f.events.contains("closed NORMAL"));
    }

    @Test
    void lastAck_finLost_retransmitted() throws NetException {
        TcpConnection c = f.established();
        f.closeWait();
        f.sent();
        c.close(f.now);
        Seg fin = f.one();
        f.advance(1 * S);
        assertEquals(fin.seq(), f.one().seq());
    }

    @Test
    void closeWait_dataAfterFin_ignored() throws NetException {
        TcpConnection c = f.established();
        f.closeWait();
        f.sent();
        f.send(ACK, f.peerNxt, f.peerAck, TcpFixture.bytes(5));
        assertEquals(0, c.readable());
    }

    @Test
    void established_closeAfterPeerClosed_allGone() throws NetException {
        TcpConnection c = f.established();
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(50)));
        Seg data = f.one();
        f.closeWait();
        f.sent();
        c.close(f.now);
        Seg fin = f.one();
        assertEquals(data.seq() + 50, fin.seq(), "FIN after the data");
        f.send(ACK, f.peerNxt, fin.seq() + 1);
        assertEquals(0, f.tcp.connections());
        assertFalse(f.events.isEmpty());
    }

    @Test
    void timeWait_rst_ignored() throws NetException {
        TcpConnection c = f.established();
        f.timeWait(c);
        f.sent();
        f.send(RST, f.peerNxt, 0);
        assertEquals(TcpState.TIME_WAIT, c.state(), "RFC 1337: no TIME-WAIT assassination");
        assertEquals(1, f.tcp.connections());
    }

    @Test
    void closed_connectPastConnectionLimit_refusedLocally() throws NetException {
        TcpFixture g = new TcpFixture(TcpConfig.DEFAULT.withMaxConnections(2));
        g.tcp.connect(g.now, null, TcpFixture.PEER, 1, S);
        g.tcp.connect(g.now, null, TcpFixture.PEER, 2, S);
        NetException e = assertThrows(NetException.class, () -> g.tcp.connect(g.now, null, TcpFixture.PEER, 3, S));
        assertEquals(NetException.Reason.DISCONNECTED, e.reason());
        g.tcp.listen(TcpFixture.PORT, 8);
        g.sent();
        g.send(SYN, PEER_ISS, 0);
        g.none(); // over the limit: the SYN is dropped, no state
        assertEquals(2, g.tcp.connections());
    }

    @Test
    void closed_connectToBroadcast_noRoute() {
        NetException e = assertThrows(NetException.class,
                () -> f.tcp.connect(f.now, null, mirage.net.Ipv4Address.BROADCAST, 80, S));
        assertEquals(NetException.Reason.NO_ROUTE, e.reason());
    }

    @Test
    void established_peerWindowScaled_usesScaledWindow() throws NetException {
        f.listen();
        f.sendTo(TcpFixture.PORT, SYN, PEER_ISS, 0, 65535, new byte[0],
                List.of(new TcpOption.Mss(1460), new TcpOption.WindowScale(2)));
        Seg synAck = f.one();
        f.sendTo(TcpFixture.PORT, ACK, PEER_ISS + 1, synAck.seq() + 1, 100, new byte[0], List.of());
        TcpConnection c = f.accepted.get(0);
        c.noDelay(f.now, true);
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(1000)));
        int sent = 0;
        for (Seg s : f.sent()) {
            sent += s.payload().length;
        }
        assertEquals(400, sent, "a window of 100 << 2 bytes");
    }

    @Test
    void established_zeroWindowPeerGoesSilent_timeout() throws NetException {
        TcpConnection c = f.established();
        f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, f.peerAck, 0, new byte[0], List.of());
        c.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(100)));
        f.advance(3600 * S);
        assertEquals(Termination.TIMEOUT, c.termination(), "unanswered window probes count like retransmissions");
        assertEquals(0, f.tcp.connections());
    }

    @Test
    void finWait1_finUnackedZeroWindow_finRetransmittedThenTimeout() throws NetException {
        TcpConnection c = f.established();
        f.sendTo(TcpFixture.PORT, ACK, f.peerNxt, f.peerAck, 0, new byte[0], List.of());
        Seg fin = f.finWait1(c);
        f.advance(1 * S);
        assertEquals(fin.seq(), f.one().seq(), "a FIN needs no window: sent again as it is");
        c.close(f.now);
        f.advance(3600 * S);
        assertEquals(0, f.tcp.connections());
    }
}
