package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import org.junit.jupiter.api.Test;

/** Golden byte vectors (see {@link Golden} for their sources): parse gives the fields, emit gives the bytes back. */
class GoldenTest {
    static final MacAddress A_MAC = MacAddress.parse("02:00:00:00:0a:01");
    static final MacAddress R_MAC = MacAddress.parse("02:00:00:00:0a:02");
    static final Ipv4Address A = Ipv4Address.parse("10.99.1.1");
    static final Ipv4Address R = Ipv4Address.parse("10.99.1.2");
    static final Ipv4Address B = Ipv4Address.parse("10.99.2.2");

    record Layers(EthernetFrame eth, Ipv4Packet ip) {}

    static EthernetRepr ethernet(ByteBuffer b, EthernetFrame f) {
        assertTrue(f.check(b, 0, b.limit()), () -> "ethernet: " + f.error());
        return EthernetRepr.parse(f).orThrow();
    }

    static Ipv4Repr ipv4(EthernetFrame f, Ipv4Packet p) {
        assertTrue(p.check(f.buffer(), f.payloadOffset(), f.payloadLength()), () -> "ipv4: " + p.error());
        return Ipv4Repr.parse(p).orThrow();
    }

    /** Emits the records into a fresh frame as long as the golden one and compares. */
    static void assertEmits(String hex, java.util.function.Consumer<ByteBuffer> emit) {
        byte[] expected = Golden.bytes(hex);
        ByteBuffer out = ByteBuffer.allocate(expected.length);
        emit.accept(out);
        assertArrayEquals(expected, out.array(), "re-emitted bytes");
    }

    @Test
    void arpRequest() {
        ByteBuffer b = Golden.buffer(Golden.ARP_REQUEST);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        assertEquals(EthernetRepr.of(MacAddress.BROADCAST, A_MAC, EthernetFrame.TYPE_ARP), e);
        ArpPacket p = new ArpPacket();
        assertTrue(p.check(b, f.payloadOffset(), f.payloadLength()));
        ArpRepr a = ArpRepr.parse(p).orThrow();
        assertEquals(new ArpRepr(ArpRepr.Operation.REQUEST, A_MAC, A, MacAddress.ZERO, R), a);
        assertEmits(Golden.ARP_REQUEST, out -> {
            e.emit(out, 0);
            a.emit(out, e.bufferLen());
        });
    }

    @Test
    void arpReply() {
        ByteBuffer b = Golden.buffer(Golden.ARP_REPLY);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        ArpPacket p = new ArpPacket();
        assertTrue(p.check(b, f.payloadOffset(), f.payloadLength()));
        ArpRepr a = ArpRepr.parse(p).orThrow();
        assertEquals(new ArpRepr(ArpRepr.Operation.REPLY, R_MAC, R, A_MAC, A), a);
        assertEmits(Golden.ARP_REPLY, out -> {
            e.emit(out, 0);
            a.emit(out, e.bufferLen());
        });
    }

    @Test
    void arpRequestWithVlanTag() {
        ByteBuffer b = Golden.buffer(Golden.ARP_REQUEST_VLAN);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        assertEquals(1, f.tagCount());
        assertEquals(18, f.headerLength());
        assertEquals(new EthernetRepr(MacAddress.BROADCAST, A_MAC,
                List.of(new EthernetRepr.VlanTag(EthernetFrame.TPID_CVLAN, 5, false, 100)), EthernetFrame.TYPE_ARP), e);
        ArpPacket p = new ArpPacket();
        assertTrue(p.check(b, f.payloadOffset(), f.payloadLength()));
        ArpRepr a = ArpRepr.parse(p).orThrow();
        assertEquals(R, a.targetProtocolAddress());
        assertEmits(Golden.ARP_REQUEST_VLAN, out -> {
            e.emit(out, 0);
            a.emit(out, e.bufferLen());
        });
    }

