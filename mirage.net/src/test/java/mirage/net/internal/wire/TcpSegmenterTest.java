package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * Software segmentation of a TCP super-segment: each segment equals the frame built
 * independently from its fields ({@link TcpRepr#emit}, a hand-written IPv4 header) as a sender
 * without offload would send it; checksums verify; sequence numbers wrap; bad frames are refused.
 */
public class TcpSegmenterTest {
    public static final Ipv4Address SRC = Ipv4Address.parse("10.0.0.1");
    public static final Ipv4Address DST = Ipv4Address.parse("10.0.0.2");
    static final byte[] MACS = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    static final List<TcpOption> OPTIONS = List.of(new TcpOption.Timestamps(111, 222));

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 13 + 5);
        }
        return b;
    }

    /**
     * An Ethernet frame of one TCP/IPv4 segment, built field by field; with {@code partial} the
     * TCP checksum field holds the pseudo-header seed instead of the checksum.
     */
    public static byte[] frame(int id, int seq, int flags, byte[] data, boolean partial) {
        TcpRepr r = new TcpRepr(80, 40000, seq, 77, flags, 1000, 0, OPTIONS, data.length);
        ByteBuffer tcp = ByteBuffer.allocate(r.bufferLen());
        tcp.put(r.headerLength(), data);
        r.emit(tcp, 0, SRC, DST);
        if (partial) {
            tcp.putShort(TcpSegment.CHECKSUM, (short) TcpSegmenter.pseudoHeaderSeed(SRC.bits(), DST.bits(), tcp.capacity()));
        }
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + tcp.capacity());
        b.put(MACS).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcp.capacity())).putShort((short) id).putShort((short) 0)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(SRC.bits()).putInt(DST.bits());
        b.putShort(14 + 10, (short) InternetChecksum.of(b, 14, 20));
        b.put(tcp.array());
        return b.array();
    }

    static final mirage.net.Ipv6Address SRC6 = mirage.net.Ipv6Address.parse("2001:db8::1");
    static final mirage.net.Ipv6Address DST6 = mirage.net.Ipv6Address.parse("2001:db8::2");

    /** As {@link #frame} over IPv6: a fixed header, then TCP. */
    static byte[] frame6(int seq, int flags, byte[] data, boolean partial) {
        TcpRepr r = new TcpRepr(80, 40000, seq, 77, flags, 1000, 0, OPTIONS, data.length);
        ByteBuffer tcp = ByteBuffer.allocate(r.bufferLen());
        tcp.put(r.headerLength(), data);
        r.emit(tcp, 0, SRC6, DST6);
        if (partial) {
            tcp.putShort(TcpSegment.CHECKSUM, (short) InternetChecksum.fold(InternetChecksum.pseudoHeader(SRC6, DST6, 6, tcp.capacity())));
        }
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + tcp.capacity());
        b.put(MACS).putShort((short) 0x86dd);
        b.putInt(0x6000_0000).putShort((short) tcp.capacity()).put((byte) 6).put((byte) 64);
        b.putLong(SRC6.high()).putLong(SRC6.low()).putLong(DST6.high()).putLong(DST6.low());
        b.put(tcp.array());
        return b.array();
    }

    @Test
    void ipv6SuperSegment_cutsIntoWhatASenderWithoutOffloadSends() {
        int flags = TcpSegment.ACK | TcpSegment.PSH | TcpSegment.CWR;
        byte[] data = payload(3 * 1000 + 448);
        int seq = 0x1234_5678;
        byte[] frame = frame6(seq, flags, data, true);
        int seed = InternetChecksum.fold(InternetChecksum.pseudoHeader(SRC6, DST6, 6, frame.length - 54));
        assertEquals(seed, TcpSegmenter.pseudoHeaderSeed(ByteBuffer.wrap(frame), 14 + 8, frame.length - 54));
        List<byte[]> segments = cut(frame, 1000);
        assertEquals(4, segments.size());
        for (int i = 0; i < 4; i++) {
            byte[] part = java.util.Arrays.copyOfRange(data, i * 1000, Math.min(data.length, (i + 1) * 1000));
            int f = TcpSegment.ACK | (i == 0 ? TcpSegment.CWR : 0) | (i == 3 ? TcpSegment.PSH : 0);
            assertArrayEquals(frame6(seq + i * 1000, f, part, false), segments.get(i), "segment " + i);
        }
    }

    @Test
    void ipv6Frame_withAnExtensionHeaderOrAWrongLength_isRefused() {
        byte[] frame = frame6(1, TcpSegment.ACK, payload(3000), true);
        frame[14 + 6] = 0; // Hop-by-Hop first: the segmenter takes TCP right after the fixed header only
        assertEquals("not TCP right after the IPv6 header", TcpSegmenter.problem(ByteBuffer.wrap(frame), TcpSegmenter.ETHERNET, 1000, 1514));
        frame = frame6(1, TcpSegment.ACK, payload(3000), true);
        frame[14 + 5]++;
        assertTrue(TcpSegmenter.problem(ByteBuffer.wrap(frame), TcpSegmenter.ETHERNET, 1000, 1514).startsWith("IPv6 payload length"));
    }

    static List<byte[]> cut(byte[] frame, int segmentSize) {
        List<byte[]> out = new ArrayList<>();
        int n = new TcpSegmenter(TcpSegmenter.ETHERNET, 1514).segment(ByteBuffer.wrap(frame), segmentSize, s -> {
            byte[] b = new byte[s.remaining()];
            s.get(s.position(), b);
            out.add(b);
        });
        assertEquals(out.size(), n);
        return out;
    }

    @Test
    void superSegment_cutsIntoWhatASenderWithoutOffloadSends() {
        int cwr = TcpSegment.CWR;
        int flags = TcpSegment.ACK | TcpSegment.PSH | cwr;
        byte[] data = payload(3 * 1000 + 448);
        int seq = 0xffff_fc00; // wraps inside the second segment
        List<byte[]> segments = cut(frame(0xfffe, seq, flags, data, true), 1000);
        assertEquals(4, segments.size());
        for (int i = 0; i < 4; i++) {
            byte[] part = java.util.Arrays.copyOfRange(data, i * 1000, Math.min(data.length, (i + 1) * 1000));
            int f = TcpSegment.ACK | (i == 0 ? cwr : 0) | (i == 3 ? TcpSegment.PSH : 0);
            assertArrayEquals(frame((0xfffe + i) & 0xffff, seq + i * 1000, f, part, false), segments.get(i), "segment " + i);
        }
    }

    @Test
    void segments_verify() {
        for (byte[] s : cut(frame(1, 5, TcpSegment.ACK, payload(10_000), true), 1448)) {
            Ipv4Packet ip = new Ipv4Packet();
            assertTrue(ip.check(ByteBuffer.wrap(s), 14, s.length - 14));
            assertTrue(ip.checksumVerifies());
            TcpSegment t = new TcpSegment();
            assertTrue(t.check(ip.buffer(), ip.payloadOffset(), ip.payloadLength()));
            assertTrue(t.checksumVerifies(SRC.bits(), DST.bits()));
            assertTrue(s.length <= 1514);
        }
    }

    @Test
    void oneSegmentOrLess_isSentWhole_checksumCompleted() {
        byte[] data = payload(500);
        assertArrayEquals(frame(9, 1, TcpSegment.ACK | TcpSegment.PSH, data, false),
                cut(frame(9, 1, TcpSegment.ACK | TcpSegment.PSH, data, true), 1000).get(0));
    }

    @Test
    void datagrams_withoutLinkHeader_cutTheSame() {
        byte[] frame = frame(3, 100, TcpSegment.ACK, payload(4000), true);
        List<byte[]> viaFrames = cut(frame, 1448);
        List<byte[]> viaDatagrams = new ArrayList<>();
        new TcpSegmenter(TcpSegmenter.NONE, 1500).segment(ByteBuffer.wrap(frame, 14, frame.length - 14).slice(), 1448, s -> {
            byte[] b = new byte[s.remaining()];
            s.get(s.position(), b);
            viaDatagrams.add(b);
        });
        assertEquals(viaFrames.size(), viaDatagrams.size());
        for (int i = 0; i < viaFrames.size(); i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(viaFrames.get(i), 14, viaFrames.get(i).length), viaDatagrams.get(i));
        }
    }

    @Test
    void badFrames_refusedWithAReason() {
        byte[] good = frame(1, 1, TcpSegment.ACK, payload(3000), true);
        assertNull(TcpSegmenter.problem(ByteBuffer.wrap(good), TcpSegmenter.ETHERNET, 1000, 1514));
        assertTrue(TcpSegmenter.problem(ByteBuffer.wrap(good), TcpSegmenter.ETHERNET, 0, 1514).contains("segment size"));
        assertTrue(TcpSegmenter.problem(ByteBuffer.wrap(good), TcpSegmenter.ETHERNET, 1500, 1514).contains("exceed"));
        byte[] arp = good.clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertTrue(TcpSegmenter.problem(ByteBuffer.wrap(arp), TcpSegmenter.ETHERNET, 1000, 1514).contains("IPv4"));
        byte[] udp = good.clone();
        udp[14 + 9] = 17;
        assertEquals("not TCP", TcpSegmenter.problem(ByteBuffer.wrap(udp), TcpSegmenter.ETHERNET, 1000, 1514));
        byte[] fragment = good.clone();
        fragment[14 + 6] = 0x20;
        assertEquals("a fragment", TcpSegmenter.problem(ByteBuffer.wrap(fragment), TcpSegmenter.ETHERNET, 1000, 1514));
        assertTrue(TcpSegmenter.problem(ByteBuffer.wrap(good, 0, good.length - 1), TcpSegmenter.ETHERNET, 1000, 1514)
                .contains("total length"));
        byte[] offset = good.clone();
        offset[14 + 20 + 12] = (byte) 0x40;
        assertEquals("bad TCP data offset", TcpSegmenter.problem(ByteBuffer.wrap(offset), TcpSegmenter.ETHERNET, 1000, 1514));
        assertThrows(IllegalArgumentException.class, () -> cut(udp, 1000));
    }
}
