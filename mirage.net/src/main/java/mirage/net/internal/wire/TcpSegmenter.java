package mirage.net.internal.wire;

import java.nio.ByteBuffer;

/**
 * TCP segmentation in software: cuts one large TCP/IPv4 or TCP/IPv6 frame, laid out as
 * {@link mirage.net.Netif.TcpSegmentation} describes, into the frames a device with segmentation
 * offload would send (Linux's {@code tcp_gso_segment}, {@code inet_gso_segment} and
 * {@code ipv6_gso_segment}): the Ethernet, IP and TCP headers copied in front of each
 * {@code segmentSize} bytes of payload, the IPv4 total length, Identification (incremented per
 * segment) and header checksum, or the IPv6 payload length, rewritten, the TCP sequence number
 * advanced, PSH and FIN kept on the last segment only and CWR
 * on the first only, and the TCP checksum computed whole (the frame's partial checksum is not
 * used).
 *
 * <p>For a capture of an offloading interface, for a stack whose next hop is not resolved yet
 * (the ARP queue holds MTU-sized frames), and for tests. One reused output buffer: nothing is
 * allocated per frame. Not thread-safe.
 */
public final class TcpSegmenter {

    /** Where segments go: a frame from position to limit, lent for the call. */
    @FunctionalInterface
    public interface Sink {
        void segment(ByteBuffer frame);
    }

    /** The link header of an Ethernet frame: an untagged Ethernet II header. */
    public static final int ETHERNET = EthernetFrame.HEADER_LENGTH;
    /** No link header: the buffers are IP packets. */
    public static final int NONE = 0;
    private final int link;
    private final ByteBuffer out;

    /**
     * @param link {@link #ETHERNET} to cut Ethernet frames, {@link #NONE} to cut IP packets
     * @param maxSegment the longest segment, link header included (the MTU, + 14 for frames)
     */
    public TcpSegmenter(int link, int maxSegment) {
        if (link != ETHERNET && link != NONE) {
            throw new IllegalArgumentException("link header of " + link + " bytes");
        }
        this.link = link;
        this.out = ByteBuffer.allocate(maxSegment);
    }

    /**
     * Why {@code frame} (position to limit, after a link header of {@code link} bytes) is not
     * one {@link #segment} takes at {@code segmentSize} with segments of at most
     * {@code maxSegment} bytes, or null.
     */
    public static String problem(ByteBuffer frame, int link, int segmentSize, int maxSegment) {
        int at = frame.position();
        int length = frame.remaining();
        if (segmentSize < 1) {
            return "segment size " + segmentSize;
        }
        if (length < link + Ipv4Packet.MIN_HEADER_LENGTH + TcpSegment.MIN_HEADER_LENGTH) {
            return "a TCP/IPv4 frame has at least " + (link + 40) + " bytes, not " + length;
        }
        int ip = at + link;
        if (link == ETHERNET ? frame.getShort(at + EthernetFrame.TYPE) == (short) EthernetFrame.TYPE_IPV6
                : (frame.get(ip) & 0xff) >>> 4 == Ipv6Packet.VERSION) {
            return problemIpv6(frame, link, segmentSize, maxSegment);
        }
        if (link == ETHERNET && frame.getShort(at + EthernetFrame.TYPE) != (short) EthernetFrame.TYPE_IPV4) {
            return "not an untagged IPv4 or IPv6 frame";
        }
        int vihl = frame.get(ip) & 0xff;
        int ipHl = (vihl & 0xf) * 4;
        if (vihl >>> 4 != Ipv4Packet.VERSION || ipHl < Ipv4Packet.MIN_HEADER_LENGTH) {
            return "not an IPv4 header";
        }
        if ((frame.get(ip + Ipv4Packet.PROTOCOL) & 0xff) != Ipv4Packet.PROTOCOL_TCP) {
            return "not TCP";
        }
        if ((frame.getShort(ip + Ipv4Packet.FLAGS_FRAGMENT) & (Ipv4Packet.FLAG_MORE_FRAGMENTS | Ipv4Packet.FRAGMENT_OFFSET_MASK)) != 0) {
            return "a fragment";
        }
        if ((frame.getShort(ip + Ipv4Packet.TOTAL_LENGTH) & 0xffff) != length - link) {
            return "IPv4 total length " + (frame.getShort(ip + Ipv4Packet.TOTAL_LENGTH) & 0xffff) + " is not the frame's "
                    + (length - link);
        }
        if (link + ipHl + TcpSegment.MIN_HEADER_LENGTH > length) {
            return "truncated";
        }
        int tcpHl = ((frame.get(ip + ipHl + TcpSegment.DATA_OFFSET) & 0xff) >>> 4) * 4;
        if (tcpHl < TcpSegment.MIN_HEADER_LENGTH || link + ipHl + tcpHl > length) {
            return "bad TCP data offset";
        }
        int headers = link + ipHl + tcpHl;
        if (headers + Math.min(segmentSize, length - headers) > maxSegment) {
            return "segments of " + segmentSize + " bytes after " + headers + " bytes of headers exceed " + maxSegment;
        }
        return null;
    }

