package mirage.platform.solo5.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Slots of a {@code TPACKET_V2} receive ring as the kernel fills them (net/packet/af_packet.c,
 * {@code tpacket_rcv}): the verdict for each kind of slot, the offsets and lengths taken from
 * it, and slots whose offsets or lengths reach outside the slot refused; the ring's geometry.
 */
class PacketRingTest {
    static final int FRAME = 2048;
    final MemorySegment memory = Arena.ofAuto().allocate(4L * FRAME, 16);
    final PacketRing ring = new PacketRing(memory, FRAME, 4);

    /** Fills slot {@code i} as tpacket_rcv does. */
    void fill(int i, int status, long len, long snaplen, int mac, int pkttype, int tci, int tpid) {
        long s = (long) i * FRAME;
        memory.set(ValueLayout.JAVA_INT, s + 4, (int) len);
        memory.set(ValueLayout.JAVA_INT, s + 8, (int) snaplen);
        memory.set(ValueLayout.JAVA_SHORT, s + 12, (short) mac);
        memory.set(ValueLayout.JAVA_SHORT, s + 14, (short) (mac + 14));
        memory.set(ValueLayout.JAVA_SHORT, s + 24, (short) tci);
        memory.set(ValueLayout.JAVA_SHORT, s + 26, (short) tpid);
        memory.set(ValueLayout.JAVA_BYTE, s + 32 + 10, (byte) pkttype);
        memory.set(ValueLayout.JAVA_INT, s, status);
    }

    @Test
    void aFrameFilledByTheKernel_isFoundAtItsOffsets_andTheSlotGoesBack() {
        assertFalse(ring.ready(), "the kernel's until filled");
        fill(0, PacketRing.TP_STATUS_USER, 98, 98, PacketRing.MAC_OFFSET, 0, 0, 0);
        assertTrue(ring.ready());
        assertEquals(PacketRing.Verdict.FRAME, ring.check());
        assertEquals(PacketRing.MAC_OFFSET, ring.mac);
        assertEquals(98, ring.captured);
        assertEquals(-1, ring.vlanTag);
        ring.release();
        assertEquals(PacketRing.TP_STATUS_KERNEL, memory.get(ValueLayout.JAVA_INT, 0), "handed back");
        assertFalse(ring.ready(), "the next slot is still the kernel's");
        fill(1, PacketRing.TP_STATUS_USER | PacketRing.TP_STATUS_LOSING, 60, 60, 80, 3, 0, 0);
        assertTrue(ring.ready());
        assertEquals(PacketRing.Verdict.FRAME, ring.check());
        assertEquals(FRAME + 80, ring.mac);
        assertEquals(PacketRing.TP_STATUS_LOSING, ring.status & PacketRing.TP_STATUS_LOSING);
    }

    @Test
    void theRingWrapsAround() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 4; i++) {
                fill(i, PacketRing.TP_STATUS_USER, 60 + i, 60 + i, PacketRing.MAC_OFFSET, 0, 0, 0);
                assertTrue(ring.ready());
                assertEquals(PacketRing.Verdict.FRAME, ring.check());
                assertEquals((long) i * FRAME + PacketRing.MAC_OFFSET, ring.mac);
                assertEquals(60 + i, ring.captured);
                ring.release();
            }
        }
    }

    @Test
    void tagsOutgoingCopiesAndTruncatedFrames() {
        fill(0, PacketRing.TP_STATUS_USER | PacketRing.TP_STATUS_VLAN_VALID, 60, 60, 76, 0, 0x2005, 0);
        ring.ready();
        assertEquals(PacketRing.Verdict.FRAME, ring.check());
        assertEquals(0x8100_2005, ring.vlanTag, "802.1Q when the TPID is not given");
        ring.release();
        fill(1, PacketRing.TP_STATUS_USER | PacketRing.TP_STATUS_VLAN_VALID | PacketRing.TP_STATUS_VLAN_TPID_VALID, 60, 60, 76, 0,
                0x0007, 0x88a8);
        ring.ready();
        assertEquals(PacketRing.Verdict.FRAME, ring.check());
        assertEquals(0x88a8_0007, ring.vlanTag);
        ring.release();
        fill(2, PacketRing.TP_STATUS_USER, 60, 60, 76, PacketRing.PACKET_OUTGOING, 0, 0);
        ring.ready();
        assertEquals(PacketRing.Verdict.OUTGOING, ring.check());
        ring.release();
        fill(3, PacketRing.TP_STATUS_USER | PacketRing.TP_STATUS_COPY, 65_000, FRAME - 76, 76, 0, 0, 0);
        ring.ready();
        assertEquals(PacketRing.Verdict.COPY, ring.check());
        ring.release();
        fill(0, PacketRing.TP_STATUS_USER, 65_000, FRAME - 76, 76, 0, 0, 0);
        ring.ready();
        assertEquals(PacketRing.Verdict.TRUNCATED, ring.check(), "no copy on the socket: lost");
    }

    @Test
    void offsetsAndLengthsOutsideTheSlot_areMalformed() {
        int[][] bad = {
            {60, 60, 0}, // tp_mac inside the headers
            {60, 60, PacketRing.MIN_MAC - 1}, // no room for the virtio header
            {3000, 3000, 76}, // past the slot
            {60, FRAME, 76}, // snaplen past the slot
            {60, 61, 76}, // more captured than on the wire
            {-1, -1, 76}, // lengths of 4 GiB
            {60, 60, 0xffff}, // tp_mac at the end of a u16
        };
        for (int[] b : bad) {
            fill(0, PacketRing.TP_STATUS_USER, Integer.toUnsignedLong(b[0]), Integer.toUnsignedLong(b[1]), b[2], 0, 0, 0);
            PacketRing r = new PacketRing(memory, FRAME, 4);
            assertTrue(r.ready());
            assertEquals(PacketRing.Verdict.MALFORMED, r.check(), java.util.Arrays.toString(b));
        }
    }

    @Test
    void geometry_slotsHoldAFrameOfTheMtu_blocksArePages() {
        for (int mtu : new int[] {68, 576, 1500, 1954, 1955, 9000, 65_520}) {
            PacketRing.Geometry g = PacketRing.Geometry.forMtu(mtu);
            assertEquals(0, g.frameSize() & (g.frameSize() - 1), "a power of two");
            assertTrue(g.frameSize() >= PacketRing.MAC_OFFSET + 18 + mtu, "holds a tagged frame at " + mtu);
            assertEquals(0, g.blockSize() % 4096, "whole pages");
            assertEquals(0, g.blockSize() % g.frameSize(), "no slot spans two blocks");
            assertEquals((long) g.frames() * g.frameSize(), g.bytes(), "slots back to back");
            assertTrue(g.frames() >= 64, "at least one loop turn's budget");
        }
        assertEquals(new PacketRing.Geometry(65_536, 16, 2048, 512), PacketRing.Geometry.forMtu(1500));
    }
}
