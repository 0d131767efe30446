package mirage.platform.solo5.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.internal.wire.TcpSegmenter;
import org.junit.jupiter.api.Test;

/**
 * The receive side of {@code PACKET_VNET_HDR}: frames the kernel hands over with a checksum to
 * complete or as TCP super-frames come out whole, checksummed and MTU-sized; a tag the kernel
 * took out is put back; the super-frames are cut exactly as {@code mirage.net}'s software
 * segmentation ({@link TcpSegmenter}, the sending side's reference) cuts them, for any payload,
 * segment size, TCP options, flags, Identification and sequence number (a property); what is
 * malformed or not supported is refused without delivering anything.
 */
class ReceiveOffloadTest {
    static final int MAX = 1514 + 4;
    final Arena arena = Arena.ofAuto();
    final MemorySegment out = arena.allocate(MAX + 1);
    final ReceiveOffload offload = new ReceiveOffload(out, MAX);
    final List<byte[]> delivered = new ArrayList<>();
    final ReceiveOffload.Sink sink = length -> delivered.add(out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));

    /** A virtio header in host (little-endian) order. */
    static byte[] vnet(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset) {
        ByteBuffer b = ByteBuffer.allocate(VirtioNetHeader.LENGTH).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) flags).put((byte) gsoType).putShort((short) 0).putShort((short) gsoSize).putShort((short) csumStart)
                .putShort((short) csumOffset);
        return b.array();
    }

    ReceiveOffload.Outcome take(byte[] header, byte[] frame, int vlanTag) {
        MemorySegment h = arena.allocate(header.length);
        h.copyFrom(MemorySegment.ofArray(header));
        MemorySegment f = arena.allocate(Math.max(1, frame.length));
        f.copyFrom(MemorySegment.ofArray(frame));
        return offload.take(h, 0, f, 0, frame.length, vlanTag, sink);
    }

    /**
     * A TCP/IPv4 frame as Linux holds it before a device finishes it: {@code options} bytes of
     * TCP options, {@code payload} bytes, the checksum field holding the pseudo-header sum.
     */
    static byte[] tcpFrame(int payload, int options, int flags, int id, int seq) {
        int tcpLength = 20 + options + payload;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + tcpLength);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLength)).putShort((short) id).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 80).putShort((short) 40000).putInt(seq).putInt(99).put((byte) ((5 + options / 4) << 4))
                .put((byte) flags).putShort((short) 1000).putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < options; i++) {
            b.put((byte) 1);
        }
        for (int i = 0; i < payload; i++) {
            b.put((byte) (i * 31 + 7));
        }
        byte[] f = b.array();
        int ipSum = ~ReceiveOffload.fold(ReceiveOffload.add(0, MemorySegment.ofArray(f), 14, 20)) & 0xffff;
        f[24] = (byte) (ipSum >> 8);
        f[25] = (byte) ipSum;
        int seed = TcpSegmenter.pseudoHeaderSeed(0x0a000001, 0x0a000002, tcpLength);
        f[34 + 16] = (byte) (seed >> 8);
        f[34 + 17] = (byte) seed;
        return f;
    }

    /** Whether the ones'-complement sum over the pseudo-header and the transport part verifies (is all ones). */
    static boolean transportChecksumVerifies(byte[] f, int protocol) {
        int length = ((f[16] & 0xff) << 8 | (f[17] & 0xff)) - 20;
        long sum = ReceiveOffload.add(0, MemorySegment.ofArray(f), 26, 8) + protocol + length;
        sum = ReceiveOffload.add(sum, MemorySegment.ofArray(f), 34, length);
        return ReceiveOffload.fold(sum) == 0xffff;
    }

    static List<byte[]> softwareSegments(byte[] frame, int segmentSize) {
        List<byte[]> segments = new ArrayList<>();
        new TcpSegmenter(TcpSegmenter.ETHERNET, MAX - 4).segment(ByteBuffer.wrap(frame), segmentSize, s -> {
            byte[] copy = new byte[s.remaining()];
            s.get(s.position(), copy);
            segments.add(copy);
        });
        return segments;
    }

    @Test
    void aPlainFrame_isDeliveredAsItIs() {
        byte[] frame = tcpFrame(100, 0, 0x10, 1, 1);
        assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(0, 0, 0, 0, 0), frame, -1));
        assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(VirtioNetHeader.F_DATA_VALID, 0, 0, 0, 0), frame, -1));
        assertEquals(2, delivered.size());
        assertArrayEquals(frame, delivered.get(0));
        assertArrayEquals(frame, delivered.get(1), "DATA_VALID: checked by the kernel, taken as it is");
    }

    @Test
    void needsCsum_tcp_theChecksumIsCompletedFromThePseudoHeaderSum() {
        byte[] frame = tcpFrame(1000, 12, 0x18, 7, 12345);
        assertTrue(!transportChecksumVerifies(frame, 6), "partial as it arrives");
        assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 34, 16), frame, -1));
        assertTrue(transportChecksumVerifies(delivered.get(0), 6));
        assertArrayEquals(softwareSegments(frame, 1448).get(0), delivered.get(0), "what software segmentation makes of one segment");
    }

    @Test
    void needsCsum_udp_aChecksumOfZeroIsSentAsAllOnes() {
        // a UDP datagram whose complete checksum comes out as 0: RFC 768 sends that as 0xffff
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + 2);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 30).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 7).putShort((short) 7).putShort((short) 10).putShort((short) 0);
        byte[] f = b.array();
        // pseudo-header sum, then the data chosen so that the whole sums to 0xffff
        long pseudo = ReceiveOffload.add(0, MemorySegment.ofArray(f), 26, 8) + 17 + 10;
        int seed = ReceiveOffload.fold(pseudo);
        f[40] = (byte) (seed >> 8);
        f[41] = (byte) seed;
        int rest = ReceiveOffload.fold(ReceiveOffload.add(0, MemorySegment.ofArray(f), 34, 8));
        int data = ~rest & 0xffff;
        f[42] = (byte) (data >> 8);
        f[43] = (byte) data;
        assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 34, 6), f, -1));
        byte[] d = delivered.get(0);
        assertEquals(0xffff, (d[40] & 0xff) << 8 | (d[41] & 0xff));
        assertTrue(transportChecksumVerifies(d, 17));
    }

    @Test
    void aTagTheKernelTookOut_isPutBack_andTheChecksumStartMovesWithIt() {
        byte[] frame = tcpFrame(200, 0, 0x10, 3, 3);
        assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(VirtioNetHeader.F_NEEDS_CSUM, 0, 0, 34, 16), frame, 0x8100_2005));
        byte[] d = delivered.get(0);
        assertEquals(frame.length + 4, d.length);
        assertArrayEquals(java.util.Arrays.copyOf(frame, 12), java.util.Arrays.copyOf(d, 12));
        assertArrayEquals(new byte[] {(byte) 0x81, 0, 0x20, 0x05, 0x08, 0x00}, java.util.Arrays.copyOfRange(d, 12, 18));
        byte[] untagged = new byte[frame.length];
        System.arraycopy(d, 0, untagged, 0, 12);
        System.arraycopy(d, 16, untagged, 12, frame.length - 12);
        assertTrue(transportChecksumVerifies(untagged, 6), "completed at the shifted offset");
    }

    @Test
    void superFrames_areCutAsSoftwareSegmentationCutsThem() {
        qt().withExamples(300).forAll(integers().between(0, 9000), integers().between(1, 1460), integers().between(0, 10),
                integers().between(0, 255)).checkAssert((payload, segment, optionWords, flags) -> {
                    int options = optionWords * 4;
                    int size = Math.min(segment, 1460 - options);
                    byte[] frame = tcpFrame(payload, options, flags, 0xfff0 + flags % 32, 0xffff_f000 + payload);
                    delivered.clear();
                    int gso = VirtioNetHeader.GSO_TCPV4 | (flags & 0x40) << 1; // sometimes with the ECN bit
                    assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(VirtioNetHeader.F_NEEDS_CSUM, gso, size, 34, 16), frame, -1));
                    List<byte[]> expected = softwareSegments(frame, size);
                    assertEquals(expected.size(), delivered.size());
                    for (int i = 0; i < expected.size(); i++) {
                        assertArrayEquals(expected.get(i), delivered.get(i), "segment " + i);
                        assertTrue(transportChecksumVerifies(delivered.get(i), 6));
                    }
                });
    }

    @Test
    void aSuperFrameAfterGro_withAStaleChecksum_getsItsChecksumsComputedWhole() {
        byte[] frame = tcpFrame(4000, 12, 0x18, 1, 1);
        frame[34 + 16] = 0x12; // whatever the first merged segment carried
        frame[34 + 17] = 0x34;
        assertEquals(ReceiveOffload.Outcome.DELIVERED, take(vnet(VirtioNetHeader.F_DATA_VALID, VirtioNetHeader.GSO_TCPV4, 1448, 0, 0),
                frame, -1));
        assertEquals(3, delivered.size());
        for (byte[] d : delivered) {
            assertTrue(transportChecksumVerifies(d, 6));
        }
    }

    @Test
    void malformed_nothingDelivered() {
        byte[] frame = tcpFrame(3000, 0, 0x10, 1, 1);
        int needs = VirtioNetHeader.F_NEEDS_CSUM;
        byte[] small = tcpFrame(100, 0, 0x10, 1, 1);
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, 0, 0, 34, 16), frame, -1), "longer than the MTU, no GSO");
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, 0, 0, 34, small.length), small, -1), "field past the end");
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, 0, 0, 0xffff, 0xffff), small, -1), "start past the end");
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, 0, 0, 4, 2), small, -1), "inside the Ethernet header");
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, 0, 0, 34, 1), small, -1), "at an odd offset");
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(0, 0, 0, 0, 0), new byte[13], -1), "shorter than a header");
        int tcpv4 = VirtioNetHeader.GSO_TCPV4;
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, tcpv4, 0, 34, 16), frame, -1), "gso_size 0");
        assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, tcpv4, 1481, 34, 16), frame, -1), "segments over the MTU");
        // one byte of the super-frame changed: {offset, value, what that makes it}
        Object[][] changes = {{14 + 6, 0x20, "a fragment"}, {14 + 2, 0, "a total length not the frame's"},
            {34 + 12, 0x40, "a TCP data offset of 4 words"}, {14 + 9, 17, "not TCP"}, {14, 0x65, "not IPv4"}};
        for (Object[] c : changes) {
            byte[] bad = frame.clone();
            bad[(int) c[0]] = (byte) (int) c[1];
            assertEquals(ReceiveOffload.Outcome.MALFORMED, take(vnet(needs, tcpv4, 1448, 34, 16), bad, -1), (String) c[2]);
        }
        assertEquals(0, delivered.size());
    }

    @Test
    void unsupported_otherGsoTypes_andTaggedSuperFrames() {
        byte[] frame = tcpFrame(3000, 0, 0x10, 1, 1);
        for (int type : new int[] {3 /* UDP */, 4 /* TCPV6 */, 5 /* UDP_L4 */}) {
            assertEquals(ReceiveOffload.Outcome.UNSUPPORTED, take(vnet(VirtioNetHeader.F_NEEDS_CSUM, type, 1448, 34, 16), frame, -1));
        }
        assertEquals(ReceiveOffload.Outcome.UNSUPPORTED,
                take(vnet(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, 1448, 34, 16), frame, 0x8100_0001));
        assertEquals(0, delivered.size());
    }
}
