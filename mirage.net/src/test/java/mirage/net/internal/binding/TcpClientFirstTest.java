package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.net.SimulatedNetwork;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * A listener whose client speaks first ({@link Tcp.Handler#clientFirst}): its handler starts on
 * the connection's first bytes (or its end, or a second after the handshake), and those bytes,
 * read ahead by the loop, reach the handler's reads whole and in order (decision 0066).
 */
class TcpClientFirstTest {

    /** The client's bytes, more than the loop reads ahead, in pieces: the server reads them all. */
    @Test
    void handlerStartsOnTheFirstBytes_andReadsEveryByte() throws Exception {
        for (long seed : new long[] {21, 22}) {
            TcpStackTest.World w = TcpStackTest.world(seed, seed == 21 ? SimulatedNetwork.Impairments.NONE
                    : new SimulatedNetwork.Impairments(0.05, 1_000_000, 500_000, 0.02, 4_000_000, 0.01, 0.01));
            byte[] up = TcpStackTest.bytes(3 * TcpBinding.READ_AHEAD + 1234, seed);
            List<Long> startedAt = new ArrayList<>();
            List<byte[]> atServer = new ArrayList<>();
            w.b().tcp().listen(443, Tcp.Handler.clientFirst(c -> {
                startedAt.add(w.sim().now());
                atServer.add(TcpStackTest.readAll(c));
                c.write(ByteBuffer.wrap(new byte[] {'o', 'k'}));
            }));
            List<Long> sentAt = new ArrayList<>();
            List<String> answer = new ArrayList<>();
            w.sim().spawn("client", () -> {
                try (Tcp.Connection c = w.a().tcp().connect(TcpStackTest.B, 443, Duration.ofSeconds(30))) {
                    w.sim().sleep().sleep(Duration.ofMillis(300));
                    sentAt.add(w.sim().now());
                    TcpStackTest.writeAll(c, up, seed);
                    c.shutdown(Flow.Direction.WRITE);
                    answer.add(new String(TcpStackTest.readAll(c), java.nio.charset.StandardCharsets.US_ASCII));
                }
            });
            Simulation.Outcome o = w.sim().runFor(Duration.ofMinutes(2));
            assertEquals(0, o.tasksFailed(), "seed " + seed);
            assertEquals(1, startedAt.size(), "seed " + seed + ": the handler ran");
            assertTrue(startedAt.get(0) >= sentAt.get(0), "seed " + seed + ": not started before the first bytes were sent ("
                    + startedAt.get(0) + " < " + sentAt.get(0) + ")");
            assertEquals(TcpStackTest.sha(up), TcpStackTest.sha(atServer.get(0)), "seed " + seed + ": every byte, in order");
            assertEquals(List.of("ok"), answer, "seed " + seed);
            w.sim().runFor(Duration.ofMinutes(2));
            assertArrayEquals(new int[] {0, 0}, ((Direct) w.b()).tcpBinding().footprint(), "seed " + seed + ": state left at b");
        }
    }

    /**
     * A client that connects and stays silent: its handler starts a second after the
     * handshake, and its own read timeout then applies; one that closes at once is handed to
     * its handler at its FIN, which reads the end.
     */
    @Test
    void silentClient_handlerStartsAfterASecond_andItsReadTimeoutApplies_aFinStartsItAtOnce() throws Exception {
        TcpStackTest.World w = TcpStackTest.world(23, SimulatedNetwork.Impairments.NONE);
        List<String> outcomes = new ArrayList<>();
        List<Long> connectedAt = new ArrayList<>();
        w.b().tcp().listen(443, Tcp.Handler.clientFirst(c -> {
            long started = w.sim().now();
            c.readTimeout(Duration.ofSeconds(2));
            try {
                int n = c.read(ByteBuffer.allocate(100));
                outcomes.add((n == Flow.EOF ? "EOF" : n + " bytes") + " started " + started / 1_000_000 + " ms");
            } catch (FlowException e) {
                outcomes.add(e.reason() + " started " + started / 1_000_000 + " ms, after "
                        + (w.sim().now() - started) / 1_000_000 + " ms");
            }
        }));
        w.sim().spawn("silent", () -> {
            try (Tcp.Connection c = w.a().tcp().connect(TcpStackTest.B, 443, Duration.ofSeconds(30))) {
                connectedAt.add(w.sim().now());
                w.sim().sleep().sleep(Duration.ofSeconds(10));
            }
        });
        Simulation.Outcome o = w.sim().runFor(Duration.ofSeconds(5));
        assertEquals(0, o.tasksFailed());
        assertEquals(1, outcomes.size(), outcomes.toString());
        long start = Long.parseLong(outcomes.get(0).replaceAll(".*started (\\d+) ms.*", "$1"));
        long connected = connectedAt.get(0) / 1_000_000;
        assertTrue(start >= connected + 999 && start <= connected + 1010, "started a second after the handshake: " + outcomes
                + ", connected at " + connected + " ms");
        assertTrue(outcomes.get(0).startsWith("TIMEOUT") && outcomes.get(0).endsWith("after 2000 ms"), outcomes.toString());

        w.sim().spawn("closer", () -> {
            Tcp.Connection c = w.a().tcp().connect(TcpStackTest.B, 443, Duration.ofSeconds(30));
            connectedAt.add(w.sim().now());
            c.close();
        });
        o = w.sim().runFor(Duration.ofMillis(500));
        assertEquals(0, o.tasksFailed());
        assertEquals(2, outcomes.size(), outcomes.toString());
        assertTrue(outcomes.get(1).startsWith("EOF"), "the FIN started the handler, which read the end: " + outcomes);
    }
}
