package mirage.platform.solo5.internal.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * What the kernel writes into the receive ring, as any bytes: nothing in a slot or its virtio
 * header can make the receive path throw or read outside the slot. Seeds under
 * {@code src/test/resources/mirage/platform/solo5/internal/net/PacketReceiveFuzzTestInputs/}.
 */
class PacketReceiveFuzzTest {
    static final int FRAME = 2048;
    static final int MAX = 1518;

    /**
     * The bytes are one slot of a two-slot ring (the rest zero). Every verdict but
     * {@code MALFORMED} locates a frame inside the slot; a {@code FRAME} then goes through the
     * receive offload, which delivers only frames within the limit, with checksums that verify
     * where it completed or made them.
     */
    @FuzzTest(maxDuration = "30s")
    void slot(byte[] data) {
        MemorySegment memory = Arena.ofAuto().allocate(2L * FRAME, 16);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, memory, 0, Math.min(data.length, FRAME));
        PacketRing ring = new PacketRing(memory, FRAME, 2);
        if (!ring.ready()) {
            return;
        }
        PacketRing.Verdict verdict = ring.check();
        if (verdict == PacketRing.Verdict.MALFORMED) {
            return;
        }
        assertTrue(ring.mac >= PacketRing.MIN_MAC && ring.mac + ring.captured <= FRAME, "inside the slot");
        assertTrue(ring.captured <= ring.length);
        if (verdict != PacketRing.Verdict.FRAME) {
            return;
        }
        MemorySegment out = Arena.ofAuto().allocate(MAX + 1);
        ReceiveOffload offload = new ReceiveOffload(out, MAX);
        int[] frames = {0};
        offload.take(memory, ring.mac - VirtioNetHeader.LENGTH, memory, ring.mac, ring.captured, ring.vlanTag, length -> {
            assertTrue(length >= 14 && length <= MAX, "within the limit: " + length);
            frames[0]++;
        });
        ring.release();
        assertEquals(0, memory.get(ValueLayout.JAVA_INT, 0), "handed back");
    }

    /**
     * The bytes are a virtio header (10), a tag selector (1: none, or a tag) and a frame. Whatever
     * they say, the offload returns an outcome; when it delivers, each frame is within the limit,
     * a completed checksum verifies from where the header said it starts (with the pseudo-header
     * sum the field held), and the segments of a
     * super-frame are valid TCP/IPv4 whose payloads, put together, are the super-frame's.
     */
    @FuzzTest(maxDuration = "30s")
    void offload(byte[] data) {
        if (data.length < 11) {
            return;
        }
        Arena arena = Arena.ofAuto();
        MemorySegment header = arena.allocate(VirtioNetHeader.LENGTH);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, header, 0, VirtioNetHeader.LENGTH);
        int vlanTag = (data[10] & 1) == 0 ? -1 : 0x8100_0000 | (data[10] & 0xff);
        byte[] frameBytes = Arrays.copyOfRange(data, 11, data.length);
        MemorySegment frame = arena.allocate(Math.max(1, frameBytes.length));
        MemorySegment.copy(MemorySegment.ofArray(frameBytes), 0, frame, 0, frameBytes.length);
        MemorySegment out = arena.allocate(MAX + 1);
        ReceiveOffload offload = new ReceiveOffload(out, MAX);
        int gsoType = header.get(ValueLayout.JAVA_BYTE, 1) & ReceiveOffload.GSO_TYPE_MASK;
        boolean needsCsum = (header.get(ValueLayout.JAVA_BYTE, 0) & VirtioNetHeader.F_NEEDS_CSUM) != 0;
        int csumStart = header.get(ValueLayout.JAVA_SHORT_UNALIGNED, 6) & 0xffff;
        int csumOffset = header.get(ValueLayout.JAVA_SHORT_UNALIGNED, 8) & 0xffff;
        ByteArrayOutputStream payloads = new ByteArrayOutputStream();
        int[] headersSeen = {-1};
        ReceiveOffload.Outcome outcome = offload.take(header, 0, frame, 0, frameBytes.length, vlanTag, length -> {
            assertTrue(length >= 14 && length <= MAX, "within the limit: " + length);
            byte[] f = out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
            if (gsoType == VirtioNetHeader.GSO_TCPV4) {
                int ipHl = (f[14] & 0xf) * 4;
                assertEquals(0xffff, ReceiveOffload.fold(ReceiveOffload.add(0, out, 14, ipHl)), "IPv4 header checksum");
                int tcpLength = ((f[16] & 0xff) << 8 | (f[17] & 0xff)) - ipHl;
                assertEquals(length - 14 - ipHl, tcpLength, "total length");
                long sum = ReceiveOffload.add(0, out, 26, 8) + 6 + tcpLength;
                assertEquals(0xffff, ReceiveOffload.fold(ReceiveOffload.add(sum, out, 14 + ipHl, tcpLength)), "TCP checksum");
                int headers = 14 + ipHl + ((f[14 + ipHl + 12] & 0xff) >>> 4) * 4;
                headersSeen[0] = headers;
                payloads.write(f, headers, length - headers);
            } else if (needsCsum) {
                // the field held the pseudo-header's sum (the seed): with it, the completed range verifies
                int start = csumStart + (vlanTag == -1 ? 0 : 4);
                int field = csumStart + csumOffset;
                long seed = (frameBytes[field] & 0xff) << 8 | (frameBytes[field + 1] & 0xff);
                assertEquals(0xffff, ReceiveOffload.fold(ReceiveOffload.add(seed, out, start, length - start)), "completed checksum");
            }
        });
        if (outcome == ReceiveOffload.Outcome.DELIVERED && gsoType == VirtioNetHeader.GSO_TCPV4) {
            int headers = headersSeen[0];
            assertArrayEquals(Arrays.copyOfRange(frameBytes, headers, frameBytes.length), payloads.toByteArray(), "payload");
        }
    }
}
