package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import mirage.net.Ipv4Address;

/** Runs every check, accessor and parse of the package over one region: shared by the properties and the fuzz tests. */
final class Exercise {
    private Exercise() {}

    static void all(ByteBuffer b, int at, int len, Ipv4Address src, Ipv4Address dst) {
        ethernet(b, at, len);
        arp(b, at, len);
        ipv4(b, at, len);
        icmp(b, at, len);
        udp(b, at, len, src, dst);
        tcp(b, at, len, src, dst);
    }

    static long ethernet(ByteBuffer b, int at, int len) {
        EthernetFrame f = new EthernetFrame();
        if (!f.check(b, at, len)) {
            assertNotNull(f.error());
            return 0;
        }
        assertNull(f.error());
        long s = f.destination() + f.source() + f.etherType() + f.headerLength() + f.payloadOffset() + f.offset() + f.length();
        for (int i = 0; i < f.tagCount(); i++) {
            s += f.tagProtocol(i) + f.tagControl(i);
        }
        assertTrue(f.payloadLength() >= 0 && f.payloadOffset() + f.payloadLength() <= at + len);
        assertNotNull(EthernetRepr.parse(f));
        return s;
    }

    static long arp(ByteBuffer b, int at, int len) {
        ArpPacket p = new ArpPacket();
        if (!p.check(b, at, len)) {
            assertNotNull(p.error());
            return 0;
        }
        long s = p.operation() + p.senderHardwareAddress() + p.senderProtocolAddress() + p.targetHardwareAddress()
                + p.targetProtocolAddress() + p.length();
        assertNotNull(ArpRepr.parse(p));
        return s;
    }

    static long ipv4(ByteBuffer b, int at, int len) {
        Ipv4Packet p = new Ipv4Packet();
        long s = 0;
        if (p.check(b, at, len)) {
            s += ipv4Fields(p);
            assertNotNull(Ipv4Repr.parse(p));
        } else {
            assertNotNull(p.error());
        }
        if (p.checkQuoted(b, at, len)) {
            s += ipv4Fields(p);
            assertNotNull(Ipv4Repr.parseUnverified(p));
        }
        return s;
    }

    private static long ipv4Fields(Ipv4Packet p) {
        assertTrue(p.payloadLength() >= 0);
        return p.headerLength() + p.dscp() + p.ecn() + p.totalLength() + p.identification() + p.flags()
                + (p.dontFragment() ? 1 : 0) + (p.moreFragments() ? 1 : 0) + p.fragmentOffset() + p.ttl() + p.protocol()
                + p.checksum() + p.source() + p.destination() + p.optionsOffset() + p.optionsLength() + p.payloadOffset()
                + p.payloadLength() + (p.checksumVerifies() ? 1 : 0) + p.offset();
    }

    static long icmp(ByteBuffer b, int at, int len) {
        Icmpv4Packet p = new Icmpv4Packet();
        if (!p.check(b, at, len)) {
            assertNotNull(p.error());
            return 0;
        }
        long s = p.type() + p.code() + p.checksum() + p.restOfHeader() + p.identifier() + p.sequence() + p.nextHopMtu()
                + p.dataOffset() + p.dataLength() + (p.checksumVerifies() ? 1 : 0) + p.length();
        // Parse ignoring the checksum too, so that the quoted-header paths run on random bytes.
        assertNotNull(Icmpv4Repr.parse(p));
        fixChecksum(p);
        assertNotNull(Icmpv4Repr.parse(p));
        return s;
    }

    private static void fixChecksum(Icmpv4Packet p) {
        ByteBuffer b = p.buffer();
        if (b.isReadOnly()) {
            return;
        }
        Bytes.put16(b, p.offset() + Icmpv4Packet.CHECKSUM, 0);
        Bytes.put16(b, p.offset() + Icmpv4Packet.CHECKSUM, InternetChecksum.of(b, p.offset(), p.length()));
    }

    static long udp(ByteBuffer b, int at, int len, Ipv4Address src, Ipv4Address dst) {
        UdpPacket p = new UdpPacket();
        if (!p.check(b, at, len)) {
            assertNotNull(p.error());
            return 0;
        }
        long s = p.sourcePort() + p.destinationPort() + p.length() + p.checksum() + p.payloadOffset() + p.payloadLength()
                + (p.checksumVerifies(src.bits(), dst.bits()) ? 1 : 0) + p.offset();
        assertTrue(p.payloadOffset() + p.payloadLength() <= at + len);
        assertNotNull(UdpRepr.parse(p, src, dst));
        return s;
    }

    static long tcp(ByteBuffer b, int at, int len, Ipv4Address src, Ipv4Address dst) {
        TcpSegment p = new TcpSegment();
        if (!p.check(b, at, len)) {
            assertNotNull(p.error());
            return 0;
        }
        long s = p.sourcePort() + p.destinationPort() + p.sequence() + p.acknowledgment() + p.headerLength()
                + p.reserved() + p.flags() + p.window() + p.checksum() + p.urgentPointer() + p.optionsOffset()
                + p.optionsLength() + p.payloadOffset() + p.payloadLength() + p.sequenceLength() + p.mss()
                + p.windowScale() + (p.sackPermitted() ? 1 : 0) + (p.hasTimestamps() ? 1 : 0) + p.tsVal() + p.tsEcr()
                + (p.checksumVerifies(src.bits(), dst.bits()) ? 1 : 0) + p.offset() + p.length()
                + (p.syn() ? 1 : 0) + (p.fin() ? 1 : 0) + (p.rst() ? 1 : 0) + (p.ack() ? 1 : 0);
        for (int i = 0; i < p.sackBlockCount(); i++) {
            s += p.sackLeft(i) + p.sackRight(i);
        }
        assertTrue(p.payloadLength() >= 0 && p.payloadOffset() + p.payloadLength() <= at + len);
        assertTrue(p.sackBlockCount() <= TcpSegment.MAX_SACK_BLOCKS);
        assertNotNull(TcpRepr.parse(p, src, dst));
        return s;
    }
}
