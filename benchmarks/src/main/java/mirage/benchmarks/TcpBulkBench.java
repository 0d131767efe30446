package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.IpAddress;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import java.util.Optional;
import mirage.net.internal.engine.ipv6.Ipv6Config;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.engine.ipv6.Ipv6Link;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.NetException;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.engine.tcp.TcpConfig;
import mirage.net.internal.engine.tcp.TcpConnection;
import mirage.net.internal.engine.tcp.TcpEngine;
import mirage.net.internal.engine.tcp.TcpEvents;
import mirage.net.internal.wire.Ipv4Packet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bulk TCP between two {@code TcpEngine}s, each over its own {@code Ipv4Engine}, joined by an
 * in-memory link of preallocated slots (no loss, no allocation in the link): one operation moves
 * {@value #BYTES} bytes from a writer on one engine to a reader on the other, through segments,
 * checksums, ACKs and both rings. Throughput in Gbit/s is {@code 8 * 1 MiB / (ns/op)}; with
 * {@code -prof gc}, {@code gc.alloc.rate.norm} divided by about 725 data segments per operation
 * is the allocation per segment (goal 0).
 *
 * <p>{@code mss} sets the link MTU (1500: 1448-byte segments with timestamps; 9000: jumbo).
 *
 * <p>{@code family=ipv6}: the same over two {@code Ipv6Engine}s (2001:db8::1 and ::2, resolved
 * by Neighbor Discovery over the same link during the connect), the segments 20 octets shorter
 * (1428 with timestamps at MTU 1500). Issue 15's goal: at least 0.9x the IPv4 side, 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TcpBulkBench {
    static final int BYTES = 1 << 20;

    @Param({"1500", "9000"})
    public int mtu;

    /** {@code ipv4} or {@code ipv6}: which network layer carries the segments. */
    @Param({"ipv4", "ipv6"})
    public String family;

    /** One direction of the link: a ring of datagram slots delivered in order. */
    static final class Wire implements Ipv4Link, Ipv6Link {
        final int mtu;
        MacAddress mac;
        Ipv6Engine to6;
        final ByteBuffer[] slots = new ByteBuffer[8192];
        int head;
        int count;
        Ipv4Engine to;
        TcpEngine toTcp;

        Wire(int mtu) {
            this.mtu = mtu;
            for (int i = 0; i < slots.length; i++) {
                slots[i] = ByteBuffer.allocate(mtu);
            }
        }

        @Override
        public int mtu() {
            return mtu;
        }

        @Override
        public MacAddress mac() {
            return mac;
        }

        @Override
        public void transmit(long now, Ipv4Address nextHop, ByteBuffer packet) {
            if (count == slots.length) {
                return; // full: dropped like a real queue would
            }
            ByteBuffer s = slots[(head + count) % slots.length];
            s.clear();
            s.put(0, packet, packet.position(), packet.remaining());
            s.limit(packet.remaining());
            count++;
        }

        @Override
        public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
            if (count == slots.length) {
                return;
            }
            ByteBuffer s = slots[(head + count) % slots.length];
            s.clear();
            s.put(0, packet, offset, length);
            s.limit(length);
            count++;
        }

        boolean deliverOne(long now) {
            if (count == 0) {
                return false;
            }
            ByteBuffer s = slots[head];
            head = (head + 1) % slots.length;
            count--;
            if (to6 != null) {
                Ipv6Packet p = to6.receive(now, s, 0, s.limit());
                if (p != null) { // IPv6, then ICMPv6 (Neighbor Discovery) or TCP, as the stack's binding
                    Ipv6HeaderChain chain = to6.chain();
                    if (chain.upperLayerProtocol() == Ipv6Packet.NEXT_HEADER_TCP) {
                        toTcp.receive(now, p, chain.upperLayerOffset(), chain.upperLayerLength());
                    } else if (chain.upperLayerProtocol() == Ipv6Packet.NEXT_HEADER_ICMPV6) {
                        to6.icmp(now, p);
                    }
                }
                return true;
            }
            Ipv4Packet datagram = to.receive(now, s, 0, s.limit());
            if (datagram != null) {
                toTcp.receive(now, datagram); // IPv4, then TCP, as the stack's binding hands it up
            }
            return true;
        }
    }

    private Wire ab;
    private Wire ba;
    private TcpEngine a;
    private TcpEngine b;
    private TcpConnection writer;
    private TcpConnection reader;
    private ByteBuffer source;
    private ByteBuffer sink;
    private long now;

    @Setup(Level.Trial)
    public void setup() throws NetException {
        ab = new Wire(mtu);
        ba = new Wire(mtu);
        Ipv4Engine ipA = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.1/24")), List.of()), ab, Rng.seeded(1));
        Ipv4Engine ipB = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of()), ba, Rng.seeded(2));
        ab.to = ipB;
        ba.to = ipA;
        TcpConfig config = TcpConfig.DEFAULT.withBuffers(1 << 20, 1 << 20);
        IpAddress server = Ipv4Address.parse("10.0.0.2");
        Ipv6Engine ip6A = null;
        Ipv6Engine ip6B = null;
        switch (family) {
            case "ipv4" -> { }
            case "ipv6" -> {
                ab.mac = MacAddress.parse("02:00:00:00:00:01");
                ba.mac = MacAddress.parse("02:00:00:00:00:02");
                ip6A = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(ab.mac), Ipv6Cidr.parse("2001:db8::1/64")),
                        Optional.empty(), NdpConfig.defaults()), ab, Rng.seeded(5), now);
                ip6B = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(ba.mac), Ipv6Cidr.parse("2001:db8::2/64")),
                        Optional.empty(), NdpConfig.defaults()), ba, Rng.seeded(6), now);
                ab.to6 = ip6B;
                ba.to6 = ip6A;
                // up (decision 0070): addresses without DAD in the short configuration; the MLD
                // reports and solicitations the start sends go through the pump below
                ip6A.start(now);
                ip6B.start(now);
                server = Ipv6Address.parse("2001:db8::2");
            }
            default -> throw new IllegalArgumentException("family is ipv4 or ipv6, got " + family);
        }
        a = new TcpEngine(ipA, ip6A, config, Rng.seeded(3));
        b = new TcpEngine(ipB, ip6B, config, Rng.seeded(4));
        ab.toTcp = b;
        ba.toTcp = a;
        TcpConnection[] accepted = new TcpConnection[1];
        b.events(new TcpEvents() {
            @Override
            public void accepted(TcpConnection c) {
                accepted[0] = c;
            }
        });
        b.listen(5001, 8);
        writer = a.connect(now, null, server, 5001, 10_000_000_000L);
        pump();
        reader = accepted[0];
        if (reader == null) {
            throw new IllegalStateException("no connection");
        }
        source = ByteBuffer.allocate(256 * 1024);
        sink = ByteBuffer.allocate(256 * 1024);
    }

    private void pump() {
        boolean moved = true;
        while (moved) {
            moved = false;
            while (ab.deliverOne(now)) {
                moved = true;
            }
            while (ba.deliverOne(now)) {
                moved = true;
            }
        }
        now += 1000;
        a.poll(now);
        b.poll(now);
        if (ab.to6 != null) { // the neighbour caches' timers, as the stack's loop runs them
            ab.to6.poll(now);
            ba.to6.poll(now);
        }
    }

    @Benchmark
    public long bulk() {
        long read = 0;
        int written = 0;
        while (read < BYTES) {
            while (written < BYTES) {
                source.clear().limit(Math.min(source.capacity(), BYTES - written));
                int n = writer.write(now, source);
                if (n <= 0) {
                    break;
                }
                written += n;
            }
            pump();
            int n;
            while ((n = reader.read(now, sink.clear())) > 0) {
                read += n;
            }
        }
        return read;
    }
}
