package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.NetException;
import org.junit.jupiter.api.Test;

/**
 * The engine's timers: each connection sits in the timer structure at its earliest deadline, so
 * the next deadline is exact (no timer fires late, none is guessed) and a poll runs only the
 * connections that are due.
 */
class TcpTimersTest {
    static final long MS = 1_000_000L;

    final TcpFixture f = new TcpFixture();

    /** The earliest deadline of every live connection, by a scan: what the structure must say. */
    static long scanned(TcpEngine tcp, List<TcpConnection> connections) {
        long next = Long.MAX_VALUE;
        for (TcpConnection c : connections) {
            if (c.index >= 0) {
                next = Math.min(next, c.nextDeadline());
            }
        }
        return next;
    }

    @Test
    void synSent_connectTimeoutOf5ms_endsTheConnectionAt5msExactly() throws NetException {
        long start = f.now;
        TcpConnection c = f.tcp.connect(f.now, null, TcpFixture.PEER, TcpFixture.PEER_PORT, 5 * MS);
        f.one(); // the SYN
        assertEquals(start + 5 * MS, f.tcp.nextDeadline(), "the connect timeout, not the 1 s RTO");
        f.now = start + 5 * MS - 1;
        f.tcp.poll(f.now);
        assertEquals(TcpState.SYN_SENT, c.state(), "1 ns before it");
        f.now = start + 5 * MS;
        f.tcp.poll(f.now);
        assertEquals(Termination.TIMEOUT, c.termination());
        assertEquals(List.of("closed TIMEOUT"), f.events);
        assertEquals(Long.MAX_VALUE, f.tcp.nextDeadline());
    }

    @Test
    void established_oneSegment_delayedAckDeadlineIsExact_andTheAckGoesThen() throws NetException {
        TcpConnection c = f.established();
        long at = f.now;
        f.send(TcpFixture.ACK | TcpFixture.PSH, f.peerNxt, f.peerAck, TcpFixture.bytes(100));
        f.none();
        assertEquals(at + f.tcp.config().delayedAck(), f.tcp.nextDeadline());
        f.now = f.tcp.nextDeadline() - 1;
        f.tcp.poll(f.now);
        f.none();
        f.now++;
        f.tcp.poll(f.now);
        assertEquals(f.peerNxt + 100, f.one().ack());
        assertTrue(f.tcp.timersConsistent());
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    /** A thousand connections, each due 1 ms after the one before: every poll runs exactly the one that is due. */
    @Test
    void manyConnections_pollRunsOnlyTheDueOnes() throws NetException {
        int n = 1000;
        List<TcpConnection> all = new ArrayList<>();
        long start = f.now;
        for (int i = 0; i < n; i++) {
            all.add(f.tcp.connect(f.now, null, TcpFixture.PEER, 1 + i % 60000, (i + 1) * MS));
        }
        f.link.drain();
        assertEquals(start + MS, f.tcp.nextDeadline());
        long fired = f.tcp.tcpTimers.fired;
        for (int i = 0; i < n; i++) {
            f.now = start + (i + 1) * MS;
            long next = f.tcp.poll(f.now);
            assertEquals(fired + i + 1, f.tcp.tcpTimers.fired, "poll " + i + " ran one connection");
            assertEquals(Termination.TIMEOUT, all.get(i).termination());
            assertEquals(n - i - 1, f.tcp.connections());
            assertEquals(i + 1 < n ? start + (i + 2) * MS : Long.MAX_VALUE, next);
        }
    }

    /** Whatever a connection goes through, the structure's next deadline is the scanned minimum after every call. */
    @Test
    void nextDeadline_isTheScannedMinimum_afterEveryCall() throws NetException {
        List<TcpConnection> mine = new ArrayList<>();
        TcpConnection server = f.established();
        mine.add(server);
        check(mine);
        server.keepalive(f.now, 7 * MS, MS, 2);
        check(mine);
        server.write(f.now, ByteBuffer.wrap(TcpFixture.bytes(3000)));
        f.link.drain();
        check(mine);
        f.send(TcpFixture.ACK, f.peerNxt, f.peerAck + 1448);
        check(mine);
        f.advance(3 * MS);
        check(mine);
        mine.add(f.tcp.connect(f.now, null, TcpFixture.PEER, 9, 20 * MS));
        check(mine);
        server.shutdownWrite(f.now);
        check(mine);
        f.advance(10_000 * MS);
        check(mine);
        server.close(f.now);
        f.advance(3_600_000 * MS); // the unacknowledged FIN's retransmissions run out
        check(mine);
        assertEquals(0, f.tcp.connections());
        assertEquals(Long.MAX_VALUE, f.tcp.nextDeadline());
    }

    private void check(List<TcpConnection> mine) {
        assertTrue(f.tcp.timersConsistent(), "every connection at its earliest deadline");
        List<TcpConnection> all = new ArrayList<>(mine);
        all.addAll(f.accepted);
        assertEquals(scanned(f.tcp, all), f.tcp.nextDeadline());
    }
}
