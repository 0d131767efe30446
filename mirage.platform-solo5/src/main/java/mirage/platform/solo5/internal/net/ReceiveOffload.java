package mirage.platform.solo5.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finishes in software what a received {@link VirtioNetHeader} leaves undone, so that the stack
 * gets only whole, checksummed, MTU-sized frames. An {@code AF_PACKET} socket with
 * {@code PACKET_VNET_HDR} hands frames over as the kernel holds them, and on a veth the kernel
 * holds Linux's own TCP and UDP with the checksum left to the device ({@code NEEDS_CSUM}:
 * {@code csum_start}, {@code csum_offset}, the field holding the pseudo-header sum) and bulk TCP
 * as super-frames of up to 64 KiB ({@code GSO_TCPV4}: the sender's TSO, or GRO on receive).
 *
 * <ul>
 *   <li>No GSO: the frame is copied to the output buffer (an 802.1Q tag the kernel took out of
 *       it, {@code tp_vlan_tci}, put back in), and with {@code NEEDS_CSUM} the checksum is
 *       completed: the ones'-complement sum from {@code csum_start} to the end, complemented,
 *       written at {@code csum_start + csum_offset} (0 written as 0xffff), as Linux's
 *       {@code skb_checksum_help} does. {@code DATA_VALID} frames are taken as they are. A
 *       checksum that would start in the Ethernet header, end past the frame or sit at an odd
 *       offset from its start is malformed.
 *   <li>{@code GSO_TCPV4} (with or without the ECN bit): the frame is cut into segments of
 *       {@code gso_size} payload bytes as Linux's {@code tcp_gso_segment} would (headers copied,
 *       IPv4 total length, Identification (+1 per segment) and header checksum rewritten,
 *       sequence number advanced, FIN and PSH on the last segment only, CWR on the first only,
 *       the TCP checksum computed whole: the field's content, partial or stale after GRO, is not
 *       used). The frame must be untagged Ethernet, IPv4 unfragmented with the frame's total
 *       length, TCP with a valid data offset; {@code hdr_len} is not trusted (the kernel puts the
 *       length of its linear data there).
 *   <li>Any other GSO type (UDP, TCPv6, USO) is not taken: the stack has no IPv6 and Linux sends
 *       no UDP super-frames unless an application asks for them.
 * </ul>
 *
 * <p>Nothing the header or the frame says can make this throw or touch memory outside the
 * frame and the output buffer: a frame that is not as described is {@link Outcome#MALFORMED}.
 * Header fields are read in the host's byte order ({@code PACKET_VNET_HDR}'s, which is
 * little-endian on the hosts this runs on). One reused output buffer; not thread-safe.
 */
final class ReceiveOffload {
    /** Where finished frames go: {@code length} bytes from the start of the output buffer, lent for the call. */
    interface Sink {
        void frame(int length);
    }

    /** What became of a received frame. */
    enum Outcome {
        /** Handed to the sink, as one frame or as segments. */
        DELIVERED,
        /** Lengths, offsets or headers that cannot be right: nothing delivered. */
        MALFORMED,
        /** A well-formed frame asking for what is not done here (see the class comment): nothing delivered. */
        UNSUPPORTED
    }

    static final int GSO_TYPE_MASK = 0x7f;
    static final int TAG_LENGTH = 4;
    private static final int ETHERNET = 14;
    private static final int TYPE_IPV4 = 0x0800;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;
    private static final ValueLayout.OfShort HOST_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment out;
    private final int maxFrame;

    /**
     * @param out where frames and segments are made; at least {@code maxFrame} bytes
     * @param maxFrame the longest frame delivered, header included (the MTU + 14, + 4 for a tag)
     */
    ReceiveOffload(MemorySegment out, int maxFrame) {
        if (out.byteSize() < maxFrame || maxFrame < ETHERNET) {
            throw new IllegalArgumentException("output of " + out.byteSize() + " bytes for frames of " + maxFrame);
        }
        this.out = out;
        this.maxFrame = maxFrame;
    }

    /**
     * Takes the frame of {@code length} bytes at {@code at} in {@code in}, received behind the
     * header at {@code vnetAt} in {@code vnet}, and hands what it makes to {@code sink}.
     *
     * @param vlanTag a tag the kernel took out of the frame, {@code tpid << 16 | tci}, or -1
     */
    Outcome take(MemorySegment vnet, long vnetAt, MemorySegment in, long at, int length, int vlanTag, Sink sink) {
        if (vnetAt < 0 || vnetAt > vnet.byteSize() - VirtioNetHeader.LENGTH || at < 0 || length < ETHERNET
                || at > in.byteSize() - length) {
            return Outcome.MALFORMED;
        }
        int flags = vnet.get(JAVA_BYTE, vnetAt) & 0xff;
        int gsoType = vnet.get(JAVA_BYTE, vnetAt + 1) & GSO_TYPE_MASK;
        int gsoSize = vnet.get(HOST_SHORT, vnetAt + 4) & 0xffff;
        int csumStart = vnet.get(HOST_SHORT, vnetAt + 6) & 0xffff;
        int csumOffset = vnet.get(HOST_SHORT, vnetAt + 8) & 0xffff;
        if (gsoType == VirtioNetHeader.GSO_NONE) {
            return whole(in, at, length, vlanTag, (flags & VirtioNetHeader.F_NEEDS_CSUM) != 0, csumStart, csumOffset, sink);
        }
        if (gsoType != VirtioNetHeader.GSO_TCPV4 || vlanTag != -1) {
            return Outcome.UNSUPPORTED;
        }
        return segments(in, at, length, gsoSize, sink);
    }

