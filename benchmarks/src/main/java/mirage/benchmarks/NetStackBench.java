package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.IpAddress;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv6.Ipv6Config;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.engine.ipv6.Ipv6Link;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.engine.udp.UdpEngine;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.Stack;
import mirage.time.Simulation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Frames per second through the whole direct stack ({@code Stack.direct}) on an in-memory
 * link, on a simulation's loop (the benchmark thread is the loop's thread):
 * <ul>
 *   <li>{@code receive}: one Ethernet frame carrying IPv4+UDP handed to the stack as the
 *       interface's receiver gets it: Ethernet demultiplexing, IPv4 checks and checksum, UDP
 *       checks and checksum, the port's receiver (reads one byte), and the binding's timer
 *       bookkeeping.</li>
 *   <li>{@code send}: {@code stack.udp().send} through the public API: UDP and IPv4 headers and
 *       checksums, ARP lookup (resolved), the Ethernet header, the interface's send (reads one
 *       byte).</li>
 * </ul>
 * Goal (issue 5): 0 B/op in steady state.
 *
 * <p>{@code family=ipv6}: the same through an IPv6-only direct stack (IPv6 checks and the
 * extension-header chain, the neighbour cache's lookup on send), the peer resolved in the setup
 * by a real Neighbor Solicitation that the stack answers. Issue 15's goal: at least 0.9x the
 * IPv4 side, 0 B/op.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NetStackBench {

    @Param({"64", "1452"})
    public int payloadBytes;

    private static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final MacAddress PEER_MAC = MacAddress.parse("02:00:00:00:00:03");
    private static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.3");
    private static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    private static final Ipv6Address PEER6 = Ipv6Address.parse("2001:db8::3");
    private static final Ipv6Address US6 = Ipv6Address.parse("2001:db8::2");

    /** {@code ipv4} or {@code ipv6}: which network layer carries the datagram. */
    @Param({"ipv4", "ipv6"})
    public String family;

    private IpAddress peer;

    private Simulation sim;
    private DirectStack stack;
    private MemoryLink link;
    private ByteBuffer frame;
    private ByteBuffer payload;

    /** The in-memory link: frames sent are read and dropped; received ones are pushed by the benchmark. */
    static final class MemoryLink implements Netif {
        final Blackhole sink;
        FrameReceiver receiver;
        long sent;
        /** Copies of the frames sent, while not null. */
        List<byte[]> kept;

        MemoryLink(Blackhole sink) {
            this.sink = sink;
        }

        @Override
        public MacAddress mac() {
            return OUR_MAC;
        }

        @Override
        public int mtu() {
            return 1500;
        }

        @Override
        public void send(ByteBuffer f) {
            if (kept != null) {
                byte[] copy = new byte[f.remaining()];
                f.get(f.position(), copy);
                kept.add(copy);
            }
            sink.consume(f.get(f.limit() - 1));
            sent++;
        }

        @Override
        public void listen(FrameReceiver r) {
            this.receiver = r;
        }

        @Override
        public Stats stats() {
            return new Stats(0, 0, 0, 0, sent, 0, 0, 0);
        }

        @Override
        public void close() {}
    }

    @Setup
    public void setup(Blackhole blackhole) throws NetException {
        sim = Simulation.create(1);
        link = new MemoryLink(blackhole);
        switch (family) {
            case "ipv4" -> stack = Stack.direct(link, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(2));
            case "ipv6" -> stack = Stack.direct(link, new NetConfig.DualStack(Optional.empty(), Optional.of(
                    new NetConfig.Ipv6Config(Optional.of(Ipv6Cidr.parse("2001:db8::2/64")), Optional.empty(), false))),
                    sim.loop(), Rng.seeded(2));
            default -> throw new IllegalArgumentException("family is ipv4 or ipv6, got " + family);
        }
        if (family.equals("ipv6")) {
            sim.runFor(Duration.ofSeconds(3)); // Duplicate Address Detection of our addresses (decision 0070)
            if (stack.ipv6().addresses().size() < 2) {
                throw new IllegalStateException("our IPv6 addresses did not pass DAD: " + stack.ipv6().addressStates());
            }
        }
        stack.udp().listen(7, (source, sourcePort, destination, data) -> blackhole.consume(data.get(data.position())));
        payload = ByteBuffer.allocateDirect(payloadBytes);
        for (int i = 0; i < payloadBytes; i++) {
            payload.put(i, (byte) i);
        }
        if (family.equals("ipv6")) {
            frame = resolveIpv6Peer(payload);
            peer = PEER6;
        } else {
            // The peer asks for our address: as RFC 826 says, we learn its MAC from the request,
            // so sends need no resolution in the measured loop.
            link.receiver.receive(arpRequestFromPeer());
            if (stack.arp().query(PEER).isEmpty()) {
                throw new IllegalStateException("our ARP cache did not learn the peer from its request");
            }
            frame = buildDatagramFrame();
            peer = PEER;
        }
        long before = stack.udp().stats().datagramsReceived();
        receive();
        if (stack.udp().stats().datagramsReceived() != before + 1) {
            throw new IllegalStateException("the prepared frame is not received as a datagram: " + stack.udp().stats()
                    + " " + (family.equals("ipv6") ? stack.ipv6().stats() : stack.ipv4().stats()) + " " + stack.ethernet().stats());
        }
    }

    /**
     * A peer's IPv6 and UDP engines send us a datagram: their Neighbor Solicitation for our
     * address goes to the stack (which learns the peer's link-layer address from it and
     * answers), our Neighbor Advertisement back to the peer, which then releases the datagram.
     * Returns it as the Ethernet frame {@link #receive} hands in.
     */
    private ByteBuffer resolveIpv6Peer(ByteBuffer data) {
        List<byte[]> fromPeer = new ArrayList<>();
        Ipv6Link peerLink = new Ipv6Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public MacAddress mac() {
                return PEER_MAC;
            }

            @Override
            public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
                ByteBuffer f = ByteBuffer.allocateDirect(14 + length);
                destination.write(f, 0);
                PEER_MAC.write(f, 6);
                f.putShort(12, (short) 0x86DD);
                f.put(14, packet, offset, length);
                byte[] copy = new byte[f.capacity()];
                f.get(0, copy);
                fromPeer.add(copy);
            }
        };
        Ipv6Engine peerIp = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(PEER_MAC),
                Ipv6Cidr.parse("2001:db8::3/64")), Optional.empty(), NdpConfig.defaults()), peerLink, Rng.seeded(6), 0);
        peerIp.start(0); // up (decision 0070): its addresses without DAD in the short configuration
        fromPeer.clear(); // what the start sent (MLD reports, solicitations) is not this set-up's
        Ipv4Engine unused = NetEngineBench.silentIpv4("10.0.0.3/24", 3);
        new UdpEngine(unused, peerIp, Rng.seeded(4)).send(0, 5000, US6, 7, data);
        if (fromPeer.size() != 1) {
            throw new IllegalStateException("the peer did not solicit our address: " + fromPeer.size());
        }
        link.kept = new ArrayList<>();
        link.receiver.receive(ByteBuffer.wrap(fromPeer.remove(0)));
        for (byte[] f : link.kept) { // our advertisement
            Ipv6Packet p = peerIp.receive(0, ByteBuffer.wrap(f), 14, f.length - 14);
            if (p != null && peerIp.chain().upperLayerProtocol() == Ipv6Packet.NEXT_HEADER_ICMPV6) {
                peerIp.icmp(0, p);
            }
        }
        link.kept = null;
        if (fromPeer.size() != 1) {
            throw new IllegalStateException("the peer did not release its datagram after our advertisement: " + fromPeer.size());
        }
        byte[] f = fromPeer.remove(0);
        return ByteBuffer.allocateDirect(f.length).put(f).flip();
    }

    private static ByteBuffer arpRequestFromPeer() {
        ByteBuffer f = ByteBuffer.allocate(42);
        MacAddress.BROADCAST.write(f, 0);
        PEER_MAC.write(f, 6);
        f.putShort(12, (short) 0x0806);
        f.putShort(14, (short) 1); // Ethernet
        f.putShort(16, (short) 0x0800); // IPv4
        f.put(18, (byte) 6);
        f.put(19, (byte) 4);
        f.putShort(20, (short) 1); // request
        PEER_MAC.write(f, 22);
        f.putInt(28, PEER.bits());
        f.putInt(38, US.bits());
        return f;
    }

    /** An Ethernet+IPv4+UDP frame from the peer to us, built with the wire layout directly. */
    private ByteBuffer buildDatagramFrame() {
        int udpLength = 8 + payloadBytes;
        int ipLength = 20 + udpLength;
        ByteBuffer f = ByteBuffer.allocateDirect(14 + ipLength);
        OUR_MAC.write(f, 0);
        PEER_MAC.write(f, 6);
        f.putShort(12, (short) 0x0800);
        f.put(14, (byte) 0x45);
        f.putShort(16, (short) ipLength);
        f.put(22, (byte) 64);
        f.put(23, (byte) 17);
        f.putInt(26, PEER.bits());
        f.putInt(30, US.bits());
        f.putShort(24, (short) checksum(f, 14, 20, 0));
        f.putShort(34, (short) 5000);
        f.putShort(36, (short) 7);
        f.putShort(38, (short) udpLength);
        for (int i = 0; i < payloadBytes; i++) {
            f.put(42 + i, (byte) i);
        }
        long pseudo = (PEER.bits() >>> 16) + (PEER.bits() & 0xffff) + (US.bits() >>> 16)
                + (US.bits() & 0xffff) + 17 + udpLength;
        int c = checksum(f, 34, udpLength, pseudo);
        f.putShort(40, (short) (c == 0 ? 0xffff : c));
        return f;
    }

    private static int checksum(ByteBuffer b, int offset, int length, long start) {
        long sum = start;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += b.getShort(offset + i) & 0xffff;
        }
        if ((length & 1) != 0) {
            sum += (b.get(offset + length - 1) & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    @Benchmark
    public void receive() {
        link.receiver.receive(frame);
    }

    @Benchmark
    public void send() throws NetException {
        stack.udp().send(5000, peer, 7, payload);
    }
}
