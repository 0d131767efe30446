package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.EthernetFrame;
import mirage.net.internal.wire.EthernetRepr;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.Ipv4Repr;
import mirage.net.internal.wire.Parsed;
import mirage.net.internal.wire.UdpPacket;
import mirage.net.internal.wire.UdpRepr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Ethernet &rarr; IPv4 &rarr; UDP through {@code mirage.net.internal.wire}, for a frame of
 * {@code frameBytes} bytes (no FCS; 42 bytes of headers, the rest UDP data):
 * <ul>
 *   <li>{@code parseViews}: check the three views, verify the IPv4 header checksum and the UDP
 *       checksum (pseudo-header and all data): what a receive path does before handing the data
 *       on. Goal: 0 B/op.</li>
 *   <li>{@code parseRecords}: the same plus {@code parse} of the three records (these allocate).</li>
 *   <li>{@code emit}: write the three headers of prepared records in front of the data already
 *       in the buffer, with both checksums.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NetWireBench {

    @Param({"64", "1500"})
    public int frameBytes;

    private ByteBuffer frame;
    private ByteBuffer out;
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ipv4 = new Ipv4Packet();
    private final UdpPacket udp = new UdpPacket();
    private EthernetRepr ethernetRepr;
    private Ipv4Repr ipv4Repr;
    private UdpRepr udpRepr;
    private Ipv4Address source;
    private Ipv4Address destination;

    @Setup
    public void setup() {
        source = Ipv4Address.parse("10.0.0.1");
        destination = Ipv4Address.parse("10.0.0.2");
        int data = frameBytes - 42;
        ethernetRepr = EthernetRepr.of(MacAddress.parse("02:00:00:00:00:02"), MacAddress.parse("02:00:00:00:00:01"),
                EthernetFrame.TYPE_IPV4);
        udpRepr = new UdpRepr(40000, 7, data);
        ipv4Repr = Ipv4Repr.of(source, destination, Ipv4Packet.PROTOCOL_UDP, 64, 1, udpRepr.bufferLen());
        frame = ByteBuffer.allocateDirect(frameBytes);
        for (int i = 42; i < frameBytes; i++) {
            frame.put(i, (byte) (i * 31));
        }
        emitInto(frame);
        out = ByteBuffer.allocateDirect(frameBytes);
        out.put(0, frame, 0, frameBytes);
        if (parseViews() < 0 || !(parseRecords() instanceof Parsed.Ok<UdpRepr>)) {
            throw new IllegalStateException("the benchmark frame does not parse");
        }
    }

    private void emitInto(ByteBuffer b) {
        ethernetRepr.emit(b, 0);
        ipv4Repr.emit(b, 14);
        udpRepr.emit(b, 34, source, destination);
    }

    @Benchmark
    public int parseViews() {
        if (!ethernet.check(frame, 0, frameBytes) || ethernet.etherType() != EthernetFrame.TYPE_IPV4) {
            return -1;
        }
        if (!ipv4.check(frame, ethernet.payloadOffset(), ethernet.payloadLength()) || !ipv4.checksumVerifies()
                || ipv4.protocol() != Ipv4Packet.PROTOCOL_UDP) {
            return -2;
        }
        if (!udp.check(frame, ipv4.payloadOffset(), ipv4.payloadLength())
                || !udp.checksumVerifies(ipv4.source(), ipv4.destination())) {
            return -3;
        }
        return udp.destinationPort() + udp.payloadLength();
    }

    @Benchmark
    public Parsed<UdpRepr> parseRecords() {
        ethernet.check(frame, 0, frameBytes);
        EthernetRepr.parse(ethernet);
        ipv4.check(frame, ethernet.payloadOffset(), ethernet.payloadLength());
        if (!(Ipv4Repr.parse(ipv4) instanceof Parsed.Ok<Ipv4Repr>(Ipv4Repr ip))) {
            throw new IllegalStateException();
        }
        udp.check(frame, ipv4.payloadOffset(), ipv4.payloadLength());
        return UdpRepr.parse(udp, ip.source(), ip.destination());
    }

    @Benchmark
    public ByteBuffer emit() {
        emitInto(out);
        return out;
    }
}