    @Test
    void echoRequest() {
        ByteBuffer b = Golden.buffer(Golden.ECHO_REQUEST);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        assertEquals(EthernetRepr.of(R_MAC, A_MAC, EthernetFrame.TYPE_IPV4), e);
        Ipv4Packet p = new Ipv4Packet();
        Ipv4Repr ip = ipv4(f, p);
        assertEquals(Ipv4Repr.of(A, B, Ipv4Packet.PROTOCOL_ICMP, 64, 0xd732, 24), ip);
        assertEquals(0x4bd6, p.checksum());
        Icmpv4Packet ic = new Icmpv4Packet();
        assertTrue(ic.check(b, p.payloadOffset(), p.payloadLength()));
        Icmpv4Repr icmp = Icmpv4Repr.parse(ic).orThrow();
        Icmpv4Repr.Echo echo = assertInstanceOf(Icmpv4Repr.Echo.class, icmp);
        assertEquals(Icmpv4Repr.Echo.Kind.REQUEST, echo.kind());
        assertEquals(0x0547, echo.identifier());
        assertEquals(1, echo.sequence());
        assertEquals(Octets.of(Golden.bytes("2761086b000000005ddd0e0000000000")), echo.data());
        assertEmits(Golden.ECHO_REQUEST, out -> {
            e.emit(out, 0);
            ip.emit(out, 14);
            icmp.emit(out, 34);
        });
    }

    @Test
    void echoReplyIsTheRequestsReply() {
        ByteBuffer req = Golden.buffer(Golden.ECHO_REQUEST);
        ByteBuffer rep = Golden.buffer(Golden.ECHO_REPLY);
        EthernetFrame f = new EthernetFrame();
        Ipv4Packet p = new Ipv4Packet();
        Icmpv4Packet ic = new Icmpv4Packet();
        ethernet(req, f);
        ipv4(f, p);
        assertTrue(ic.check(req, p.payloadOffset(), p.payloadLength()));
        Icmpv4Repr.Echo request = (Icmpv4Repr.Echo) Icmpv4Repr.parse(ic).orThrow();
        EthernetRepr e = ethernet(rep, f);
        Ipv4Repr ip = ipv4(f, p);
        assertEquals(new Ipv4Repr(B, A, 1, 63, 0, 0, 0x2dd1, Set.of(), 0, Octets.EMPTY, 24), ip);
        assertTrue(ic.check(rep, p.payloadOffset(), p.payloadLength()));
        assertEquals(request.reply(), Icmpv4Repr.parse(ic).orThrow());
        assertEmits(Golden.ECHO_REPLY, out -> {
            e.emit(out, 0);
            ip.emit(out, 14);
            request.reply().emit(out, 34);
        });
    }

    @Test
    void echoRequestInQinQ() {
        ByteBuffer b = Golden.buffer(Golden.ECHO_REQUEST_QINQ);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        assertEquals(List.of(new EthernetRepr.VlanTag(EthernetFrame.TPID_SVLAN, 0, true, 456),
                new EthernetRepr.VlanTag(EthernetFrame.TPID_CVLAN, 0, false, 100)), e.tags());
        assertEquals(22, f.headerLength());
        Ipv4Packet p = new Ipv4Packet();
        Ipv4Repr ip = ipv4(f, p);
        assertEquals(B, ip.destination());
        assertEmits(Golden.ECHO_REQUEST_QINQ, out -> {
            e.emit(out, 0);
            ip.emit(out, 22);
            out.put(42, Golden.bytes(Golden.ECHO_REQUEST), 34, 24);
        });
    }

    @Test
    void timeExceeded() {
        ByteBuffer b = Golden.buffer(Golden.TIME_EXCEEDED);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        Ipv4Packet p = new Ipv4Packet();
        Ipv4Repr ip = ipv4(f, p);
        assertEquals(48, p.dscp());
        assertEquals(R, ip.source());
        Icmpv4Packet ic = new Icmpv4Packet();
        assertTrue(ic.check(b, p.payloadOffset(), p.payloadLength()));
        Icmpv4Repr.TimeExceeded te = assertInstanceOf(Icmpv4Repr.TimeExceeded.class, Icmpv4Repr.parse(ic).orThrow());
        assertEquals(Icmpv4Repr.TimeExceededCode.TTL_EXCEEDED, te.code());
        assertEquals(new Ipv4Repr(A, B, 1, 1, 0, 0, 0xd733, Set.of(Ipv4Repr.Flag.DONT_FRAGMENT), 0, Octets.EMPTY, 24),
                te.header());
        assertEquals(24, te.data().length());
        assertEmits(Golden.TIME_EXCEEDED, out -> {
            e.emit(out, 0);
            ip.emit(out, 14);
            te.emit(out, 34);
        });
    }

