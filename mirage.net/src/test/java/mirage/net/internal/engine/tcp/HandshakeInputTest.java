package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mirage.net.NetException;
import mirage.net.internal.wire.TcpOption;
import org.junit.jupiter.api.Test;

/** The handshake parts, handed segments directly: {@link SynSentInput} and {@link ListenInput} (with SYN cookies). */
class HandshakeInputTest {
    final TcpFixture f = new TcpFixture();

    @Test
    void synSent_synAckOfOurSyn_established_windowUnscaled() throws NetException {
        TcpConnection c = f.synSent();
        int iss = f.synSent.seq();
        f.tcp.synSentInput.segment(f.now, c, TcpFixture.view(TcpFixture.SYN | TcpFixture.ACK, 5000, iss + 1, 1000,
                new byte[0], List.of(new TcpOption.Mss(1200), new TcpOption.WindowScale(7))));
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(5001, c.rcvNxt);
        assertEquals(1000, c.sndWnd, "a SYN's window is never scaled (RFC 7323 section 2.2)");
        assertEquals(1200, c.mss());
        assertTrue(c.ackNow);
    }

    @Test
    void synSent_ackOfSomethingElse_resetAndStays() throws NetException {
        TcpConnection c = f.synSent();
        f.tcp.synSentInput.segment(f.now, c, TcpFixture.view(TcpFixture.SYN | TcpFixture.ACK, 5000, f.synSent.seq() + 7,
                1000, new byte[0], List.of()));
        assertEquals(TcpState.SYN_SENT, c.state());
        TcpFixture.Seg rst = f.one();
        assertEquals(TcpFixture.RST, rst.flags());
        assertEquals(f.synSent.seq() + 7, rst.seq());
    }

    @Test
    void synSent_rstWithoutAck_ignored_withOurAck_refused() throws NetException {
        TcpConnection c = f.synSent();
        f.tcp.synSentInput.segment(f.now, c, TcpFixture.view(TcpFixture.RST, 0, 0, 0, new byte[0], List.of()));
        assertNull(c.termination());
        f.tcp.synSentInput.segment(f.now, c, TcpFixture.view(TcpFixture.RST | TcpFixture.ACK, 0, f.synSent.seq() + 1, 0,
                new byte[0], List.of()));
        assertEquals(Termination.REFUSED, c.termination());
    }

    @Test
    void listen_noListener_rstAck() {
        f.tcp.listenInput.segment(f.now, null, TcpFixture.view(TcpFixture.SYN, 5000, 0, 1000, new byte[0], List.of()),
                TcpFixture.PEER.bits(), TcpFixture.US.bits());
        TcpFixture.Seg rst = f.one();
        assertEquals(TcpFixture.RST | TcpFixture.ACK, rst.flags());
        assertEquals(5001, rst.ack());
    }

    @Test
    void listen_backlogFull_cookie_thenItsAck_establishedWithTheCookiesMss() throws NetException {
        TcpEngine.Listener l = new TcpEngine.Listener(TcpFixture.PORT, 1);
        l.halfOpen = 1;
        f.tcp.listenInput.segment(f.now, l, TcpFixture.view(TcpFixture.SYN, 5000, 0, 1000, new byte[0],
                List.of(new TcpOption.Mss(1400))), TcpFixture.PEER.bits(), TcpFixture.US.bits());
        TcpFixture.Seg synAck = f.one();
        assertEquals(0, f.tcp.connections(), "a cookie keeps no state");
        assertEquals(List.of(new TcpOption.Mss(1400)), synAck.header().options());
        f.tcp.listenInput.segment(f.now, l, TcpFixture.view(TcpFixture.ACK, 5001, synAck.seq() + 1, 1000, new byte[0],
                List.of()), TcpFixture.PEER.bits(), TcpFixture.US.bits());
        assertEquals(1, f.tcp.connections());
        TcpConnection c = f.tcp.find(TcpFixture.US, TcpFixture.PORT, TcpFixture.PEER, TcpFixture.PEER_PORT);
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(1400, c.mss());
        assertEquals(1, l.halfOpen, "established() took back what the cookie ACK counted");
    }
}