    /** {@link #problem} for IPv6: a fixed header directly followed by TCP (no extension header). */
    private static String problemIpv6(ByteBuffer frame, int link, int segmentSize, int maxSegment) {
        int at = frame.position();
        int length = frame.remaining();
        int ip = at + link;
        if (length < link + Ipv6Packet.HEADER_LENGTH + TcpSegment.MIN_HEADER_LENGTH) {
            return "a TCP/IPv6 frame has at least " + (link + 60) + " bytes, not " + length;
        }
        if ((frame.get(ip) & 0xff) >>> 4 != Ipv6Packet.VERSION) {
            return "not an IPv6 header";
        }
        if ((frame.get(ip + Ipv6Packet.NEXT_HEADER) & 0xff) != Ipv6Packet.NEXT_HEADER_TCP) {
            return "not TCP right after the IPv6 header";
        }
        int payloadLength = frame.getShort(ip + Ipv6Packet.PAYLOAD_LENGTH) & 0xffff;
        if (payloadLength != length - link - Ipv6Packet.HEADER_LENGTH) {
            return "IPv6 payload length " + payloadLength + " is not the frame's " + (length - link - Ipv6Packet.HEADER_LENGTH);
        }
        int tcpHl = ((frame.get(ip + Ipv6Packet.HEADER_LENGTH + TcpSegment.DATA_OFFSET) & 0xff) >>> 4) * 4;
        if (tcpHl < TcpSegment.MIN_HEADER_LENGTH || link + Ipv6Packet.HEADER_LENGTH + tcpHl > length) {
            return "bad TCP data offset";
        }
        int headers = link + Ipv6Packet.HEADER_LENGTH + tcpHl;
        if (headers + Math.min(segmentSize, length - headers) > maxSegment) {
            return "segments of " + segmentSize + " bytes after " + headers + " bytes of headers exceed " + maxSegment;
        }
        return null;
    }

    /** Whether a valid {@code frame} carries IPv6. */
    private static boolean isIpv6(ByteBuffer frame, int link) {
        return (frame.get(frame.position() + link) & 0xff) >>> 4 == Ipv6Packet.VERSION;
    }

    /** The number of segments a valid {@code frame} makes at {@code segmentSize}: at least 1. */
    public static int count(ByteBuffer frame, int link, int segmentSize) {
        int payload = frame.remaining() - headerLength(frame, link);
        return Math.max(1, (payload + segmentSize - 1) / segmentSize);
    }

    /** Link, IP and TCP headers of a valid frame, in bytes. */
    public static int headerLength(ByteBuffer frame, int link) {
        int ip = frame.position() + link;
        int ipHl = isIpv6(frame, link) ? Ipv6Packet.HEADER_LENGTH : (frame.get(ip) & 0xf) * 4;
        return link + ipHl + ((frame.get(ip + ipHl + TcpSegment.DATA_OFFSET) & 0xff) >>> 4) * 4;
    }

