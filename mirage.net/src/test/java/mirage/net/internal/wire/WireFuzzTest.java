package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;

/**
 * One fuzz test per parser: any bytes are checked, every accessor read and the record parsed;
 * nothing may throw, and what parses re-emits to bytes that parse to the same record. Seeds are
 * the golden frames (whole frames for Ethernet, the layer's own bytes for the others) under
 * {@code src/test/resources/mirage/net/internal/wire/WireFuzzTestInputs/<method>/}.
 */
class WireFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void ethernet(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Exercise.ethernet(b, 0, data.length);
        EthernetFrame f = new EthernetFrame();
        if (f.check(b, 0, data.length) && EthernetRepr.parse(f) instanceof Parsed.Ok<EthernetRepr>(EthernetRepr e)) {
            ByteBuffer out = ByteBuffer.allocate(e.bufferLen());
            e.emit(out, 0);
            EthernetFrame g = new EthernetFrame();
            g.check(out, 0, out.limit());
            assertEquals(Parsed.ok(e), EthernetRepr.parse(g));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void arp(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Exercise.arp(b, 0, data.length);
        ArpPacket p = new ArpPacket();
        if (p.check(b, 0, data.length) && ArpRepr.parse(p) instanceof Parsed.Ok<ArpRepr>(ArpRepr a)) {
            ByteBuffer out = ByteBuffer.allocate(a.bufferLen());
            a.emit(out, 0);
            ArpPacket q = new ArpPacket();
            q.check(out, 0, out.limit());
            assertEquals(Parsed.ok(a), ArpRepr.parse(q));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void ipv4(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Exercise.ipv4(b, 0, data.length);
        Ipv4Packet p = new Ipv4Packet();
        if (p.check(b, 0, data.length) && Ipv4Repr.parse(p) instanceof Parsed.Ok<Ipv4Repr>(Ipv4Repr ip)) {
            ByteBuffer out = ByteBuffer.allocate(ip.totalLength());
            ip.emit(out, 0);
            Ipv4Packet q = new Ipv4Packet();
            q.check(out, 0, out.limit());
            assertEquals(Parsed.ok(ip), Ipv4Repr.parse(q));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void icmpv4(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Exercise.icmp(b, 0, data.length); // also parses with the checksum fixed
        Icmpv4Packet p = new Icmpv4Packet();
        if (p.check(b, 0, data.length) && Icmpv4Repr.parse(p) instanceof Parsed.Ok<Icmpv4Repr>(Icmpv4Repr m)) {
            ByteBuffer out = ByteBuffer.allocate(m.bufferLen());
            m.emit(out, 0);
            Icmpv4Packet q = new Icmpv4Packet();
            q.check(out, 0, out.limit());
            assertEquals(Parsed.ok(m), Icmpv4Repr.parse(q));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void udp(FuzzedDataProvider data) {
        Ipv4Address src = new Ipv4Address(data.consumeInt());
        Ipv4Address dst = new Ipv4Address(data.consumeInt());
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Exercise.udp(b, 0, bytes.length, src, dst);
        UdpPacket p = new UdpPacket();
        if (p.check(b, 0, bytes.length) && UdpRepr.parse(p, src, dst) instanceof Parsed.Ok<UdpRepr>(UdpRepr u)) {
            ByteBuffer out = ByteBuffer.allocate(u.bufferLen());
            out.put(UdpPacket.HEADER_LENGTH, bytes, UdpPacket.HEADER_LENGTH, u.payloadLength());
            u.emit(out, 0, src, dst);
            UdpPacket q = new UdpPacket();
            q.check(out, 0, out.limit());
            assertEquals(Parsed.ok(u), UdpRepr.parse(q, src, dst));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void tcp(FuzzedDataProvider data) {
        Ipv4Address src = new Ipv4Address(data.consumeInt());
        Ipv4Address dst = new Ipv4Address(data.consumeInt());
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        Exercise.tcp(b, 0, bytes.length, src, dst);
        TcpSegment p = new TcpSegment();
        if (p.check(b, 0, bytes.length)) {
            // Fix the checksum so that parse is reached whatever the fuzzer wrote.
            Bytes.put16(b, TcpSegment.CHECKSUM, 0);
            long sum = InternetChecksum.pseudoHeader(src.bits(), dst.bits(), Ipv4Packet.PROTOCOL_TCP, bytes.length);
            Bytes.put16(b, TcpSegment.CHECKSUM, InternetChecksum.finish(InternetChecksum.add(sum, b, 0, bytes.length)));
            TcpRepr t = TcpRepr.parse(p, src, dst).orThrow();
            ByteBuffer out = ByteBuffer.allocate(t.bufferLen());
            out.put(t.headerLength(), bytes, p.payloadOffset(), t.payloadLength());
            t.emit(out, 0, src, dst);
            TcpSegment q = new TcpSegment();
            q.check(out, 0, out.limit());
            assertEquals(Parsed.ok(t), TcpRepr.parse(q, src, dst));
        }
    }
}
