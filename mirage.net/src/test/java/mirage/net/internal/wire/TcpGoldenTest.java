package mirage.net.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import mirage.net.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Golden TCP segments captured from Linux (see {@link Golden}): the view and the record read the fields Linux wrote. */
class TcpGoldenTest {
    static final Ipv4Address A = Ipv4Address.parse("10.99.1.1");
    static final Ipv4Address R = Ipv4Address.parse("10.99.1.2");

    static TcpSegment segment(ByteBuffer frame) {
        EthernetFrame f = new EthernetFrame();
        assertTrue(f.check(frame, 0, frame.limit()));
        Ipv4Packet p = new Ipv4Packet();
        assertTrue(p.check(frame, f.payloadOffset(), f.payloadLength()));
        assertEquals(Ipv4Packet.PROTOCOL_TCP, p.protocol());
        TcpSegment t = new TcpSegment();
        assertTrue(t.check(frame, p.payloadOffset(), p.payloadLength()), () -> String.valueOf(t.error()));
        return t;
    }

    @Test
    void synFromLinux() {
        TcpSegment t = segment(Golden.buffer(Golden.TCP_SYN));
        assertTrue(t.checksumVerifies(A.bits(), R.bits()));
        assertFalse(t.checksumVerifies(A.bits(), Ipv4Address.parse("10.99.1.3").bits()));
        assertEquals(34060, t.sourcePort());
        assertEquals(7, t.destinationPort());
        assertEquals(0xf6c00f7d, t.sequence());
        assertEquals(TcpSegment.SYN, t.flags());
        assertEquals(64240, t.window());
        assertEquals(40, t.headerLength());
        assertEquals(0, t.payloadLength());
        assertEquals(1, t.sequenceLength());
        assertEquals(1460, t.mss());
        assertEquals(10, t.windowScale());
        assertTrue(t.sackPermitted());
        assertTrue(t.hasTimestamps());
        assertEquals(0x4134e4dd, t.tsVal());
        assertEquals(0, t.tsEcr());
        assertEquals(0, t.sackBlockCount());
        TcpRepr r = TcpRepr.parse(t, A, R).orThrow();
        assertEquals(new TcpRepr(34060, 7, 0xf6c00f7d, 0, TcpSegment.SYN, 64240, 0,
                List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(), new TcpOption.Timestamps(0x4134e4dd, 0),
                        new TcpOption.WindowScale(10)), 0), r);
        // Emit lays the same options out without NOPs: the hand-assembled vector.
        ByteBuffer out = ByteBuffer.allocate(r.bufferLen());
        r.emit(out, 0, A, R);
        assertArrayEquals(Golden.bytes(Golden.TCP_SYN_TIGHT), out.array());
        // The pseudo-header is covered.
        assertEquals(Parsed.err(WireError.BAD_CHECKSUM), TcpRepr.parse(t, A, Ipv4Address.parse("10.99.2.2")));
    }

    @Test
    void synAckFromLinux() {
        TcpSegment t = segment(Golden.buffer(Golden.TCP_SYN_ACK));
        TcpRepr r = TcpRepr.parse(t, R, A).orThrow();
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, r.flags());
        assertEquals(0xf6c00f7e, r.acknowledgment());
        assertEquals(0xc6dfe95a, r.sequence());
        assertEquals(List.of(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                new TcpOption.Timestamps(0x070ff0f4, 0x4134e4dd), new TcpOption.WindowScale(10)), r.options());
    }

    @Test
    void dataFromLinux() {
        ByteBuffer b = Golden.buffer(Golden.TCP_DATA);
        TcpSegment t = segment(b);
        TcpRepr r = TcpRepr.parse(t, A, R).orThrow();
        assertEquals(TcpSegment.PSH | TcpSegment.ACK, r.flags());
        assertEquals(12, r.payloadLength());
        assertEquals(63, r.window());
        assertEquals(List.of(new TcpOption.Timestamps(0x4134e4de, 0x070ff0f4)), r.options());
        assertEquals("hello mirage", new String(Golden.bytes(Golden.TCP_DATA), t.payloadOffset(), t.payloadLength(),
                StandardCharsets.US_ASCII));
        // Re-emitted (options without NOPs, so a shorter header): verifies and parses to the same record.
        ByteBuffer out = ByteBuffer.allocate(r.bufferLen());
        out.put(r.headerLength(), b, t.payloadOffset(), t.payloadLength());
        r.emit(out, 0, A, R);
        TcpSegment u = new TcpSegment();
        assertTrue(u.check(out, 0, out.limit()));
        assertTrue(u.checksumVerifies(A.bits(), R.bits()));
        assertEquals(Parsed.ok(r), TcpRepr.parse(u, A, R));
    }

    @Test
    void malformedHeadersAreRefusedWithAReason() {
        byte[] syn = Golden.bytes(Golden.TCP_SYN_TIGHT);
        TcpSegment t = new TcpSegment();
        assertFalse(t.check(ByteBuffer.wrap(syn), 0, 19));
        assertEquals(WireError.TRUNCATED, t.error());
        byte[] small = syn.clone();
        small[TcpSegment.DATA_OFFSET] = 0x40;
        assertFalse(t.check(ByteBuffer.wrap(small), 0, small.length));
        assertEquals(WireError.BAD_HEADER_LENGTH, t.error());
        assertFalse(t.check(ByteBuffer.wrap(syn), 0, 39));
        assertEquals(WireError.TRUNCATED, t.error());
        byte[] badOption = syn.clone();
        badOption[21] = 1; // MSS length 1
        assertFalse(t.check(ByteBuffer.wrap(badOption), 0, badOption.length));
        assertEquals(WireError.BAD_OPTIONS, t.error());
        byte[] overrun = syn.clone();
        overrun[37] = 5; // window scale length 5 runs past the header
        assertFalse(t.check(ByteBuffer.wrap(overrun), 0, overrun.length));
        assertEquals(WireError.BAD_OPTIONS, t.error());
    }

    @Test
    void knownKindsWithOtherLengthsAndUnknownKindsAreKeptAsBytes() {
        TcpRepr r = new TcpRepr(1, 2, 3, 4, TcpSegment.ACK, 5, 0,
                List.of(new TcpOption.Unknown(2, Octets.ofHex("05b4aa")), new TcpOption.Unknown(30, Octets.ofHex("0102")),
                        new TcpOption.Sack(List.of(new TcpOption.SackBlock(10, 20), new TcpOption.SackBlock(-5, 7)))),
                0);
        ByteBuffer out = ByteBuffer.allocate(r.bufferLen());
        r.emit(out, 0, A, R);
        TcpSegment t = new TcpSegment();
        assertTrue(t.check(out, 0, out.limit()));
        assertEquals(-1, t.mss(), "an MSS option of length 5 is not an MSS");
        assertEquals(2, t.sackBlockCount());
        assertEquals(-5, t.sackLeft(1));
        assertEquals(7, t.sackRight(1));
        assertEquals(Parsed.ok(r), TcpRepr.parse(t, A, R));
    }
}
