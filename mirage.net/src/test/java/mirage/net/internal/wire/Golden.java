package mirage.net.internal.wire;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Golden frames. "Captured" ones were sent by Linux 6.18 (iputils ping 20221126, a Python UDP
 * socket) between network namespaces joined by veth pairs, a -- r -- b with r forwarding, and
 * recorded with tcpdump on a's interface (2026-11-26). Addresses: a = 10.99.1.1
 * 02:00:00:00:0a:01, r = 10.99.1.2 02:00:00:00:0a:02, b = 10.99.2.2. veth does not pad short
 * frames, so ARP frames are 42 bytes. "Hand-assembled" ones were written field by field from the
 * layouts of the RFC or standard named, checksums computed by hand (and by tshark, which
 * reports them as correct).
 */
final class Golden {
    private Golden() {}

    /** Captured: a asks who has 10.99.1.2 (ARP request, broadcast). */
    static final String ARP_REQUEST =
            "ffffffffffff020000000a0108060001080006040001020000000a010a6301010000000000000a630102";
    /** Captured: r replies 10.99.1.2 is at 02:00:00:00:0a:02. */
    static final String ARP_REPLY =
            "020000000a01020000000a0208060001080006040002020000000a020a630102020000000a010a630101";
    /** Captured: ping -c1 -s 16 10.99.2.2: echo request id 0x0547 seq 1, 16 bytes of data, TTL 64, DF. */
    static final String ECHO_REQUEST =
            "020000000a02020000000a0108004500002cd732400040014bd60a6301010a6302020800570e054700012761086b000000005ddd0e0000000000";
    /** Captured: b's echo reply, forwarded by r (TTL 63, no DF). */
    static final String ECHO_REPLY =
            "020000000a01020000000a0208004500002c2dd100003f0136380a6302020a63010100005f0e054700012761086b000000005ddd0e0000000000";
    /** Captured: r's time exceeded (TTL exceeded in transit) for ping -t 1, quoting the whole request (IP TOS 0xc0). */
    static final String TIME_EXCEEDED =
            "020000000a01020000000a02080045c00048750500004001ee270a6301020a6301010b00f4ff000000004500002cd733400001018ad50a6301010a6302020800e8fe054800012761086b00000000cbeb0e0000000000";
    /**
     * Captured: a sends "hello mirage" from port 43785 to b's port 9 (UDP checksum 0xb1c8).
     * Taken with transmit checksum offload off ({@code ethtool -K va tx off}): with it on, the
     * capture holds only the pseudo-header sum (0x17ee), which the NIC would have completed.
     */
    static final String UDP =
            "020000000a02020000000a01080045000028307f40004011f27d0a6301010a630202ab0900090014b1c868656c6c6f206d6972616765";
    /** Captured: b's port unreachable for that datagram (quoting it with TTL 63, as r forwarded it). */
    static final String PORT_UNREACHABLE =
            "020000000a01020000000a02080045c00044b13e00003f01b1f20a6302020a630101030314eb0000000045000028307f40003f11f37d0a6301010a630202ab0900090014b1c868656c6c6f206d6972616765";

    /**
     * Hand-assembled (IEEE 802.1Q-2018 clause 9.3): the captured ARP request with one C-VLAN
     * tag, TPID 0x8100, TCI 0xa064 = PCP 5, DEI 0, VID 100, inserted after the source address.
     */
    static final String ARP_REQUEST_VLAN =
            "ffffffffffff020000000a018100a06408060001080006040001020000000a010a6301010000000000000a630102";
    /**
     * Hand-assembled (IEEE 802.1ad, "Q-in-Q"): S-VLAN tag 0x88a8 TCI 0x11c8 (PCP 0, DEI 1,
     * VID 0x1c8 = 456) outside C-VLAN tag 0x8100 TCI 0x0064
     * (VID 100), then the captured echo request's IPv4 packet.
     */
    static final String ECHO_REQUEST_QINQ =
            "020000000a02020000000a0188a811c88100006408004500002cd732400040014bd60a6301010a6302020800570e054700012761086b000000005ddd0e0000000000";
    /**
     * Hand-assembled (RFC 791 section 3.1; Router Alert option of RFC 2113 section 2.1,
     * type 0x94 length 4 value 0): IHL 6, total length 32, TTL 1, protocol UDP,
     * 192.0.2.1 to 198.51.100.2 (RFC 5737 documentation addresses), identification 0x1234, no
     * flags, followed by an 8-byte UDP header with no checksum (RFC 768: zero) and 4 data bytes
     * "ping" (UDP length 12, so total 24+12 = 36: 0x0024). Header checksum 0x265a.
     */
    static final String IPV4_OPTIONS_UDP =
            "46000024123400000111265ac0000201c633640294040000" + "04d2162e000c0000" + "70696e67";

    /**
     * Captured (Linux 6.18, a Python client connecting to a Python echo server on port 7, veth
     * pair between namespaces, transmit checksum offload off, 2026-11-26): a = 10.99.1.1 sends
     * SYN from port 34060 with MSS 1460, SACK-permitted, timestamps (TSval 0x4134e4dd), NOP and
     * window scale 10. Whole Ethernet frame.
     */
    static final String TCP_SYN =
            "7edd4416d77a0a9d7d570f8b08004500003c5f8e40004006c4650a6301010a630102850c0007f6c00f7d00000000a002faf084e00000020405b40402080a4134e4dd000000000103030a";
    /** Captured: the SYN-ACK of 10.99.1.2 (options MSS, SACK-permitted, timestamps, NOP, window scale 10). */
    static final String TCP_SYN_ACK =
            "0a9d7d570f8b7edd4416d77a08004500003c00004000400623f40a6301020a6301010007850cc6dfe95af6c00f7ea012fe88d8f80000020405b40402080a070ff0f44134e4dd0103030a";
    /** Captured: a's data segment "hello mirage" with PSH ACK and NOP, NOP, timestamps. */
    static final String TCP_DATA =
            "7edd4416d77a0a9d7d570f8b0800450000405f9040004006c45f0a6301010a630102850c0007f6c00f7ec6dfe95b8018003f7ada00000101080a4134e4de070ff0f468656c6c6f206d6972616765";
    /**
     * Hand-assembled from {@link #TCP_SYN}: its TCP header alone with the options laid out as
     * {@link TcpRepr#emit} lays them (MSS, SACK-permitted, timestamps, window scale, then End as
     * padding, no NOPs), checksum recomputed over the pseudo-header 10.99.1.1 to 10.99.1.2
     * (0x7bea; tshark reports it correct).
     */
    static final String TCP_SYN_TIGHT =
            "850c0007f6c00f7d00000000a002faf07bea0000020405b40402080a4134e4dd0000000003030a00";

    static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
