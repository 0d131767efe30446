package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import mirage.core.Flow;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv6Address;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.TcpSegmenter;
import mirage.time.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP segmentation offload over IPv6 (decision 0072): a dual stack on an interface whose offload
 * takes TCP/IPv6 frames ({@link Netif.TcpSegmentation#ipv6()}) sends its bulk data as
 * super-segments of EtherType 0x86DD, which the interface cuts as a device would
 * ({@link TcpSegmenter}, checked by it), and the peer, on the same simulated switch, gets every
 * byte; an interface whose offload is IPv4-only gets only segments of at most the MSS over IPv6.
 */
class Ipv6SegmentationOffloadTest {

    /** A switch port with segmentation offload: super-frames are checked, cut in software and sent, and counted by family. */
    static final class Offloading implements Netif {
        final Netif inner;
        final boolean ipv6;
        final TcpSegmenter segmenter;
        long ipv4Frames;
        long ipv6Frames;
        /** Segments cut from every super-frame, and the fewest from one. */
        long segmentsCut;
        long fewestSegments = Long.MAX_VALUE;
        long longestPlainFrame;

        Offloading(Netif inner, boolean ipv6) {
            this.inner = inner;
            this.ipv6 = ipv6;
            this.segmenter = new TcpSegmenter(TcpSegmenter.ETHERNET, EthernetFrame.HEADER_LENGTH + inner.mtu());
        }

        @Override
        public MacAddress mac() {
            return inner.mac();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public void send(ByteBuffer frame) throws NetException {
            longestPlainFrame = Math.max(longestPlainFrame, frame.remaining());
            inner.send(frame);
        }

        @Override
        public void listen(FrameReceiver receiver) {
            inner.listen(receiver);
        }

        @Override
        public Stats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public Optional<TcpSegmentation> tcpSegmentation() {
            return Optional.of(new TcpSegmentation() {
                @Override
                public int maxFrame() {
                    return EthernetFrame.HEADER_LENGTH + 65535;
                }

                @Override
                public boolean ipv6() {
                    return ipv6;
                }

                @Override
                public void send(ByteBuffer frame, int segmentSize) throws NetException {
                    boolean v6 = frame.getShort(frame.position() + EthernetFrame.TYPE) == (short) EthernetFrame.TYPE_IPV6;
                    assertTrue(!v6 || ipv6, "a TCP/IPv6 super-frame on an IPv4-only offload");
                    if (v6) {
                        ipv6Frames++;
                    } else {
                        ipv4Frames++;
                    }
                    NetException[] failed = new NetException[1];
                    int n = segmenter.segment(frame, segmentSize, segment -> {
                        try {
                            inner.send(segment);
                        } catch (NetException e) {
                            failed[0] = e;
                        }
                    });
                    segmentsCut += n;
                    fewestSegments = Math.min(fewestSegments, n);
                    if (failed[0] != null) {
                        throw failed[0];
                    }
                }
            });
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bulkOverIpv6_superSegmentsOnlyWhenTheOffloadTakesIpv6_everyByteArrives(boolean ipv6Offload) throws Exception {
        Simulation sim = Simulation.create(11);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(12), SimulatedNetwork.Impairments.NONE);
        Offloading port = new Offloading(net.port("a", MacAddress.parse("02:00:00:00:00:02"), 1500), ipv6Offload);
        DirectStack a = Stack.direct(port, DualStackTest.dual("10.0.0.2/24", "2001:db8::2/64"), sim.loop(), Rng.seeded(13));
        DirectStack b = Stack.direct(net.port("b", MacAddress.parse("02:00:00:00:00:03"), 1500),
                DualStackTest.dual("10.0.0.3/24", "2001:db8::3/64"), sim.loop(), Rng.seeded(14));
        DualStackTest.awaitAddresses(sim);
        byte[] data = TcpStackTest.bytes(3_000_000, 15);
        byte[][] got = new byte[1][];
        b.tcp().listen(80, c -> got[0] = TcpStackTest.readAll(c));
        sim.spawn("sender", () -> {
            try (Tcp.Connection c = a.tcp().connect(Ipv6Address.parse("2001:db8::3"), 80, Duration.ofSeconds(30))) {
                TcpStackTest.writeAll(c, data, 16);
                c.shutdown(Flow.Direction.WRITE);
                TcpStackTest.readAll(c);
            }
        });
        Simulation.Outcome o = sim.runFor(Duration.ofMinutes(5));
        assertEquals(0, o.tasksFailed(), () -> String.valueOf(sim.trace()));
        assertEquals(TcpStackTest.sha(data), TcpStackTest.sha(got[0]), "every byte, in order");
        assertEquals(0, port.ipv4Frames, "no IPv4 in this test");
        if (ipv6Offload) {
            // every super-frame holds at least two segments (of 1428 octets: 1500 - 60 - 12 of timestamps),
            // and most of the 3 MB went in them
            assertTrue(port.ipv6Frames > 0, "super-frames over IPv6");
            assertTrue(port.fewestSegments >= 2, "fewest segments in a super-frame: " + port.fewestSegments);
            assertTrue(port.segmentsCut * 1428 >= data.length / 2, port.segmentsCut + " segments in " + port.ipv6Frames + " super-frames");
        } else {
            assertEquals(0, port.ipv6Frames);
        }
        assertTrue(port.longestPlainFrame <= 14 + 1500, "plain frames within the MTU: " + port.longestPlainFrame);
    }
}
