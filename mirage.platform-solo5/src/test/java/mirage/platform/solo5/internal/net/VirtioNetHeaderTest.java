package mirage.platform.solo5.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The {@code virtio_net_hdr} a TAP gets in front of each frame, as bytes: plain frames, TCP
 * super-segments (GSO_TCPV4 with NEEDS_CSUM, little-endian fields), a frame of one segment, and
 * frames refused. Values per include/uapi/linux/virtio_net.h.
 */
class VirtioNetHeaderTest {
    final MemorySegment header = Arena.ofAuto().allocate(VirtioNetHeader.LENGTH + 2);

    /** Ethernet, IPv4 (IHL 5), TCP with a 32-byte header (timestamps), {@code payload} bytes. */
    static ByteBuffer tcpFrame(int payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 32 + payload);
        b.put(new byte[12]).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 32 + payload)).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 80).putShort((short) 40000).putInt(1).putInt(2).put((byte) 0x80).put((byte) 0x10);
        return b.clear();
    }

    String bytes() {
        byte[] b = new byte[VirtioNetHeader.LENGTH];
        MemorySegment.copy(header, ValueLayout.JAVA_BYTE, 1, b, 0, b.length);
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }

    @Test
    void plain_allZero() {
        header.fill((byte) 0x5a);
        VirtioNetHeader.writePlain(header, 1);
        assertEquals("00 00 00 00 00 00 00 00 00 00", bytes());
        assertTrue(VirtioNetHeader.plain(header, 1));
        assertEquals(0x5a, header.get(ValueLayout.JAVA_BYTE, 11), "nothing written past the header");
    }

    @Test
    void superSegment_gsoTcpv4_needsCsum_littleEndian() {
        VirtioNetHeader.writeSegmentation(header, 1, tcpFrame(3000), 1448, 1514);
        // flags NEEDS_CSUM, gso TCPV4, hdr_len 66, gso_size 1448, csum_start 34, csum_offset 16
        assertEquals("01 01 42 00 a8 05 22 00 10 00", bytes());
        assertFalse(VirtioNetHeader.plain(header, 1));
    }

    /** Ethernet, IPv6, TCP with a 32-byte header, {@code payload} bytes. */
    static ByteBuffer tcp6Frame(int payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 40 + 32 + payload);
        b.put(new byte[12]).putShort((short) 0x86dd);
        b.putInt(0x6000_0000).putShort((short) (32 + payload)).put((byte) 6).put((byte) 64).put(new byte[32]);
        b.putShort((short) 80).putShort((short) 40000).putInt(1).putInt(2).put((byte) 0x80).put((byte) 0x10);
        return b.clear();
    }

    @Test
    void ipv6SuperSegment_gsoTcpv6_checksumAfterTheFixedHeader() {
        VirtioNetHeader.writeSegmentation(header, 1, tcp6Frame(3000), 1428, 1514);
        // flags NEEDS_CSUM, gso TCPV6 (4), hdr_len 86, gso_size 1428, csum_start 54, csum_offset 16
        assertEquals("01 04 56 00 94 05 36 00 10 00", bytes());
        VirtioNetHeader.writeSegmentation(header, 1, tcp6Frame(1000), 1428, 1514);
        assertEquals("01 00 56 00 00 00 36 00 10 00", bytes(), "one segment: checksum only");
        ByteBuffer hopByHop = tcp6Frame(3000);
        hopByHop.put(14 + 6, (byte) 0);
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 1, hopByHop, 1428, 1514));
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 1, tcp6Frame(3000), 1448, 1514),
                "86 + 1448 > 1514");
    }

    @Test
    void oneSegment_checksumOnly() {
        VirtioNetHeader.writeSegmentation(header, 1, tcpFrame(1448), 1448, 1514);
        assertEquals("01 00 42 00 00 00 22 00 10 00", bytes());
    }

    @Test
    void received_gsoOrChecksumRequests_areNotPlain() {
        VirtioNetHeader.write(header, 0, VirtioNetHeader.F_DATA_VALID, VirtioNetHeader.GSO_NONE, 0, 0, 0, 0);
        assertTrue(VirtioNetHeader.plain(header, 0), "DATA_VALID asks nothing of us");
        VirtioNetHeader.write(header, 0, 0, VirtioNetHeader.GSO_TCPV4, 54, 1448, 0, 0);
        assertFalse(VirtioNetHeader.plain(header, 0));
        VirtioNetHeader.write(header, 0, VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 0, 34, 16);
        assertFalse(VirtioNetHeader.plain(header, 0));
    }

    @Test
    void notTcpIpv4_orSegmentsOverTheMtu_refused() {
        ByteBuffer udp = tcpFrame(100);
        udp.put(14 + 9, (byte) 17);
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 0, udp, 1448, 1514));
        ByteBuffer arp = tcpFrame(100);
        arp.putShort(12, (short) 0x0806);
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 0, arp, 1448, 1514));
        ByteBuffer shortLength = tcpFrame(100);
        shortLength.putShort(14 + 2, (short) 100);
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 0, shortLength, 1448, 1514));
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 0, tcpFrame(3000), 1460, 1514));
        assertThrows(IllegalArgumentException.class, () -> VirtioNetHeader.writeSegmentation(header, 0, tcpFrame(3000), 0, 1514));
    }
}