    @Test
    void udp() {
        ByteBuffer b = Golden.buffer(Golden.UDP);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        Ipv4Packet p = new Ipv4Packet();
        Ipv4Repr ip = ipv4(f, p);
        assertEquals(Ipv4Packet.PROTOCOL_UDP, ip.protocol());
        UdpPacket u = new UdpPacket();
        assertTrue(u.check(b, p.payloadOffset(), p.payloadLength()));
        assertEquals(0xb1c8, u.checksum());
        UdpRepr udp = UdpRepr.parse(u, A, B).orThrow();
        assertEquals(new UdpRepr(43785, 9, 12), udp);
        assertEquals("hello mirage", new String(Golden.bytes(Golden.UDP), u.payloadOffset(), u.payloadLength(),
                java.nio.charset.StandardCharsets.US_ASCII));
        assertEmits(Golden.UDP, out -> {
            e.emit(out, 0);
            ip.emit(out, 14);
            out.put(42, "hello mirage".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            udp.emit(out, 34, A, B);
        });
        // The pseudo-header is covered: the same bytes to another address do not verify.
        assertEquals(Parsed.err(WireError.BAD_CHECKSUM), UdpRepr.parse(u, A, R));
    }

    @Test
    void portUnreachable() {
        ByteBuffer b = Golden.buffer(Golden.PORT_UNREACHABLE);
        EthernetFrame f = new EthernetFrame();
        EthernetRepr e = ethernet(b, f);
        Ipv4Packet p = new Ipv4Packet();
        Ipv4Repr ip = ipv4(f, p);
        Icmpv4Packet ic = new Icmpv4Packet();
        assertTrue(ic.check(b, p.payloadOffset(), p.payloadLength()));
        Icmpv4Repr.DestinationUnreachable du =
                assertInstanceOf(Icmpv4Repr.DestinationUnreachable.class, Icmpv4Repr.parse(ic).orThrow());
        assertEquals(Icmpv4Repr.UnreachableCode.PORT_UNREACHABLE, du.code());
        assertEquals(0, du.nextHopMtu());
        assertEquals(Ipv4Packet.PROTOCOL_UDP, du.header().protocol());
        assertEquals(63, du.header().ttl());
        // The quoted data is the whole UDP datagram: its header and "hello mirage".
        UdpPacket quotedUdp = new UdpPacket();
        ByteBuffer data = ByteBuffer.wrap(du.data().toArray());
        assertTrue(quotedUdp.check(data, 0, data.limit()));
        assertEquals(9, quotedUdp.destinationPort());
        assertEmits(Golden.PORT_UNREACHABLE, out -> {
            e.emit(out, 0);
            ip.emit(out, 14);
            du.emit(out, 34);
        });
    }

    @Test
    void ipv4WithOptions() {
        ByteBuffer b = Golden.buffer(Golden.IPV4_OPTIONS_UDP);
        Ipv4Packet p = new Ipv4Packet();
        assertTrue(p.check(b, 0, b.limit()));
        assertEquals(24, p.headerLength());
        assertEquals(4, p.optionsLength());
        Ipv4Repr ip = Ipv4Repr.parse(p).orThrow();
        assertEquals(new Ipv4Repr(Ipv4Address.parse("192.0.2.1"), Ipv4Address.parse("198.51.100.2"), 17, 1, 0, 0,
                0x1234, Set.of(), 0, Octets.of((byte) 0x94, (byte) 4, (byte) 0, (byte) 0), 12), ip);
        UdpPacket u = new UdpPacket();
        assertTrue(u.check(b, p.payloadOffset(), p.payloadLength()));
        assertEquals(UdpPacket.NO_CHECKSUM, u.checksum());
        assertEquals(new UdpRepr(1234, 5678, 4), UdpRepr.parse(u, ip.source(), ip.destination()).orThrow());
        byte[] out = new byte[24];
        ip.emit(ByteBuffer.wrap(out), 0);
        assertArrayEquals(java.util.Arrays.copyOf(Golden.bytes(Golden.IPV4_OPTIONS_UDP), 24), out);
    }

    @Test
    void checksumsOfGoldenFramesVerifyAndFlippedBitsAreCaught() {
        for (String hex : List.of(Golden.ECHO_REQUEST, Golden.ECHO_REPLY, Golden.TIME_EXCEEDED, Golden.UDP,
                Golden.PORT_UNREACHABLE)) {
            for (int bit = 0; bit < 8; bit++) {
                ByteBuffer b = Golden.buffer(hex);
                b.put(30, (byte) (b.get(30) ^ (1 << bit))); // inside the IPv4 destination address
                EthernetFrame f = new EthernetFrame();
                Ipv4Packet p = new Ipv4Packet();
                assertTrue(f.check(b, 0, b.limit()));
                assertTrue(p.check(b, f.payloadOffset(), f.payloadLength()));
                assertFalse(p.checksumVerifies());
                assertEquals(Parsed.err(WireError.BAD_CHECKSUM), Ipv4Repr.parse(p));
                b.put(b.limit() - 1, (byte) (b.get(b.limit() - 1) ^ 0x80));
            }
        }
        ByteBuffer b = Golden.buffer(Golden.ECHO_REQUEST);
        b.put(b.limit() - 1, (byte) 1);
        Icmpv4Packet ic = new Icmpv4Packet();
        assertTrue(ic.check(b, 34, b.limit() - 34));
        assertEquals(Parsed.err(WireError.BAD_CHECKSUM), Icmpv4Repr.parse(ic));
    }

    @Test
    void malformedFramesReportTheirReason() {
        EthernetFrame f = new EthernetFrame();
        ByteBuffer arp = Golden.buffer(Golden.ARP_REQUEST);
        assertFalse(f.check(arp, 0, 13));
        assertEquals(WireError.TRUNCATED, f.error());
        ByteBuffer llc = Golden.buffer(Golden.ARP_REQUEST);
        llc.put(12, (byte) 0x05).put(13, (byte) 0xdc); // 1500: an IEEE 802.3 length
        assertFalse(f.check(llc, 0, llc.limit()));
        assertEquals(WireError.NOT_ETHERNET_II, f.error());
        ByteBuffer threeTags = Golden.buffer("ffffffffffff020000000a01" + "81000001".repeat(3) + "0800" + "00".repeat(20));
        assertFalse(f.check(threeTags, 0, threeTags.limit()));
        assertEquals(WireError.TOO_MANY_TAGS, f.error());

        ArpPacket a = new ArpPacket();
        assertFalse(a.check(arp, 14, 27));
        assertEquals(WireError.TRUNCATED, a.error());
        ByteBuffer ipv6Arp = Golden.buffer(Golden.ARP_REQUEST);
        ipv6Arp.put(19, (byte) 16);
        assertFalse(a.check(ipv6Arp, 14, 28));
        assertEquals(WireError.UNSUPPORTED_ADDRESSES, a.error());
        ByteBuffer rarp = Golden.buffer(Golden.ARP_REQUEST);
        rarp.put(21, (byte) 3);
        assertTrue(a.check(rarp, 14, 28));
        assertEquals(Parsed.err(WireError.UNSUPPORTED_OPERATION), ArpRepr.parse(a));

        Ipv4Packet p = new Ipv4Packet();
        ByteBuffer echo = Golden.buffer(Golden.ECHO_REQUEST);
        assertFalse(p.check(echo, 14, 43)); // total length 44 > 43
        assertEquals(WireError.TRUNCATED, p.error());
        ByteBuffer v6 = Golden.buffer(Golden.ECHO_REQUEST);
        v6.put(14, (byte) 0x65);
        assertFalse(p.check(v6, 14, 44));
        assertEquals(WireError.BAD_VERSION, p.error());
        ByteBuffer ihl4 = Golden.buffer(Golden.ECHO_REQUEST);
        ihl4.put(14, (byte) 0x44);
        assertFalse(p.check(ihl4, 14, 44));
        assertEquals(WireError.BAD_HEADER_LENGTH, p.error());
        ByteBuffer shortTotal = Golden.buffer(Golden.ECHO_REQUEST);
        shortTotal.put(17, (byte) 19);
        assertFalse(p.check(shortTotal, 14, 44));
        assertEquals(WireError.BAD_LENGTH, p.error());
        ByteBuffer evil = Golden.buffer(Golden.ECHO_REQUEST);
        evil.put(20, (byte) 0xc0); // reserved and DF; fix the checksum with RFC 1624
        int old = p.check(Golden.buffer(Golden.ECHO_REQUEST), 14, 44) ? p.checksum() : -1;
        Bytes.put16(evil, 24, InternetChecksum.update(old, 0x4000, 0xc000));
        assertTrue(p.check(evil, 14, 44));
        assertTrue(p.checksumVerifies());
        assertEquals(Parsed.err(WireError.RESERVED_BIT), Ipv4Repr.parse(p));

        UdpPacket u = new UdpPacket();
        ByteBuffer udp = Golden.buffer(Golden.UDP);
        assertFalse(u.check(udp, 34, 19));
        assertEquals(WireError.TRUNCATED, u.error());
        udp.put(39, (byte) 7);
        assertFalse(u.check(udp, 34, 20));
        assertEquals(WireError.BAD_LENGTH, u.error());

        Icmpv4Packet ic = new Icmpv4Packet();
        assertFalse(ic.check(echo, 34, 7));
        assertEquals(WireError.TRUNCATED, ic.error());
    }
}
