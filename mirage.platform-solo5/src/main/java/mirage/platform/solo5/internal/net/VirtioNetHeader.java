package mirage.platform.solo5.internal.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Linux's {@code struct virtio_net_hdr} (include/uapi/linux/virtio_net.h), the 10 bytes in front
 * of every frame read from or written to a TAP opened with {@code IFF_VNET_HDR} or a packet
 * socket with {@code PACKET_VNET_HDR}: {@code flags} (u8), {@code gso_type} (u8), then
 * {@code hdr_len}, {@code gso_size}, {@code csum_start} and {@code csum_offset} (u16 each,
 * little-endian: the TAP is put in virtio 1.0 byte order with {@code TUNSETVNETLE}; a packet
 * socket uses the host's, and is bound on little-endian hosts only).
 *
 * <p>Sent: zero for a frame sent as it is; for a segmentation frame
 * ({@link mirage.net.Netif.TcpSegmentation}) {@code NEEDS_CSUM} with the TCP checksum's
 * {@code csum_start} (Ethernet and IP headers) and {@code csum_offset} (16), {@code hdr_len}
 * (all headers), and, if the payload exceeds one segment, {@code GSO_TCPV4} (or
 * {@code GSO_TCPV6} for a TCP/IPv6 frame) with
 * {@code gso_size} = the segment size. The kernel's {@code virtio_net_hdr_to_skb} turns that
 * into a GSO {@code sk_buff} it segments and checksums only if it must (it forwards it out of a
 * device without offloads); delivered locally, it needs neither. Received: with
 * {@code TUNSETOFFLOAD} 0 the kernel segments and checksums everything before it reaches us, so
 * a header asking for either is an error. A packet socket's received headers are finished in
 * {@link ReceiveOffload} (docs/decisions/0032).
 */
final class VirtioNetHeader {
    /** {@code sizeof(struct virtio_net_hdr)}. */
    static final int LENGTH = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    static final int GSO_ECN = 0x80;
    /** {@code offsetof(struct tcphdr, check)}. */
    static final int TCP_CHECKSUM_OFFSET = 16;

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private VirtioNetHeader() {}

    /** Writes a header at {@code offset} of {@code at}. */
    static void write(MemorySegment at, long offset, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset) {
        at.set(ValueLayout.JAVA_BYTE, offset, (byte) flags);
        at.set(ValueLayout.JAVA_BYTE, offset + 1, (byte) gsoType);
        at.set(LE_SHORT, offset + 2, (short) hdrLen);
        at.set(LE_SHORT, offset + 4, (short) gsoSize);
        at.set(LE_SHORT, offset + 6, (short) csumStart);
        at.set(LE_SHORT, offset + 8, (short) csumOffset);
    }

    /** The header of a frame sent as it is: all zero. */
    static void writePlain(MemorySegment at, long offset) {
        write(at, offset, 0, GSO_NONE, 0, 0, 0, 0);
    }

    /**
     * Writes the header for the TCP/IPv4 or TCP/IPv6 segmentation frame {@code frame} (position to limit)
     * cut into segments of {@code segmentSize} payload bytes, after checking it as
     * {@link mirage.net.Netif.TcpSegmentation#send} says.
     *
     * @param maxSegmentFrame the longest segment frame, {@code mtu + 14}
     * @throws IllegalArgumentException naming what is wrong with the frame
     */
    static void writeSegmentation(MemorySegment at, long offset, ByteBuffer frame, int segmentSize, int maxSegmentFrame) {
        int p = frame.position();
        int length = frame.remaining();
        if (segmentSize < 1) {
            throw new IllegalArgumentException("segment size " + segmentSize);
        }
        if (length >= 74 && frame.getShort(p + 12) == (short) 0x86DD) {
            checkIpv6(frame);
            writeTcp(at, offset, frame, 54, GSO_TCPV6, segmentSize, maxSegmentFrame);
            return;
        }
        if (length < 54 || frame.getShort(p + 12) != 0x0800) {
            throw new IllegalArgumentException("not an untagged IPv4 frame of at least 54 bytes, nor an IPv6 one of 74");
        }
        int vihl = frame.get(p + 14) & 0xff;
        int ipHl = (vihl & 0xf) * 4;
        if (vihl >>> 4 != 4 || ipHl < 20 || 14 + ipHl + 20 > length) {
            throw new IllegalArgumentException("not an IPv4 header");
        }
        if ((frame.get(p + 14 + 9) & 0xff) != 6) {
            throw new IllegalArgumentException("not TCP");
        }
        if ((frame.getShort(p + 14 + 6) & 0x3fff) != 0) {
            throw new IllegalArgumentException("a fragment");
        }
        if ((frame.getShort(p + 14 + 2) & 0xffff) != length - 14) {
            throw new IllegalArgumentException("IPv4 total length is not the frame's");
        }
        writeTcp(at, offset, frame, 14 + ipHl, GSO_TCPV4, segmentSize, maxSegmentFrame);
    }

    /** Checks the IPv6 header of a TCP/IPv6 frame: TCP right after the fixed header, the frame's length. */
    private static void checkIpv6(ByteBuffer frame) {
        int p = frame.position();
        int length = frame.remaining();
        if ((frame.get(p + 14) & 0xff) >>> 4 != 6) {
            throw new IllegalArgumentException("not an IPv6 header");
        }
        if ((frame.get(p + 14 + 6) & 0xff) != 6) {
            throw new IllegalArgumentException("not TCP right after the IPv6 header");
        }
        if ((frame.getShort(p + 14 + 4) & 0xffff) != length - 54) {
            throw new IllegalArgumentException("IPv6 payload length is not the frame's");
        }
    }

    /** Checks the TCP header at {@code csumStart} and the segment size, and writes the header with {@code gsoType}. */
    private static void writeTcp(MemorySegment at, long offset, ByteBuffer frame, int csumStart, int gsoType, int segmentSize,
            int maxSegmentFrame) {
        int p = frame.position();
        int length = frame.remaining();
        int tcpHl = ((frame.get(p + csumStart + 12) & 0xff) >>> 4) * 4;
        int headers = csumStart + tcpHl;
        if (tcpHl < 20 || headers > length) {
            throw new IllegalArgumentException("bad TCP data offset");
        }
        int payload = length - headers;
        if (headers + Math.min(segmentSize, payload) > maxSegmentFrame) {
            throw new IllegalArgumentException("segments of " + segmentSize + " bytes exceed the MTU");
        }
        boolean gso = payload > segmentSize;
        write(at, offset, F_NEEDS_CSUM, gso ? gsoType : GSO_NONE, headers, gso ? segmentSize : 0, csumStart,
                TCP_CHECKSUM_OFFSET);
    }

    /** True if the received header at {@code offset} asks nothing of us (no GSO, no checksum to complete). */
    static boolean plain(MemorySegment at, long offset) {
        return (at.get(ValueLayout.JAVA_BYTE, offset) & F_NEEDS_CSUM) == 0 && at.get(ValueLayout.JAVA_BYTE, offset + 1) == GSO_NONE;
    }
}
