package mirage.net.internal.engine.ipv4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.CapturingLink;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.wire.Ipv4Packet;
import org.junit.jupiter.api.Test;

/** Scripted tests, named state-then-event. */
class Ipv4EngineTest {
    static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.3");
    static final Ipv4Address FAR = Ipv4Address.parse("192.0.2.9");
    static final Ipv4Address GATEWAY = Ipv4Address.parse("10.0.0.1");
    static final int PROTO = 253; // RFC 3692 experimentation
    static final long S = 1_000_000_000L;

    final CapturingLink link = new CapturingLink(1500);
    final List<byte[]> delivered = new ArrayList<>();
    Ipv4Engine ip = engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of(Route.defaultVia(GATEWAY))));

    Ipv4Engine engine(Ipv4Config config) {
        return new Ipv4Engine(config, link, Rng.seeded(7));
    }

    /** As a binding with a transport for {@link #PROTO} only: its payloads are kept, other protocols are unknown. */
    void receive(long now, byte[] datagram) {
        receive(now, datagram, datagram.length);
    }

    void receive(long now, byte[] datagram, int length) {
        Ipv4Packet d = ip.receive(now, ByteBuffer.wrap(datagram), 0, length);
        if (d == null) {
            return;
        }
        if (d.protocol() != PROTO) {
            ip.unknownProtocol();
            return;
        }
        byte[] b = new byte[d.payloadLength()];
        d.buffer().get(d.payloadOffset(), b);
        delivered.add(b);
    }

    @Test
    void idle_wholeDatagram_delivered() {
        receive(0, Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(100, 1)));
        assertEquals(1, delivered.size());
        assertArrayEquals(Packets.bytes(100, 1), delivered.get(0));
        assertEquals(1, ip.stats().packetsDelivered());
    }

    @Test
    void reassembly_lastFragmentFirst_delivers() {
        byte[] payload = Packets.bytes(3000, 2);
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 42, payload, 1480);
        receive(0, f.get(2));
        receive(1, f.get(0));
        assertTrue(delivered.isEmpty());
        receive(2, f.get(1));
        assertEquals(1, delivered.size());
        assertArrayEquals(payload, delivered.get(0));
        assertEquals(1, ip.reassembled());
        assertEquals(0, ip.reassemblyBytes());
        assertEquals(Long.MAX_VALUE, ip.poll(3));
    }

    @Test
    void reassembly_overlap_dropsDatagram() {
        byte[] payload = Packets.bytes(3000, 3);
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 43, payload, 1480);
        receive(0, f.get(0));
        // Starts 8 bytes inside the first fragment.
        receive(0, Packets.ipv4(PEER, US, PROTO, 43, 0x2000 | 1480 / 8 - 1, 64, Packets.bytes(16, 0)));
        receive(0, f.get(1));
        receive(0, f.get(2));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.reassemblyOverlaps());
        assertTrue(ip.stats().reassemblyFailures() >= 1);
    }

    @Test
    void reassembly_duplicate_dropsDatagram() {
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 44, Packets.bytes(2000, 3), 1480);
        receive(0, f.get(0));
        receive(0, f.get(0));
        receive(0, f.get(1));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.reassemblyOverlaps());
    }

    @Test
    void reassembly_timeout_discards() {
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 45, Packets.bytes(2000, 4), 1480);
        receive(5 * S, f.get(0));
        assertEquals(5 * S + Ipv4Config.REASSEMBLY_TIMEOUT_NANOS, ip.poll(6 * S));
        assertEquals(1, ip.reassemblyActive());
        assertEquals(Long.MAX_VALUE, ip.poll(20 * S));
        assertEquals(0, ip.reassemblyActive());
        assertEquals(1, ip.reassemblyTimeouts());
        assertEquals(0, ip.reassemblyBytes());
        receive(21 * S, f.get(1));
        assertTrue(delivered.isEmpty());
    }

    @Test
    void reassembly_fragmentFlood_staysWithinByteLimit() {
        int limit = 64 * 1024;
        ip = engine(new Ipv4Config(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of(), 8, limit, 16, 15 * S));
        long max = 0;
        for (int id = 0; id < 5000; id++) {
            // First fragments of distinct datagrams, claiming offsets up to 64 KiB.
            int offset = (id * 977) % 8000;
            receive(id, Packets.ipv4(PEER, US, PROTO, id, 0x2000 | offset, 64, Packets.bytes(1480, id)));
            max = Math.max(max, ip.reassemblyBytes());
            assertTrue(ip.reassemblyActive() <= 8);
        }
        assertTrue(max <= limit, "accounted bytes " + max);
        assertTrue(ip.stats().reassemblyFailures() > 0);
        ip.poll(100 * S);
        assertEquals(0, ip.reassemblyBytes());
    }

    @Test
    void reassembly_tooManyFragments_dropsDatagram() {
        ip = engine(new Ipv4Config(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of(), 8, 1 << 20, 4, 15 * S));
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 46, Packets.bytes(800, 5), 128);
        f.forEach(d -> receive(0, d));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.stats().reassemblyFailures());
    }

    @Test
    void reassembly_middleFragmentNotMultipleOf8_dropped() {
        receive(0, Packets.ipv4(PEER, US, PROTO, 47, 0x2000, 64, Packets.bytes(100, 0)));
        assertEquals(1, ip.stats().reassemblyFailures());
        assertEquals(0, ip.reassemblyActive());
    }

    @Test
    void reassembly_optionsPushTotalOver65535_dropsDatagram() {
        byte[] payload = Packets.bytes(65_512, 8);
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 48, payload, 1480);
        // The first fragment again, with a 24-byte header (one word of NOP options).
        byte[] first = f.get(0);
        ByteBuffer withOptions = ByteBuffer.allocate(first.length + 4);
        withOptions.put(0, first, 0, 20).put(20, new byte[] {1, 1, 1, 1}).put(24, first, 20, first.length - 20);
        withOptions.put(0, (byte) 0x46).putShort(2, (short) (first.length + 4)).putShort(10, (short) 0);
        withOptions.putShort(10, (short) mirage.net.internal.wire.InternetChecksum.of(withOptions, 0, 24));
        f.set(0, withOptions.array());
        f.forEach(d -> receive(0, d));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.stats().reassemblyFailures());
        assertEquals(0, ip.reassemblyBytes());
    }

    @Test
    void reassembly_expiredOnArrivalOfLaterFragment_countedAsTimeout() {
        List<byte[]> f = Packets.fragments(PEER, US, PROTO, 49, Packets.bytes(2000, 4), 1480);
        receive(0, f.get(0));
        receive(16 * S, f.get(1));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.reassemblyTimeouts());
    }

    @Test
    void fragmentation_1500mtu_8000payload_producesValidFragments() {
        byte[] payload = Packets.bytes(8000, 6);
        assertEquals(Ipv4Engine.Outcome.SENT, ip.send(0, Ipv4Address.UNSPECIFIED, PEER, PROTO, 64,
                Ipv4.Fragmentation.ALLOW, ByteBuffer.wrap(payload)));
        List<CapturingLink.Sent> sent = link.drain();
        assertEquals(6, sent.size()); // ceil(8000 / 1480)
        ByteBuffer joined = ByteBuffer.allocate(8000);
        int id = -1;
        for (int i = 0; i < sent.size(); i++) {
            byte[] d = sent.get(i).bytes();
            assertTrue(d.length <= 1500);
            Ipv4Packet p = Packets.view(d);
            assertTrue(p.checksumVerifies());
            assertEquals(PEER, sent.get(i).nextHop());
            assertEquals(US.bits(), p.source());
            if (id < 0) {
                id = p.identification();
            }
            assertEquals(id, p.identification());
            assertEquals(i < sent.size() - 1, p.moreFragments());
            assertEquals(i * 1480, p.fragmentOffset() * 8);
            if (p.moreFragments()) {
                assertEquals(0, p.payloadLength() % 8);
            }
            joined.put(p.fragmentOffset() * 8, p.buffer(), p.payloadOffset(), p.payloadLength());
        }
        assertArrayEquals(payload, joined.array());
        assertEquals(6, ip.fragmentsSent());
    }

    @Test
    void dontFragment_overMtu_refusedAndCounted() {
        assertEquals(Ipv4Engine.Outcome.MESSAGE_TOO_LONG, ip.send(0, Ipv4Address.UNSPECIFIED, PEER, PROTO, 64,
                Ipv4.Fragmentation.DONT_FRAGMENT, ByteBuffer.allocate(1481)));
        assertTrue(link.sent.isEmpty());
        assertEquals(1, ip.fragmentationRefused());
        assertEquals(Ipv4Engine.Outcome.SENT, ip.send(0, Ipv4Address.UNSPECIFIED, PEER, PROTO, 64,
                Ipv4.Fragmentation.DONT_FRAGMENT, ByteBuffer.allocate(1480)));
        assertTrue(Packets.view(link.drain().get(0).bytes()).dontFragment());
    }

    @Test
    void routes_longestPrefix_choosesNextHopAndSource() {
        ip = engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24"), Ipv4Cidr.parse("172.16.5.9/16")),
                List.of(Route.defaultVia(GATEWAY), new Route(Ipv4Cidr.parse("192.0.2.0/24"), Ipv4Address.parse("172.16.0.1")))));
        ip.send(0, Ipv4Address.UNSPECIFIED, FAR, PROTO, 64, Ipv4.Fragmentation.ALLOW, ByteBuffer.allocate(4));
        ip.send(0, Ipv4Address.UNSPECIFIED, Ipv4Address.parse("198.51.100.1"), PROTO, 64, Ipv4.Fragmentation.ALLOW, ByteBuffer.allocate(4));
        ip.send(0, Ipv4Address.UNSPECIFIED, Ipv4Address.parse("172.16.200.1"), PROTO, 64, Ipv4.Fragmentation.ALLOW, ByteBuffer.allocate(4));
        List<CapturingLink.Sent> s = link.drain();
        assertEquals(Ipv4Address.parse("172.16.0.1"), s.get(0).nextHop());
        assertEquals(Ipv4Address.parse("172.16.5.9").bits(), Packets.view(s.get(0).bytes()).source());
        assertEquals(GATEWAY, s.get(1).nextHop());
        assertEquals(US.bits(), Packets.view(s.get(1).bytes()).source());
        assertEquals(Ipv4Address.parse("172.16.200.1"), s.get(2).nextHop());
        assertEquals(Ipv4Address.parse("172.16.5.9").bits(), Packets.view(s.get(2).bytes()).source());
    }

    @Test
    void noGateway_offLinkDestination_noRoute() {
        ip = engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of()));
        assertEquals(Ipv4Engine.Outcome.NO_ROUTE, ip.send(0, Ipv4Address.UNSPECIFIED, FAR, PROTO, 64,
                Ipv4.Fragmentation.ALLOW, ByteBuffer.allocate(4)));
        assertEquals(1, ip.stats().noRoute());
    }

    @Test
    void send_identification_incrementsPerDatagram() {
        for (int i = 0; i < 3; i++) {
            ip.send(0, Ipv4Address.UNSPECIFIED, PEER, PROTO, 64, Ipv4.Fragmentation.ALLOW, ByteBuffer.allocate(4));
        }
        List<CapturingLink.Sent> s = link.drain();
        int first = Packets.view(s.get(0).bytes()).identification();
        assertEquals((first + 1) & 0xffff, Packets.view(s.get(1).bytes()).identification());
        assertEquals((first + 2) & 0xffff, Packets.view(s.get(2).bytes()).identification());
    }

    @Test
    void receive_badChecksum_droppedAndCounted() {
        byte[] d = Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(10, 0));
        d[10] ^= 1;
        receive(0, d);
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.badChecksum());
        assertEquals(1, ip.stats().headerErrors());
    }

    @Test
    void receive_malformedOptions_droppedAndCounted_wellFormedOnesDelivered() {
        // IHL 6: one word of options after the 20-byte header, checksum recomputed
        byte[][] lists = {{7, 0, 0, 0}, {7, 1, 0, 0}, {7, 39, 4, 0}, {1, 1, 1, 68}};
        for (byte[] options : lists) {
            receive(0, Packets.withOptions(Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(10, 0)), options));
        }
        assertTrue(delivered.isEmpty(), "option of length 0, 1, past the header, cut short");
        assertEquals(4, ip.stats().headerErrors());
        receive(0, Packets.withOptions(Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(10, 0)), new byte[] {1, 1, 0, 0}));
        receive(0, Packets.withOptions(Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(10, 0)), new byte[] {(byte) 0x94, 4, 0, 0}));
        assertEquals(2, delivered.size(), "NOPs then End; Router Alert");
    }

    @Test
    void receive_impossibleSources_droppedAndCounted() {
        // our own address (a land attack: RFC 1122 3.2.1.3 and Linux's martian sources), loopback,
        // limited and directed broadcast, multicast
        for (String source : List.of("10.0.0.2", "127.0.0.1", "255.255.255.255", "10.0.0.255", "224.0.0.1")) {
            receive(0, Packets.ipv4(Ipv4Address.parse(source), US, PROTO, 1, 0, 64, Packets.bytes(10, 0)));
        }
        assertTrue(delivered.isEmpty());
        assertEquals(5, ip.stats().headerErrors());
        receive(0, Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(10, 0)));
        assertEquals(1, delivered.size());
    }

    @Test
    void receive_notForUs_dropped() {
        receive(0, Packets.ipv4(PEER, Ipv4Address.parse("10.0.0.77"), PROTO, 1, 0, 64, Packets.bytes(10, 0)));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.stats().notForUs());
    }

    @Test
    void receive_broadcast_delivered() {
        receive(0, Packets.ipv4(PEER, Ipv4Address.BROADCAST, PROTO, 1, 0, 64, Packets.bytes(10, 0)));
        receive(0, Packets.ipv4(PEER, Ipv4Address.parse("10.0.0.255"), PROTO, 1, 0, 64, Packets.bytes(10, 0)));
        assertEquals(2, delivered.size());
    }

    @Test
    void receive_ttlZero_dropped() {
        receive(0, Packets.ipv4(PEER, US, PROTO, 1, 0, 0, Packets.bytes(10, 0)));
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.ttlZero());
    }

    @Test
    void receive_truncated_dropped() {
        byte[] d = Packets.ipv4(PEER, US, PROTO, 1, 0, 64, Packets.bytes(10, 0));
        receive(0, d, 25);
        assertTrue(delivered.isEmpty());
        assertEquals(1, ip.stats().headerErrors());
    }

    @Test
    void receive_unknownProtocol_counted() {
        receive(0, Packets.ipv4(PEER, US, 200, 1, 0, 64, Packets.bytes(10, 0)));
        assertEquals(1, ip.stats().unknownProtocol());
    }
}
