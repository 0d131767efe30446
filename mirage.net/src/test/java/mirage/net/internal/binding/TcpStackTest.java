package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TCP through the whole direct stack: two stacks on a simulated network, applications as
 * simulated tasks blocking on flows, on virtual time. A seed reproduces a run.
 */
class TcpStackTest {
    static final Ipv4Address A = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address B = Ipv4Address.parse("10.0.0.3");
    static final Ipv6Address B6 = Ipv6Address.parse("2001:db8::3");

    record World(Simulation sim, SimulatedNetwork net, DirectStack a, DirectStack b) {}

    static World world(long seed, SimulatedNetwork.Impairments impairments) {
        return world(seed, impairments, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.3/24")));
    }

    /** Two dual stacks (2001:db8::2 and ::3 beside 10.0.0.2 and .3), for runs over IPv6. */
    static World world6(long seed, SimulatedNetwork.Impairments impairments) {
        World w = world(seed, impairments, DualStackTest.dual("10.0.0.2/24", "2001:db8::2/64"),
                DualStackTest.dual("10.0.0.3/24", "2001:db8::3/64"));
        DualStackTest.awaitAddresses(w.sim());
        return w;
    }

    static World world(long seed, SimulatedNetwork.Impairments impairments, NetConfig configA, NetConfig configB) {
        Simulation sim = Simulation.create(seed);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(seed * 31 + 1), impairments);
        DirectStack a = Stack.direct(net.port("a", MacAddress.parse("02:00:00:00:00:02"), 1500),
                configA, sim.loop(), Rng.seeded(seed * 31 + 2));
        DirectStack b = Stack.direct(net.port("b", MacAddress.parse("02:00:00:00:00:03"), 1500),
                configB, sim.loop(), Rng.seeded(seed * 31 + 3));
        return new World(sim, net, a, b);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] readAll(Flow f) throws FlowException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(3000);
        while (f.read(buf.clear()) != Flow.EOF) {
            out.write(buf.array(), 0, buf.position());
        }
        return out.toByteArray();
    }

    static void writeAll(Flow f, byte[] data, long seed) throws FlowException {
        SplittableRandom r = new SplittableRandom(seed);
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + r.nextInt(20_000));
            f.write(ByteBuffer.wrap(data, off, n));
            off += n;
        }
    }

    static String sha(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /**
     * b serves: reads everything, then writes its own data and closes; a sends its data,
     * half-closes, reads b's. Both directions must arrive intact.
     */
    static void exchange(World w, int size, long seed) throws Exception {
        exchange(w, size, seed, B);
    }

    /** {@link #exchange(World, int, long)} with b at {@code server} (either family). */
    static void exchange(World w, int size, long seed, IpAddress server) throws Exception {
        byte[] up = bytes(size, seed);
        byte[] down = bytes(size, ~seed);
        List<byte[]> atServer = new ArrayList<>();
        List<byte[]> atClient = new ArrayList<>();
        w.b().tcp().listen(80, c -> {
            atServer.add(readAll(c));
            writeAll(c, down, seed + 1);
            c.shutdown(Flow.Direction.WRITE);
        });
        w.sim().spawn("client", () -> {
            try (Tcp.Connection c = w.a().tcp().connect(server, 80, Duration.ofSeconds(30))) {
                writeAll(c, up, seed + 2);
                c.shutdown(Flow.Direction.WRITE);
                atClient.add(readAll(c));
            }
        });
        Simulation.Outcome o = w.sim().runFor(Duration.ofMinutes(10));
        assertEquals(0, o.tasksFailed(), "seed " + seed + ": " + w.sim().trace().subList(Math.max(0, w.sim().trace().size() - 5), w.sim().trace().size()));
        assertEquals(1, atServer.size(), "seed " + seed + ": the server read to the end");
        assertEquals(1, atClient.size(), "seed " + seed + ": the client read to the end");
        assertEquals(sha(up), sha(atServer.get(0)), "seed " + seed + ": upload");
        assertEquals(sha(down), sha(atClient.get(0)), "seed " + seed + ": download");
    }

    @Test
    void bulk_bothWays_perfectNetwork_andNothingLeftAfterTimeWait() throws Exception {
        World w = world(1, SimulatedNetwork.Impairments.NONE);
        exchange(w, 3 << 20, 1);
        w.sim().runFor(Duration.ofMinutes(2)); // TIME-WAIT is 60 s
        assertArrayEquals(new int[] {0, 0}, ((Direct) w.a()).tcpBinding().footprint(), "connections and timers at a");
        assertArrayEquals(new int[] {0, 0}, ((Direct) w.b()).tcpBinding().footprint(), "connections and timers at b");
    }

    static long[] seeds() {
        int n = Integer.getInteger("mirage.tcp.stackSeeds", 200);
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = 1000 + i;
        }
        return s;
    }

    /**
     * 5% loss, reordering, 1% duplication and corruption, delay with jitter, 1 MiB each way:
     * every byte arrives in order, and no connection state or timer is left afterwards. 200
     * seeds in the normal build; more with {@code -Dmirage.tcp.stackSeeds=N}.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void bulk_bothWays_lossyNetwork(long seed) throws Exception {
        lossy(world(seed, LOSSY), seed, B);
    }

    /**
     * The run above over IPv6 between two dual stacks (issue 15 item 4): the same impairments,
     * sizes and seeds, b's global address resolved by Neighbor Discovery through the switch's
     * multicast, which the impairments hit as every other frame. 200 seeds in the normal build;
     * more with {@code -Dmirage.tcp.stackSeeds=N}.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void bulk_bothWays_lossyNetwork_ipv6(long seed) throws Exception {
        World w = world6(seed, LOSSY);
        lossy(w, seed, B6);
        assertTrue(w.b().ipv6().stats().packetsDelivered() > 700, "seed " + seed + ": the segments went over IPv6");
        assertEquals(0, w.b().tcp().stats().established() + w.a().tcp().stats().established(), "seed " + seed);
    }

    static final SimulatedNetwork.Impairments LOSSY = new SimulatedNetwork.Impairments(0.05, 1_000_000, 500_000, 0.02, 4_000_000, 0.01, 0.01);

    static void lossy(World w, long seed, IpAddress server) throws Exception {
        exchange(w, 1 << 20, seed, server);
        assertTrue(w.a().tcp().stats().retransmittedSegments() + w.b().tcp().stats().retransmittedSegments() > 0,
                "seed " + seed + ": the losses made TCP retransmit");
        w.sim().runFor(Duration.ofMinutes(5));
        assertArrayEquals(new int[] {0, 0}, ((Direct) w.a()).tcpBinding().footprint(), "seed " + seed + ": state left at a");
        assertArrayEquals(new int[] {0, 0}, ((Direct) w.b()).tcpBinding().footprint(), "seed " + seed + ": state left at b");
    }

    /**
     * Seed 1531 of the run above with 1,000 seeds (issue 19 item 6): the client's connect got
     * no answer within 30 s at 5% loss. Kept as a regression case.
     */
    @Test
    void bulk_bothWays_lossyNetwork_seed1531() throws Exception {
        bulk_bothWays_lossyNetwork(1531);
    }

    /**
     * A handler that writes more than the engine's send buffer and its outbox hold and closes
     * at once (decision 0061: the outbox holds up to 256 KiB the engine has not taken yet):
     * the loop sends every byte before the FIN, on a lossy network too.
     */
    @Test
    void close_rightAfterABulkWrite_sendsEveryByteBeforeTheFin() throws Exception {
        for (long seed : new long[] {11, 12}) {
            World w = world(seed, seed == 11 ? SimulatedNetwork.Impairments.NONE
                    : new SimulatedNetwork.Impairments(0.05, 1_000_000, 500_000, 0.02, 4_000_000, 0.01, 0.01));
            byte[] down = bytes(1_500_000, seed);
            w.b().tcp().listen(80, c -> {
                c.write(ByteBuffer.wrap(down, 0, 700_000));
                c.write(ByteBuffer.wrap(down, 700_000, down.length - 700_000));
                c.close();
            });
            downloads(w, down, "seed " + seed + ": every byte, then the FIN");
        }
    }

    /**
     * Writes of every size from 1 byte to 600 KB, some corked (a cork over several writes, as
     * an HTTP response's head and body), some lent to the loop because the outbox held bytes of
     * the other cork: they arrive whole and in order, and the last uncork sends the tail.
     */
    @ParameterizedTest
    @MethodSource("fewSeeds")
    void writes_ofMixedSizesAndCorks_arriveInOrder(long seed) throws Exception {
        World w = world(seed, SimulatedNetwork.Impairments.NONE);
        byte[] down = bytes(4 << 20, seed);
        w.b().tcp().listen(80, c -> {
            SplittableRandom r = new SplittableRandom(seed);
            int off = 0;
            while (off < down.length) {
                boolean corked = r.nextInt(3) == 0;
                if (corked) {
                    c.cork();
                }
                for (int k = 1 + r.nextInt(3); k > 0 && off < down.length; k--) {
                    int n = Math.min(down.length - off, r.nextInt(4) == 0 ? 1 + r.nextInt(600_000) : 1 + r.nextInt(9000));
                    if (r.nextBoolean()) {
                        c.write(ByteBuffer.wrap(down, off, n));
                    } else {
                        int half = n / 2;
                        c.writev(ByteBuffer.wrap(down, off, half), ByteBuffer.wrap(down, off + half, n - half));
                    }
                    off += n;
                }
                if (corked) {
                    c.uncork();
                }
            }
            c.shutdown(Flow.Direction.WRITE);
        });
        downloads(w, down, "seed " + seed);
    }

    /** A client connects to b's port 80 and reads to the end: {@code expected}, then EOF. */
    static void downloads(World w, byte[] expected, String what) throws Exception {
        List<byte[]> got = new ArrayList<>();
        w.sim().spawn("client", () -> {
            try (Tcp.Connection c = w.a().tcp().connect(B, 80, Duration.ofSeconds(30))) {
                got.add(readAll(c));
            }
        });
        Simulation.Outcome o = w.sim().runFor(Duration.ofMinutes(5));
        assertEquals(0, o.tasksFailed(), what);
        assertEquals(1, got.size(), what + ": the client read to the end");
        assertEquals(sha(expected), sha(got.get(0)), what);
    }

    static long[] fewSeeds() {
        return new long[] {21, 22, 23, 24, 25};
    }

    @Test
    void connect_noListener_refused() {
        World w = world(2, SimulatedNetwork.Impairments.NONE);
        List<FlowException.Reason> got = new ArrayList<>();
        w.sim().spawn("client", () -> {
            try {
                w.a().tcp().connect(B, 81, Duration.ofSeconds(5));
            } catch (FlowException e) {
                got.add(e.reason());
            }
        });
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(List.of(FlowException.Reason.REFUSED), got);
    }

    @Test
    void connect_nobodyAtTheAddress_timesOutAtTheTimeout() {
        World w = world(3, SimulatedNetwork.Impairments.NONE);
        List<String> got = new ArrayList<>();
        w.sim().spawn("client", () -> {
            try {
                w.a().tcp().connect(Ipv4Address.parse("10.0.0.99"), 80, Duration.ofSeconds(3));
            } catch (FlowException e) {
                got.add(e.reason() + "@" + w.sim().now() / 1_000_000);
            }
        });
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(1, got.size());
        assertTrue(got.get(0).startsWith("TIMEOUT@"), got.toString());
        long ms = Long.parseLong(got.get(0).substring("TIMEOUT@".length()));
        assertTrue(ms >= 3000 && ms <= 3050, "timed out at " + ms + " ms");
    }

    /** No timer fires late: the binding arms the loop at the engine's exact next deadline (issue 14). */
    @Test
    void connect_timeoutOf5ms_firesAt5msOfVirtualTime() {
        World w = world(3, SimulatedNetwork.Impairments.NONE);
        List<String> got = new ArrayList<>();
        w.sim().runFor(Duration.ofMillis(7)); // not at time 0: the deadline is counted from the call
        w.sim().spawn("client", () -> {
            long start = w.sim().now();
            try {
                w.a().tcp().connect(Ipv4Address.parse("10.0.0.99"), 80, Duration.ofMillis(5));
            } catch (FlowException e) {
                got.add(e.reason() + " after " + (w.sim().now() - start) + " ns");
            }
        });
        w.sim().runFor(Duration.ofSeconds(1));
        assertEquals(List.of("TIMEOUT after 5000000 ns"), got);
    }

    @Test
    void handlerThrows_clientSeesReset() {
        World w = world(4, SimulatedNetwork.Impairments.NONE);
        List<FlowException.Reason> got = new ArrayList<>();
        List<Integer> traces = new ArrayList<>();
        try {
            w.b().tcp().listen(80, c -> {
                throw new IllegalStateException("handler bug");
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        w.sim().spawn("client", () -> {
            try (Tcp.Connection c = w.a().tcp().connect(B, 80, Duration.ofSeconds(5))) {
                c.read(ByteBuffer.allocate(10));
            } catch (FlowException e) {
                got.add(e.reason());
                traces.add(e.getStackTrace().length); // the network's doing: no trace is built
            }
        });
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(List.of(FlowException.Reason.RESET), got);
        assertEquals(List.of(0), traces);
        assertEquals(1, w.b().tcp().stats().handlerFailures());
    }

    @Test
    void peerReset_wakesAWriterBlockedOnAFullSendBuffer_withReset() {
        World w = world(6, SimulatedNetwork.Impairments.NONE);
        List<String> got = new ArrayList<>();
        try {
            w.b().tcp().listen(80, c -> { // reads nothing, then fails: the stack resets the connection
                w.sim().sleep().sleep(Duration.ofSeconds(2));
                throw new IllegalStateException("handler bug");
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        w.sim().spawn("client", () -> {
            try (Tcp.Connection c = w.a().tcp().connect(B, 80, Duration.ofSeconds(5))) {
                c.write(ByteBuffer.allocate(1 << 20)); // more than the send and the peer's receive buffer
                got.add("returned");
            } catch (FlowException e) {
                got.add(e.reason() + " at " + w.sim().now() / 1_000_000_000L + " s");
            }
        });
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(List.of("RESET at 2 s"), got);
    }

    @Test
    void close_wakesAWriterBlockedOnAFullSendBuffer_withClosed() {
        World w = world(7, SimulatedNetwork.Impairments.NONE);
        List<String> got = new ArrayList<>();
        try {
            w.b().tcp().listen(80, c -> w.sim().sleep().sleep(Duration.ofHours(1)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        Tcp.Connection[] client = new Tcp.Connection[1];
        w.sim().spawn("client", () -> {
            try {
                client[0] = w.a().tcp().connect(B, 80, Duration.ofSeconds(5));
                client[0].writev(ByteBuffer.allocate(100), ByteBuffer.allocate(1 << 20));
                got.add("returned");
            } catch (FlowException e) {
                got.add(e.reason().toString());
            }
        });
        w.sim().spawn("closer", () -> {
            w.sim().sleep().sleep(Duration.ofSeconds(2));
            client[0].close();
        });
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(List.of("CLOSED"), got);
    }

    @Test
    void stackClose_wakesABlockedReader_withAnError() {
        World w = world(5, SimulatedNetwork.Impairments.NONE);
        List<String> got = new ArrayList<>();
        try {
            w.b().tcp().listen(80, c -> w.sim().sleep().sleep(Duration.ofHours(1)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        w.sim().spawn("client", () -> {
            Tcp.Connection c = w.a().tcp().connect(B, 80, Duration.ofSeconds(5));
            try {
                c.read(ByteBuffer.allocate(10));
                got.add("returned");
            } catch (FlowException e) {
                got.add(e.reason().toString());
            }
        });
        w.sim().loop().schedule(2_000_000_000L, w.a()::close);
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(List.of("CLOSED"), got);
    }
}
