package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u48;

import java.nio.ByteBuffer;

/**
 * A view of an Ethernet II frame (RFC 894; IEEE 802.3 clause 3.2), optionally carrying
 * IEEE 802.1Q tags (C-VLAN, TPID 0x8100) and an IEEE 802.1ad outer tag (S-VLAN, TPID 0x88A8),
 * without preamble, start delimiter or frame check sequence. The package rules apply (see
 * {@code package-info}).
 *
 * <pre>
 *  0                   6                   12      14
 *  +-------------------+-------------------+-------+---------
 *  | destination (6)   | source (6)        | type  | payload...
 *  +-------------------+-------------------+-------+---------
 *  tagged: ... | source | TPID (2) | TCI (2) | [TPID | TCI] | type | payload
 *  TCI = PCP (3 bits) | DEI (1 bit) | VID (12 bits)       (IEEE 802.1Q-2018 clause 9.6)
 * </pre>
 */
public final class EthernetFrame extends View {
    /** Offset of the destination address (RFC 894, "Frame Format"). */
    public static final int DESTINATION = 0;
    /** Offset of the source address. */
    public static final int SOURCE = 6;
    /** Offset of the type field of an untagged frame. */
    public static final int TYPE = 12;
    /** Length of an untagged header: two addresses and a type. */
    public static final int HEADER_LENGTH = 14;
    /** Length of one 802.1Q tag: TPID and TCI (IEEE 802.1Q-2018 clause 9.3). */
    public static final int TAG_LENGTH = 4;
    /** Most tags parsed: an 802.1ad service tag and an 802.1Q customer tag ("Q-in-Q"). */
    public static final int MAX_TAGS = 2;
    /** Smallest type value; below it the field is an IEEE 802.3 length (IEEE 802.3 clause 3.2.6). */
    public static final int MIN_ETHER_TYPE = 0x0600;
    /** Payload of a frame shorter than this is padded to it: 60 bytes without FCS (RFC 894, "Frame Format"; the minimum is not enforced on receive). */
    public static final int MIN_FRAME_LENGTH = 60;

    /** EtherType of IPv4 (RFC 894). */
    public static final int TYPE_IPV4 = 0x0800;
    /** EtherType of ARP (RFC 826, "Packet format"). */
    public static final int TYPE_ARP = 0x0806;
    /** EtherType of IPv6 (RFC 2464 section 3). */
    public static final int TYPE_IPV6 = 0x86DD;
    /** TPID of a customer VLAN tag (IEEE 802.1Q-2018 Table 9-1, C-VLAN). */
    public static final int TPID_CVLAN = 0x8100;
    /** TPID of a service VLAN tag (IEEE 802.1Q-2018 Table 9-1, S-VLAN; IEEE 802.1ad). */
    public static final int TPID_SVLAN = 0x88A8;

    private int length;
    private int tags;

    /** An unchecked view: its accessors are only defined after {@link #check} returns true. */
    public EthernetFrame() {}

    static boolean isTpid(int type) {
        return type == TPID_CVLAN || type == TPID_SVLAN;
    }

    /**
     * Checks that {@code [offset, offset + length)} of {@code buffer} holds an Ethernet II
     * header with at most {@link #MAX_TAGS} tags, and if so binds this view to it. On false
     * {@link #error()} says why and the view is unbound. Position and limit are left alone; the
     * buffer is borrowed while the view is bound.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer (a caller's bug, not bad bytes)
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.limit());
        unbind();
        if (length < HEADER_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        int n = 0;
        int type = u16(buffer, offset + TYPE);
        while (isTpid(type)) {
            if (n == MAX_TAGS) {
                return fail(WireError.TOO_MANY_TAGS);
            }
            n++;
            if (length < HEADER_LENGTH + n * TAG_LENGTH) {
                return fail(WireError.TRUNCATED);
            }
            type = u16(buffer, offset + TYPE + n * TAG_LENGTH);
        }
        if (type < MIN_ETHER_TYPE) {
            return fail(WireError.NOT_ETHERNET_II);
        }
        this.buffer = buffer;
        this.start = offset;
        this.length = length;
        this.tags = n;
        this.error = null;
        return true;
    }

    private void unbind() {
        buffer = EMPTY;
        start = 0;
        length = 0;
        tags = 0;
    }

    /** Length of the checked region (header and payload, with any padding). */
    public int length() {
        return length;
    }

    /** Destination address, 48 bits in the low bits (first octet highest). */
    public long destination() {
        return u48(buffer, start + DESTINATION);
    }

    /** Source address, 48 bits in the low bits. */
    public long source() {
        return u48(buffer, start + SOURCE);
    }

    /** Number of 802.1Q/802.1ad tags, 0 to {@link #MAX_TAGS}. */
    public int tagCount() {
        return tags;
    }

    /** TPID of tag {@code i} (0 = outermost); {@code i} must be below {@link #tagCount()}. */
    public int tagProtocol(int i) {
        return u16(buffer, start + TYPE + java.util.Objects.checkIndex(i, tags) * TAG_LENGTH);
    }

    /** TCI of tag {@code i}: PCP, DEI and VID. */
    public int tagControl(int i) {
        return u16(buffer, start + TYPE + java.util.Objects.checkIndex(i, tags) * TAG_LENGTH + 2);
    }

    /** The EtherType after the tags: at least {@link #MIN_ETHER_TYPE}. */
    public int etherType() {
        return u16(buffer, start + TYPE + tags * TAG_LENGTH);
    }

    /** Header length with tags: 14, 18 or 22. */
    public int headerLength() {
        return HEADER_LENGTH + tags * TAG_LENGTH;
    }

    /** Index of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return start + headerLength();
    }

    /** Payload length: the rest of the region, padding included (the next layer's lengths say how much is data). */
    public int payloadLength() {
        return length - headerLength();
    }
}
