package mirage.platform.solo5.internal.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * An {@code AF_PACKET} receive ring ({@code PACKET_RX_RING}, {@code TPACKET_V2}) as this process
 * sees it: {@link #frames} slots of {@link #frameSize} bytes in memory shared with the kernel,
 * read in order from {@link #head}. A slot whose {@code tp_status} has {@code TP_STATUS_USER}
 * is ours until we hand it back ({@code TP_STATUS_KERNEL}); each holds a {@code tpacket2_hdr}
 * (32 bytes), a {@code sockaddr_ll} (20), and at {@code tp_mac} the frame, preceded by the
 * {@code virtio_net_hdr} of {@code PACKET_VNET_HDR} (docs/decisions/0032).
 *
 * <p>The kernel writes the slots, but nothing in them is trusted: {@link #check()} validates
 * every offset and length against the slot before anything is read from it, and calls a slot
 * whose frame would lie outside it {@link Verdict#MALFORMED} (counted, never thrown). The
 * status is read with acquire and written back with release ordering, the kernel's
 * {@code smp_rmb}/{@code smp_wmb} pairing. Loop thread only.
 */
final class PacketRing {
    /** {@code TP_STATUS_KERNEL}: the slot is the kernel's to fill. */
    static final int TP_STATUS_KERNEL = 0;
    /** {@code TP_STATUS_USER}: a received frame waits in the slot. */
    static final int TP_STATUS_USER = 1;
    /** {@code TP_STATUS_COPY}: the frame did not fit; the whole of it waits on the socket's receive queue. */
    static final int TP_STATUS_COPY = 1 << 1;
    /** {@code TP_STATUS_LOSING}: frames were dropped since the statistics were last read. */
    static final int TP_STATUS_LOSING = 1 << 2;
    /** {@code TP_STATUS_VLAN_VALID}: {@code tp_vlan_tci} holds a tag taken out of the frame. */
    static final int TP_STATUS_VLAN_VALID = 1 << 4;
    /** {@code TP_STATUS_VLAN_TPID_VALID}: {@code tp_vlan_tpid} holds that tag's protocol identifier. */
    static final int TP_STATUS_VLAN_TPID_VALID = 1 << 6;
    /** {@code PACKET_OUTGOING}: {@code sll_pkttype} of a frame this host sent. */
    static final int PACKET_OUTGOING = 4;
    /** {@code TPACKET_ALIGN(sizeof(struct tpacket2_hdr))}. */
    static final int TPACKET2_HEADER = 32;
    /** {@code sizeof(struct sockaddr_ll)}. */
    static final int SOCKADDR_LL = 20;
    /** The lowest {@code tp_mac} that leaves room for the virtio header after both headers. */
    static final int MIN_MAC = TPACKET2_HEADER + SOCKADDR_LL + VirtioNetHeader.LENGTH;
    /**
     * Where the kernel puts a frame of an untagged Ethernet header in a slot: {@code tp_net} is
     * {@code TPACKET_ALIGN(52 + 16)} plus the virtio header, {@code tp_mac} 14 before it
     * (net/packet/af_packet.c, {@code tpacket_rcv}). A slot holds {@code frameSize - 76} bytes of frame.
     */
    static final int MAC_OFFSET = 76;
    /** The smallest slot: 2 KiB, a 1,500-byte MTU's frame with room to spare. */
    static final int MIN_FRAME_SIZE = 2048;
    /** The size of a block of slots (a multiple of the page size), unless a slot is larger. */
    static final int BLOCK_SIZE = 64 * 1024;
    /** The ring's size, unless 64 slots need more. */
    static final int RING_BYTES = 1024 * 1024;

    private static final VarHandle STATUS = JAVA_INT.varHandle();

    /** What a slot holds. */
    enum Verdict {
        /** A frame of {@link #captured} bytes at {@link #mac}, the virtio header before it. */
        FRAME,
        /** A frame too long for a slot: read it whole from the socket (its header and start are here). */
        COPY,
        /** A frame cut to what the slot holds, with no copy on the socket: lost. */
        TRUNCATED,
        /** A frame this host sent (seen if {@code PACKET_IGNORE_OUTGOING} is not available). */
        OUTGOING,
        /** Offsets or lengths that do not fit the slot. */
        MALFORMED
    }

    /** Slot geometry for a ring: a {@code struct tpacket_req}. */
    record Geometry(int blockSize, int blocks, int frameSize, int frames) {
        /** Slots that hold a frame of {@code mtu} bytes of payload, a tag and the headers; about {@link #RING_BYTES} of them. */
        static Geometry forMtu(int mtu) {
            int frameSize = Integer.highestOneBit(Math.max(MIN_FRAME_SIZE, MAC_OFFSET + 14 + 4 + mtu) - 1) << 1;
            int blockSize = Math.max(BLOCK_SIZE, frameSize);
            int frames = Math.max(64, RING_BYTES / frameSize);
            int blocks = frames * frameSize / blockSize;
            return new Geometry(blockSize, blocks, frameSize, blocks * (blockSize / frameSize));
        }

        long bytes() {
            return (long) blockSize * blocks;
        }
    }

    final MemorySegment memory;
    final int frameSize;
    final int frames;
    /** The next slot to look at. */
    private int head;
    private long slot;

    /** After {@link #check()}: the slot's {@code tp_status}. */
    int status;
    /** After {@link #check()}: the frame's length on the wire, {@code tp_len}. */
    long length;
    /** After {@link #check()}: the bytes of it in the slot, {@code tp_snaplen}. */
    int captured;
    /** After {@link #check()}: where the frame starts in {@link #memory}. */
    long mac;
    /** After {@link #check()}: a tag the kernel took out of the frame, {@code tpid << 16 | tci}, or -1. */
    int vlanTag;

    /** @param memory the mapped ring, {@code frames * frameSize} bytes, slots back to back */
    PacketRing(MemorySegment memory, int frameSize, int frames) {
        if (frameSize < MIN_MAC + 14 || frames < 1 || memory.byteSize() < (long) frameSize * frames) {
            throw new IllegalArgumentException(frames + " slots of " + frameSize + " bytes in " + memory.byteSize());
        }
        this.memory = memory;
        this.frameSize = frameSize;
        this.frames = frames;
    }

    /** Whether the slot at {@link #head} holds a frame for us. */
    boolean ready() {
        slot = (long) head * frameSize;
        return ((int) STATUS.getAcquire(memory, slot) & TP_STATUS_USER) != 0;
    }

    /** Reads and validates the header of the slot {@link #ready()} found. */
    Verdict check() {
        status = (int) STATUS.getAcquire(memory, slot);
        length = Integer.toUnsignedLong(memory.get(JAVA_INT, slot + 4));
        long snaplen = Integer.toUnsignedLong(memory.get(JAVA_INT, slot + 8));
        int macOffset = memory.get(JAVA_SHORT, slot + 12) & 0xffff;
        int pkttype = memory.get(JAVA_BYTE, slot + TPACKET2_HEADER + 10) & 0xff;
        vlanTag = -1;
        if ((status & TP_STATUS_VLAN_VALID) != 0) {
            int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ? memory.get(JAVA_SHORT, slot + 26) & 0xffff : 0x8100;
            vlanTag = tpid << 16 | (memory.get(JAVA_SHORT, slot + 24) & 0xffff);
        }
        if (macOffset < MIN_MAC || macOffset + snaplen > frameSize || snaplen > length) {
            captured = 0;
            return Verdict.MALFORMED;
        }
        mac = slot + macOffset;
        captured = (int) snaplen;
        if (pkttype == PACKET_OUTGOING) {
            return Verdict.OUTGOING;
        }
        if ((status & TP_STATUS_COPY) != 0) {
            return Verdict.COPY;
        }
        return snaplen < length ? Verdict.TRUNCATED : Verdict.FRAME;
    }

    /** Hands the slot at {@link #head} back to the kernel and moves on. */
    void release() {
        STATUS.setRelease(memory, (long) head * frameSize, TP_STATUS_KERNEL);
        head = head + 1 == frames ? 0 : head + 1;
    }
}
