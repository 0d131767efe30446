package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import mirage.net.NetException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two TCP engines over IPv4 engines joined by a seeded impaired link on virtual time (5% loss,
 * 5% reordering, 1% duplication, 1% corruption): a bulk transfer both ways, received bytes hash
 * equal to those sent, nothing hangs, and afterwards neither engine holds a connection or a
 * timer. The seed also picks the variant: CUBIC or NewReno; window scaling, timestamps and SACK
 * on or off; 256 KiB or 8 KiB buffers; a 1500 or 576 byte MTU; a reader that keeps up or one
 * that reads 4 KiB every 5 ms (so windows close and open). {@value #SEEDS} seeds in the build; {@code -Dmirage.tcp.seeds=N} runs more, and
 * {@code -Dmirage.tcp.bytes=N} changes the size of each direction.
 */
class TcpSimulationTest {
    static final int SEEDS = 200;
    static final long LIMIT = 3_600_000_000_000L; // an hour of virtual time: past it, the transfer hung

    static Stream<Arguments> seeds() {
        int n = Integer.getInteger("mirage.tcp.seeds", SEEDS);
        long first = Long.getLong("mirage.tcp.seed", 0);
        return LongStream.range(first, first + n).mapToObj(seed -> Arguments.of(seed,
                seed % 2 == 0 ? CongestionControl.Kind.CUBIC : CongestionControl.Kind.NEW_RENO,
                seed % 5 != 4));
    }

    @ParameterizedTest(name = "seed {0} {1} extensions={2}")
    @MethodSource("seeds")
    void lossyLink_bulkBothWays_bytesEqualAndNothingLeft(long seed, CongestionControl.Kind cc, boolean extensions)
            throws NetException {
        simulate(seed, cc, extensions, 0);
    }

    /**
     * TCP segmentation offload (docs/decisions/0027) on both hosts, the link cutting each
     * super-segment as a NIC would before the impairments: every datagram on the wire, in order,
     * is what the same seed puts there without offload, through loss, reordering, SACK recovery
     * and closing windows; and super-segments were sent.
     */
    @ParameterizedTest(name = "seed {0} {1} extensions={2}")
    @MethodSource("offloadSeeds")
    void offload_sameDatagramsOnTheWireAsWithout(long seed, CongestionControl.Kind cc, boolean extensions) throws NetException {
        Outcome plain = simulate(seed, cc, extensions, 0);
        Outcome offload = simulate(seed, cc, extensions, 0xffff);
        assertEquals(plain.datagrams(), offload.datagrams(), "datagrams on the wire");
        assertArrayEquals(plain.wire(), offload.wire(), "the same datagrams");
        assertTrue(offload.superSegments() > 0, "super-segments sent");
        assertEquals(0, plain.superSegments());
    }

    static Stream<Arguments> offloadSeeds() {
        return seeds().limit(Integer.getInteger("mirage.tcp.offloadSeeds", 40));
    }

    /** What one simulation put on the wire: a SHA-256 over every datagram in order, how many, and the super-segments. */
    record Outcome(byte[] wire, long datagrams, long superSegments) {}

    private Outcome simulate(long seed, CongestionControl.Kind cc, boolean extensions, int segmentation) throws NetException {
        int bytes = Integer.getInteger("mirage.tcp.bytes", 1 << 20);
        TcpConfig config = TcpConfig.DEFAULT.withCongestionControl(cc).withTimeWait(2_000_000_000L)
                .withExtensions(extensions, extensions, extensions);
        if (seed % 4 == 1) {
            config = config.withBuffers(8192, 8192);
        }
        int mtu = seed % 7 == 3 ? 576 : 1500;
        boolean slowReader = seed % 3 == 0;
        if (slowReader) {
            bytes = Math.min(bytes, 256 * 1024); // 4 KiB per 5 ms: 320 ms of virtual time
        }
        int size = bytes;
        SimNet net = new SimNet(seed, SimNet.Impairments.LOSSY);
        SimNet.Node a = net.node("10.0.0.1/24", mtu, config);
        SimNet.Node b = net.node("10.0.0.2/24", mtu, config);
        a.segmentation = segmentation;
        b.segmentation = segmentation;
        java.security.MessageDigest wire = Transfer.sha256();
        long[] datagrams = {0};
        net.tap = (n, d) -> {
            wire.update(d);
            datagrams[0]++;
        };
        List<Transfer> ends = new ArrayList<>();
        List<Termination> closes = new ArrayList<>();
        b.tcp.listen(80, 16);
        b.tcp.events(new TcpEvents() {
            @Override
            public void accepted(TcpConnection c) {
                Transfer t = new Transfer(c, seed * 2 + 1, size);
                t.readPause = slowReader ? 5_000_000L : 0;
                ends.add(t);
            }

            @Override
            public void closed(TcpConnection c, Termination reason) {
                closes.add(reason);
            }
        });
        a.tcp.events(new TcpEvents() {
            @Override
            public void closed(TcpConnection c, Termination reason) {
                closes.add(reason);
            }
        });
        TcpConnection client = a.tcp.connect(0, null, b.address, 80, 60_000_000_000L);
        Transfer clientEnd = new Transfer(client, seed * 2, size);
        clientEnd.readPause = slowReader ? 5_000_000L : 0;
        ends.add(clientEnd);
        long steps = 0;
        while (net.now < LIMIT && steps++ < 20_000_000) {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (int i = 0; i < ends.size(); i++) {
                    moved |= ends.get(i).pump(net.now);
                }
            }
            if (ends.size() == 2 && ends.stream().allMatch(Transfer::done)) {
                break;
            }
            long wake = Long.MAX_VALUE;
            for (Transfer t : ends) {
                wake = Math.min(wake, t.wake(net.now));
            }
            if (!net.step(LIMIT, wake)) {
                break;
            }
        }
        assertEquals(2, ends.size(), "accepted");
        Transfer serverEnd = ends.get(1);
        assertTrue(clientEnd.done() && serverEnd.done(), () -> "hung at " + net.now + ": " + client + " / "
                + serverEnd.connection + " written " + clientEnd.written + "/" + serverEnd.written + " received "
                + clientEnd.received + "/" + serverEnd.received);
        assertArrayEquals(Transfer.hash(serverEnd.out), clientEnd.digest.digest(),
                () -> "server to client, first difference at " + clientEnd.firstDifference(serverEnd.out));
        assertArrayEquals(Transfer.hash(clientEnd.out), serverEnd.digest.digest(),
                () -> "client to server, first difference at " + serverEnd.firstDifference(clientEnd.out));
        // Then let TIME-WAIT and every other timer run out.
        while (net.step(LIMIT) && net.now < LIMIT) {
            if (a.tcp.connections() + b.tcp.connections() == 0 && net.inFlight() == 0) {
                break;
            }
        }
        assertEquals(0, a.tcp.connections(), "connections left on a");
        assertEquals(0, b.tcp.connections(), "connections left on b");
        assertEquals(0, a.tcp.timers() + b.tcp.timers(), "timers left");
        assertEquals(List.of(Termination.NORMAL, Termination.NORMAL), closes);
        assertNotNull(client.termination());
        assertTrue(net.lost > 0, "the link lost datagrams");
        assertTrue(a.tcp.stats().retransmittedSegments() + b.tcp.stats().retransmittedSegments() > 0, "retransmitted");
        return new Outcome(wire.digest(), datagrams[0], a.superSegments + b.superSegments);
    }
}