    /**
     * The value of the TCP checksum field a segmentation device expects: the folded,
     * uncomplemented sum of the pseudo-header for {@code tcpLength} bytes of TCP.
     */
    public static int pseudoHeaderSeed(int source, int destination, int tcpLength) {
        return InternetChecksum.fold(InternetChecksum.pseudoHeader(source, destination, Ipv4Packet.PROTOCOL_TCP, tcpLength));
    }

    /** As {@link #pseudoHeaderSeed(int, int, int)} over IPv6, the addresses read from the 32 bytes at {@code addresses}. */
    public static int pseudoHeaderSeed(ByteBuffer buffer, int addresses, int tcpLength) {
        return InternetChecksum.fold(InternetChecksum.ipv6PseudoHeader(buffer, addresses, Ipv6Packet.NEXT_HEADER_TCP, tcpLength));
    }

    /**
     * Hands each segment of {@code frame} (position to limit, neither moved) to {@code sink}.
     *
     * @return the number of segments
     * @throws IllegalArgumentException as {@link #problem} says
     */
    public int segment(ByteBuffer frame, int segmentSize, Sink sink) {
        String problem = problem(frame, link, segmentSize, out.capacity());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        int at = frame.position();
        int ip = link;
        boolean v6 = isIpv6(frame, link);
        int ipHl = v6 ? Ipv6Packet.HEADER_LENGTH : (frame.get(at + ip) & 0xf) * 4;
        int tcp = ip + ipHl;
        int headers = headerLength(frame, link);
        int tcpHl = headers - tcp;
        int payload = frame.remaining() - headers;
        int id = v6 ? 0 : frame.getShort(at + ip + Ipv4Packet.IDENTIFICATION) & 0xffff;
        int seq = frame.getInt(at + tcp + TcpSegment.SEQUENCE);
        int flags = frame.get(at + tcp + TcpSegment.FLAGS) & 0xff;
        int source = v6 ? 0 : frame.getInt(at + ip + Ipv4Packet.SOURCE);
        int destination = v6 ? 0 : frame.getInt(at + ip + Ipv4Packet.DESTINATION);
        int segments = count(frame, link, segmentSize);
        ByteBuffer b = out;
        for (int i = 0, off = 0; i < segments; i++, off += segmentSize) {
            int n = Math.min(segmentSize, payload - off);
            boolean first = i == 0;
            boolean last = i == segments - 1;
            b.clear();
            b.put(0, frame, at, headers);
            b.put(headers, frame, at + headers + off, n);
            if (v6) {
                b.putShort(ip + Ipv6Packet.PAYLOAD_LENGTH, (short) (tcpHl + n));
            } else {
                b.putShort(ip + Ipv4Packet.TOTAL_LENGTH, (short) (ipHl + tcpHl + n));
                b.putShort(ip + Ipv4Packet.IDENTIFICATION, (short) (id + i));
                b.putShort(ip + Ipv4Packet.CHECKSUM, (short) 0);
                b.putShort(ip + Ipv4Packet.CHECKSUM, (short) InternetChecksum.of(b, ip, ipHl));
            }
            b.putInt(tcp + TcpSegment.SEQUENCE, seq + off);
            int f = flags;
            if (!last) {
                f &= ~(TcpSegment.PSH | TcpSegment.FIN);
            }
            if (!first) {
                f &= ~TcpSegment.CWR;
            }
            b.put(tcp + TcpSegment.FLAGS, (byte) f);
            b.putShort(tcp + TcpSegment.CHECKSUM, (short) 0);
            long sum = v6 ? InternetChecksum.ipv6PseudoHeader(b, ip + Ipv6Packet.SOURCE, Ipv6Packet.NEXT_HEADER_TCP, tcpHl + n)
                    : InternetChecksum.pseudoHeader(source, destination, Ipv4Packet.PROTOCOL_TCP, tcpHl + n);
            b.putShort(tcp + TcpSegment.CHECKSUM, (short) InternetChecksum.finish(InternetChecksum.add(sum, b, tcp, tcpHl + n)));
            b.limit(headers + n).position(0);
            sink.segment(b);
        }
        return segments;
    }
}
