package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import mirage.net.NetException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Churn on the lossy link: a client opens {@value #CONNECTIONS} connections at random times to
 * an echo-less server, each side sending a few KiB and closing, some of them aborted halfway by
 * either side. Afterwards neither engine holds a connection or a timer (mirage-tcpip's issue
 * tracker has leaks under exactly this), and every connection that was not aborted delivered its
 * bytes intact.
 */
class TcpChurnSimulationTest {
    static final int CONNECTIONS = 40;

    static LongStream seeds() {
        return LongStream.range(0, Integer.getInteger("mirage.tcp.churnSeeds", 20));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void lossyLink_manyShortConnections_allEndAndNothingLeft(long seed) throws NetException {
        SplittableRandom r = new SplittableRandom(seed);
        TcpConfig config = TcpConfig.DEFAULT.withBuffers(16 * 1024, 16 * 1024).withTimeWait(2_000_000_000L);
        SimNet net = new SimNet(seed, SimNet.Impairments.LOSSY);
        SimNet.Node a = net.node("10.0.0.1/24", 1500, config);
        SimNet.Node b = net.node("10.0.0.2/24", 1500, config);
        List<Transfer> clients = new ArrayList<>();
        List<Transfer> servers = new ArrayList<>();
        List<Transfer> aborters = new ArrayList<>();
        b.tcp.listen(80, 4);
        b.tcp.events(new TcpEvents() {
            @Override
            public void accepted(TcpConnection c) {
                Transfer t = new Transfer(c, c.remotePort(), 1 + (c.remotePort() % 7) * 1000);
                servers.add(t);
                if (c.remotePort() % 11 == 0) {
                    aborters.add(t);
                }
            }
        });
        long[] opens = new long[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            opens[i] = net.now + r.nextLong(2_000_000_000L);
        }
        java.util.Arrays.sort(opens);
        int opened = 0;
        long limit = 3_600_000_000_000L;
        while (net.now < limit) {
            while (opened < CONNECTIONS && opens[opened] <= net.now) {
                TcpConnection c = a.tcp.connect(net.now, null, b.address, 80, 30_000_000_000L);
                Transfer t = new Transfer(c, c.localPort(), 1 + (opened % 5) * 3000);
                clients.add(t);
                if (opened % 9 == 4) {
                    aborters.add(t);
                }
                opened++;
            }
            boolean moved = true;
            while (moved) {
                moved = false;
                for (Transfer t : clients) {
                    moved |= pump(t, aborters, net.now);
                }
                for (int i = 0; i < servers.size(); i++) {
                    moved |= pump(servers.get(i), aborters, net.now);
                }
            }
            boolean done = opened == CONNECTIONS && clients.stream().allMatch(TcpChurnSimulationTest::over)
                    && servers.stream().allMatch(TcpChurnSimulationTest::over);
            if (done && a.tcp.connections() + b.tcp.connections() == 0 && net.inFlight() == 0) {
                break;
            }
            long wake = opened < CONNECTIONS ? opens[opened] : Long.MAX_VALUE;
            if (!net.step(limit, wake)) {
                if (opened == CONNECTIONS) {
                    break;
                }
            }
        }
        assertEquals(CONNECTIONS, clients.size());
        assertEquals(0, a.tcp.connections(), "connections left on the client");
        assertEquals(0, b.tcp.connections(), "connections left on the server");
        assertEquals(0, a.tcp.timers() + b.tcp.timers(), "timers left");
        // Connections neither side aborted, and that the server accepted, delivered intact.
        int verified = 0;
        for (Transfer s : servers) {
            Transfer c = clients.stream().filter(x -> x.connection.localPort() == s.connection.remotePort()).findFirst()
                    .orElseThrow();
            if (!aborters.contains(s) && !aborters.contains(c) && c.connection.termination() == Termination.NORMAL
                    && s.connection.termination() == Termination.NORMAL) {
                assertArrayEquals(Transfer.hash(c.out), s.digest.digest(), "client to server");
                assertArrayEquals(Transfer.hash(s.out), c.digest.digest(), "server to client");
                verified++;
            }
        }
        assertTrue(verified >= CONNECTIONS / 2, "most connections completed normally: " + verified);
    }

    /** True once the end is finished: closed by the application, or ended by the engine. */
    static boolean over(Transfer t) {
        return t.done() || t.connection.termination() != null && t.eof;
    }

    private static boolean pump(Transfer t, List<Transfer> aborters, long now) {
        if (t.done()) {
            return false;
        }
        if (aborters.contains(t) && t.written > 0 && !t.closed) {
            t.closed = true;
            t.eof = true;
            t.connection.abort(now);
            return true;
        }
        if (t.connection.termination() != null && t.connection.termination() != Termination.NORMAL && !t.closed) {
            t.closed = true;
            t.eof = true;
            t.connection.close(now);
            return true;
        }
        return t.pump(now);
    }
}
