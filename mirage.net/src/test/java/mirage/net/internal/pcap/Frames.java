package mirage.net.internal.pcap;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Ethernet frames laid out by hand for the capture tests, checksums included, so that tshark
 * checks them against an implementation that is not ours: Ethernet II (IEEE 802.3 clause 3),
 * ARP (RFC 826), IPv4 (RFC 791), ICMP echo (RFC 792), UDP (RFC 768), Internet checksum
 * (RFC 1071).
 */
final class Frames {
    static final byte[] BROADCAST = mac("ffffffffffff");
    static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806;
    static final int PROTO_ICMP = 1, PROTO_UDP = 17;

    private Frames() {}

    static byte[] mac(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** An Ethernet II frame, padded to the 60-byte minimum (64 with the FCS, which captures leave out). */
    static byte[] ethernet(byte[] dst, byte[] src, int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + payload.length));
        b.put(dst).put(src).putShort((short) etherType).put(payload);
        return b.array();
    }

    /** An ARP packet for IPv4 over Ethernet; {@code op} 1 request, 2 reply. */
    static byte[] arp(int op, byte[] senderMac, int senderIp, byte[] targetMac, int targetIp) {
        return ByteBuffer.allocate(28).putShort((short) 1).putShort((short) ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) op).put(senderMac).putInt(senderIp).put(targetMac).putInt(targetIp).array();
    }

    /** An IPv4 packet without options, don't-fragment set, header checksum filled in. */
    static byte[] ipv4(int src, int dst, int protocol, int id, int ttl, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) id)
                .putShort((short) 0x4000).put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .putInt(src).putInt(dst).put(payload);
        b.putShort(10, (short) checksum(0, b.array(), 0, 20));
        return b.array();
    }

    /** A UDP datagram with its checksum over the IPv4 pseudo-header (RFC 768). */
    static byte[] udp(int srcIp, int dstIp, int srcPort, int dstPort, byte[] payload) {
        int length = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) length).putShort((short) 0).put(payload);
        long pseudo = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + PROTO_UDP + length;
        int sum = checksum(pseudo, b.array(), 0, length);
        b.putShort(6, (short) (sum == 0 ? 0xffff : sum));  // RFC 768: a computed zero is sent as all ones
        return b.array();
    }

    /** An ICMP echo request (type 8) or reply (type 0). */
    static byte[] icmpEcho(int type, int id, int seq, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(data);
        b.putShort(2, (short) checksum(0, b.array(), 0, b.capacity()));
        return b.array();
    }

    static byte[] ipv4Frame(byte[] dstMac, byte[] srcMac, byte[] ipPacket) {
        return ethernet(dstMac, srcMac, ETHERTYPE_IPV4, ipPacket);
    }

    /** The Internet checksum of {@code b[off, off+len)} added to {@code initial} (RFC 1071). */
    static int checksum(long initial, byte[] b, int off, int len) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
