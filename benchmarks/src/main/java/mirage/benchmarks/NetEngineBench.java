package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.engine.udp.UdpEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A UDP datagram of {@code payloadBytes} through the IPv4 and UDP engines of
 * {@code mirage.net.internal.engine} (no fragmentation: 64 and 1472 bytes fit a 1500 MTU):
 * <ul>
 *   <li>{@code receive}: {@code Ipv4Engine.receive} of a prepared IPv4+UDP datagram (header
 *       checks and checksum), then {@code UdpEngine.receive} of what it returns, as the
 *       direct stack hands it up: UDP checks and checksum, the listener's callback (which
 *       reads one byte). Goal: 0 B/op.</li>
 *   <li>{@code send}: {@code UdpEngine.send}: source and route choice, UDP header and checksum,
 *       IPv4 header and checksum, copy to the link's buffer (the link reads one byte).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NetEngineBench {

    @Param({"64", "1472"})
    public int payloadBytes;

    private static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    private static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.3");

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
    }

    /** IPv4, then UDP: the datagram handed up as the direct stack's binding hands it. */
    @Benchmark
    public UdpEngine.Delivery receive() {
        long at = ++now;
        return udp.receive(at, ip.receive(at, datagram, 0, datagram.limit()));
    }

    @Benchmark
    public Ipv4Engine.Outcome send() {
        return udp.send(++now, 5000, PEER, 7, payload);
    }
}
