package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.engine.ipv6.Ipv6Config;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.engine.ipv6.Ipv6Link;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.engine.udp.UdpEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import java.util.ArrayList;
import java.util.Optional;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A UDP datagram of {@code payloadBytes} through the IPv4 and UDP engines of
 * {@code mirage.net.internal.engine} (no fragmentation: 64 and 1452 bytes fit a 1500 MTU in one IPv6 packet as in one IPv4 one):
 * <ul>
 *   <li>{@code receive}: {@code Ipv4Engine.receive} of a prepared IPv4+UDP datagram (header
 *       checks and checksum), then {@code UdpEngine.receive} of what it returns, as the
 *       direct stack hands it up: UDP checks and checksum, the listener's callback (which
 *       reads one byte). Goal: 0 B/op.</li>
 *   <li>{@code send}: {@code UdpEngine.send}: source and route choice, UDP header and checksum,
 *       IPv4 header and checksum, copy to the link's buffer (the link reads one byte).</li>
 * </ul>
 * {@code family=ipv6} does the same through {@code Ipv6Engine} (fixed header and address
 * checks, the extension-header chain's walk, the pseudo-header of 128-bit addresses; on send
 * the neighbour cache's lookup of the peer, resolved in the setup by a real Neighbor
 * Solicitation and Advertisement between the two engines). Issue 15's goal: at least 0.9x the
 * IPv4 side's speed, 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NetEngineBench {

    @Param({"64", "1452"})
    public int payloadBytes;

    /** {@code ipv4} or {@code ipv6}: which network layer carries the datagram. */
    @Param({"ipv4", "ipv6"})
    public String family;

    private static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    private static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.3");
    private static final Ipv6Address US6 = Ipv6Address.parse("2001:db8::2");
    private static final Ipv6Address PEER6 = Ipv6Address.parse("2001:db8::3");
    private static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:03");

    private Ipv6Engine ip6;
    private IpAddress peer;
    private Ipv4Engine ip;
    private UdpEngine udp;
    private ByteBuffer datagram;
    private ByteBuffer payload;
    private Blackhole sink;
    private long now;

    @Setup
    public void setup(Blackhole blackhole) {
        sink = blackhole;
        Ipv4Link link = new Ipv4Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void transmit(long at, Ipv4Address nextHop, ByteBuffer packet) {
                sink.consume(packet.get(packet.limit() - 1));
            }
        };
        ip = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of()), link, Rng.seeded(1));
        udp = new UdpEngine(ip, Rng.seeded(2));
        udp.listen(7, (at, source, sourcePort, destination, data) -> sink.consume(data.get(data.position())));
        payload = ByteBuffer.allocateDirect(payloadBytes);
        for (int i = 0; i < payloadBytes; i++) {
            payload.put(i, (byte) i);
        }
        // Build the received datagram with the peer's own engines.
        ByteBuffer[] captured = new ByteBuffer[1];
        Ipv4Engine peerIp = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.3/24")), List.of()),
                new Ipv4Link() {
                    @Override
                    public int mtu() {
                        return 1500;
                    }

                    @Override
                    public void transmit(long at, Ipv4Address nextHop, ByteBuffer packet) {
                        captured[0] = ByteBuffer.allocateDirect(packet.remaining()).put(packet.duplicate()).flip();
                    }
                }, Rng.seeded(3));
        new UdpEngine(peerIp, Rng.seeded(4)).send(0, 5000, US, 7, payload);
        datagram = captured[0];
        peer = PEER;
        switch (family) {
            case "ipv4" -> { }
            case "ipv6" -> setupIpv6();
            default -> throw new IllegalArgumentException("family is ipv4 or ipv6, got " + family);
        }
    }

    /** A link that keeps copies of what is sent while {@code keep} is set, else reads one byte. */
    final class Link6 implements Ipv6Link {
        final MacAddress mac;
        final List<byte[]> kept = new ArrayList<>();
        boolean keep = true;

        Link6(MacAddress mac) {
            this.mac = mac;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public MacAddress mac() {
            return mac;
        }

        @Override
        public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
            if (keep) {
                kept.add(java.util.Arrays.copyOfRange(packet, offset, offset + length));
            } else {
                sink.consume(packet[offset + length - 1]);
            }
        }
    }

    /**
     * Our IPv6 and UDP engines (the IPv4 engine above stays, unused, as in a dual stack) and a
     * peer's: the peer's first datagram to us makes it solicit our address; our advertisement
     * resolves it and releases the datagram, which becomes the one {@link #receive} takes; the
     * solicitation taught us the peer's link-layer address for {@link #send}.
     */
    private void setupIpv6() {
        Link6 ours = new Link6(OUR_MAC);
        ip6 = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(OUR_MAC), Ipv6Cidr.parse("2001:db8::2/64")),
                Optional.empty(), NdpConfig.defaults()), ours, Rng.seeded(5), 0);
        udp = new UdpEngine(ip, ip6, Rng.seeded(2));
        udp.listen(7, (at, source, sourcePort, destination, data) -> sink.consume(data.get(data.position())));
        Link6 theirs = new Link6(PEER_MAC);
        Ipv6Engine peerIp6 = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(PEER_MAC),
                Ipv6Cidr.parse("2001:db8::3/64")), Optional.empty(), NdpConfig.defaults()), theirs, Rng.seeded(6), 0);
        // up (decision 0070): the short configuration assigns its addresses without DAD; what the
        // start sends (MLD reports, solicitations) is not this benchmark's
        ip6.start(0);
        peerIp6.start(0);
        ours.kept.clear();
        theirs.kept.clear();
        UdpEngine peerUdp = new UdpEngine(silentIpv4("10.0.0.3/24", 3), peerIp6, Rng.seeded(4));
        peerUdp.send(0, 5000, US6, 7, payload);
        exchange(theirs, ip6); // the solicitation, to us; our advertisement stays in ours.kept
        exchange(ours, peerIp6); // the advertisement, to the peer, which sends the datagram
        if (theirs.kept.size() != 1) {
            throw new IllegalStateException("the peer did not release its datagram after our advertisement: " + theirs.kept.size());
        }
        byte[] d = theirs.kept.remove(0);
        datagram = ByteBuffer.allocateDirect(d.length).put(d).flip();
        ours.keep = false;
        peer = PEER6;
        if (udp.receive(0, ip6.receive(0, datagram, 0, datagram.limit()), ip6.chain().upperLayerOffset(),
                ip6.chain().upperLayerLength()) != UdpEngine.Delivery.DELIVERED) {
            throw new IllegalStateException("the prepared IPv6 datagram is not delivered: " + ip6.stats());
        }
    }

    /** An IPv4 engine at {@code cidr} whose link drops what it is given: the unused half of a dual stack's UDP engine. */
    static Ipv4Engine silentIpv4(String cidr, long seed) {
        return new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse(cidr)), List.of()), new Ipv4Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void transmit(long at, Ipv4Address nextHop, ByteBuffer packet) {}
        }, Rng.seeded(seed));
    }

    /** Every packet {@code from} kept, through {@code to}'s receive and ICMPv6 (Neighbor Discovery). */
    private static void exchange(Link6 from, Ipv6Engine to) {
        List<byte[]> packets = new ArrayList<>(from.kept);
        from.kept.clear();
        for (byte[] p : packets) {
            Ipv6Packet received = to.receive(0, ByteBuffer.wrap(p), 0, p.length);
            if (received == null || to.chain().upperLayerProtocol() != Ipv6Packet.NEXT_HEADER_ICMPV6) {
                throw new IllegalStateException("not an ICMPv6 message for the other engine: " + to.stats());
            }
            to.icmp(0, received);
        }
    }

    /** IPv4 (or IPv6), then UDP: the datagram handed up as the direct stack's binding hands it. */
    @Benchmark
    public UdpEngine.Delivery receive() {
        long at = ++now;
        if (ip6 != null) {
            Ipv6Packet p = ip6.receive(at, datagram, 0, datagram.limit());
            Ipv6HeaderChain chain = ip6.chain();
            return udp.receive(at, p, chain.upperLayerOffset(), chain.upperLayerLength());
        }
        return udp.receive(at, ip.receive(at, datagram, 0, datagram.limit()));
    }

    @Benchmark
    public Ipv4Engine.Outcome send() {
        return udp.send(++now, 5000, peer, 7, payload);
    }
}