    private Outcome whole(MemorySegment in, long at, int length, int vlanTag, boolean needsChecksum, int csumStart,
            int csumOffset, Sink sink) {
        int tag = vlanTag == -1 ? 0 : TAG_LENGTH;
        int total = length + tag;
        if (total > maxFrame) {
            return Outcome.MALFORMED;
        }
        if (tag == 0) {
            MemorySegment.copy(in, at, out, 0, length);
        } else {
            MemorySegment.copy(in, at, out, 0, 12);
            out.set(NET_INT, 12, vlanTag);
            MemorySegment.copy(in, at + 12, out, 12 + TAG_LENGTH, length - 12);
        }
        if (needsChecksum) {
            // csum_start counts from the frame as the kernel holds it, without the tag
            long start = (long) csumStart + tag;
            long field = start + csumOffset;
            // an odd offset is no 16-bit checksum of the range (Linux's are 16 for TCP, 6 for UDP)
            if (start < ETHERNET + tag || field + 2 > total || (csumOffset & 1) != 0) {
                return Outcome.MALFORMED;
            }
            int sum = fold(add(0, out, start, (int) (total - start)));
            int checksum = ~sum & 0xffff;
            out.set(NET_SHORT, field, (short) (checksum == 0 ? 0xffff : checksum));
        }
        sink.frame(total);
        return Outcome.DELIVERED;
    }

    private Outcome segments(MemorySegment in, long at, int length, int gsoSize, Sink sink) {
        if (gsoSize < 1 || length < ETHERNET + 40 || (in.get(NET_SHORT, at + 12) & 0xffff) != TYPE_IPV4) {
            return Outcome.MALFORMED;
        }
        long ip = at + ETHERNET;
        int versionIhl = in.get(JAVA_BYTE, ip) & 0xff;
        int ipHl = (versionIhl & 0xf) * 4;
        if (versionIhl >>> 4 != 4 || ipHl < 20 || (in.get(JAVA_BYTE, ip + 9) & 0xff) != 6
                || (in.get(NET_SHORT, ip + 6) & 0x3fff) != 0 || (in.get(NET_SHORT, ip + 2) & 0xffff) != length - ETHERNET
                || ETHERNET + ipHl + 20 > length) {
            return Outcome.MALFORMED;
        }
        long tcp = ip + ipHl;
        int tcpHl = ((in.get(JAVA_BYTE, tcp + 12) & 0xff) >>> 4) * 4;
        int headers = ETHERNET + ipHl + tcpHl;
        if (tcpHl < 20 || headers > length) {
            return Outcome.MALFORMED;
        }
        int payload = length - headers;
        if (headers + Math.min(gsoSize, payload) > maxFrame) {
            return Outcome.MALFORMED;
        }
        int id = in.get(NET_SHORT, ip + 4) & 0xffff;
        int seq = in.get(NET_INT, tcp + 4);
        int flags = in.get(JAVA_BYTE, tcp + 13) & 0xff;
        long pseudo = add(add(0, in, ip + 12, 8), 6);
        int outIp = ETHERNET;
        int outTcp = ETHERNET + ipHl;
        int offset = 0;
        do {
            int n = Math.min(gsoSize, payload - offset);
            boolean first = offset == 0;
            boolean last = offset + n == payload;
            MemorySegment.copy(in, at, out, 0, headers);
            MemorySegment.copy(in, at + headers + offset, out, headers, n);
            out.set(NET_SHORT, outIp + 2, (short) (ipHl + tcpHl + n));
            out.set(NET_SHORT, outIp + 4, (short) (id + offset / gsoSize));
            out.set(NET_SHORT, outIp + 10, (short) 0);
            out.set(NET_SHORT, outIp + 10, (short) ~fold(add(0, out, outIp, ipHl)));
            out.set(NET_INT, outTcp + 4, seq + offset);
            int f = flags;
            if (!last) {
                f &= ~(TCP_FIN | TCP_PSH);
            }
            if (!first) {
                f &= ~TCP_CWR;
            }
            out.set(JAVA_BYTE, outTcp + 13, (byte) f);
            out.set(NET_SHORT, outTcp + 16, (short) 0);
            long sum = add(add(pseudo, tcpHl + n), out, outTcp, tcpHl + n);
            out.set(NET_SHORT, outTcp + 16, (short) ~fold(sum));
            sink.frame(headers + n);
            offset += n;
        } while (offset < payload);
        return Outcome.DELIVERED;
    }

    /** {@code sum} plus the 16-bit words of {@code length} bytes at {@code from} (an odd last byte padded with zero). */
    static long add(long sum, MemorySegment s, long from, int length) {
        long p = from;
        long end = from + length;
        while (p + 4 <= end) {
            sum += Integer.toUnsignedLong(s.get(NET_INT, p));
            p += 4;
        }
        if (p + 2 <= end) {
            sum += s.get(NET_SHORT, p) & 0xffff;
            p += 2;
        }
        if (p < end) {
            sum += (s.get(JAVA_BYTE, p) & 0xff) << 8;
        }
        return sum;
    }

    private static long add(long sum, int value) {
        return sum + (value & 0xffffffffL);
    }

    /** The 16-bit ones'-complement sum that {@code sum} (32-bit and larger words) folds to. */
    static int fold(long sum) {
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
