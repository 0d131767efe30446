package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of the extension-header chain of an IPv6 packet (RFC 8200 section 4): where each
 * Hop-by-Hop Options, Routing, Fragment and Destination Options header lies, and where the
 * upper-layer header starts. The package rules apply; on top of them a failed check says what
 * the engine owes the sender, so that it can act without looking at the bytes again:
 *
 * <ul>
 *   <li>{@link WireError#TRUNCATED}, {@link WireError#BAD_OPTIONS},
 *       {@link WireError#TOO_MANY_HEADERS}: drop silently.</li>
 *   <li>{@link WireError#UNRECOGNIZED_NEXT_HEADER}: Parameter Problem code 1,
 *       {@link WireError#UNRECOGNIZED_ROUTING_TYPE} and {@link WireError#BAD_FRAGMENT}: code 0,
 *       {@link WireError#INCOMPLETE_HEADER_CHAIN}: code 3, each with {@link #errorPointer()}.</li>
 *   <li>{@link WireError#UNRECOGNIZED_OPTION}: {@link #optionAction()} says whether a Parameter
 *       Problem code 2 pointing at {@link #errorPointer()} is due.</li>
 * </ul>
 *
 * <p>The walk stops at the first header that is not one of the four (the upper-layer protocol,
 * which the engine may not know either: it answers code 1 at {@link #upperLayerPointer()}), at
 * No Next Header (59: "there is nothing following that header", section 4.7), and at a
 * Fragment header: what follows a fragment header is fragment data, walked again after
 * reassembly with {@link #check(ByteBuffer, int, int, int, int, int)}. A first fragment must
 * still carry the whole chain up to and including the upper-layer header (RFC 7112 section 5);
 * that is checked without recording those headers. Options are processed as a destination
 * does, in Hop-by-Hop and Destination Options headers alike: the first option that is not
 * {@linkplain Ipv6Option#recognized recognised} and whose action is not
 * {@link Ipv6OptionAction#SKIP} fails the check. Routing headers with Segments Left zero are
 * skipped, of any type (section 4.4); with Segments Left above zero, none is processed (this is
 * a host, and Type 0 is deprecated, RFC 5095 section 3).
 */
public final class Ipv6HeaderChain extends View {
    /** Next Header value of a Hop-by-Hop Options header (RFC 8200 section 4.3). */
    public static final int HOP_BY_HOP = 0;
    /** Next Header value of a Routing header (section 4.4). */
    public static final int ROUTING = 43;
    /** Next Header value of a Fragment header (section 4.5). */
    public static final int FRAGMENT = 44;
    /** Next Header value of a Destination Options header (section 4.6). */
    public static final int DESTINATION_OPTIONS = 60;
    /** "No Next Header" (section 4.7). */
    public static final int NO_NEXT_HEADER = 59;
    /** The Fragment header's length. */
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    /** The fragment offset, in 8-octet units, is the second 16-bit word of a Fragment header shifted right by this. */
    public static final int FRAGMENT_OFFSET_SHIFT = 3;
    /** The M flag ("1 = more fragments") in the second 16-bit word of a Fragment header. */
    public static final int MORE_FRAGMENTS = 1;
    /**
     * Most extension headers a packet may carry here. RFC 8200 section 4.1 recommends each at
     * most once (Destination Options twice), which is five; 8 leaves room and bounds the walk.
     */
    public static final int MAX_HEADERS = 8;

    private final int[] types = new int[MAX_HEADERS];
    private final int[] offsets = new int[MAX_HEADERS];
    private final int[] lengths = new int[MAX_HEADERS];
    private int count;
    private int upperLayerProtocol;
    private int upperLayerOffset;
    private int upperLayerLength;
    private int upperLayerPointer;
    private int fragment = -1;
    private int errorPointer = -1;
    private int walkStart;
    private Ipv6OptionAction optionAction;

    /** An unchecked view. */
    public Ipv6HeaderChain() {}

    /** Walks the chain of a checked packet, from its Next Header field, as its destination processes it. */
    public boolean check(Ipv6Packet packet) {
        return walk(packet.buffer(), packet.payloadOffset(), packet.payloadLength(), packet.nextHeader(),
                packet.offset(), packet.offset() + Ipv6Packet.NEXT_HEADER, true);
    }

    /**
     * Walks the chain of a checked packet for its layout only: the headers must fit, their
     * options be well-formed and a Hop-by-Hop header come first, but no verdict is passed on
     * options, Routing headers or fragment lengths. For {@link Ipv6Repr#parse}, which represents
     * any well-formed packet, and for tools; a receiving engine uses {@link #check(Ipv6Packet)}.
     */
    public boolean checkStructure(Ipv6Packet packet) {
        return walk(packet.buffer(), packet.payloadOffset(), packet.payloadLength(), packet.nextHeader(),
                packet.offset(), packet.offset() + Ipv6Packet.NEXT_HEADER, false);
    }

    /**
     * Walks the headers in {@code [offset, offset + length)}, the first of type
     * {@code nextHeader}. Pointers are reported relative to {@code packetStart}, the index of
     * the IPv6 header the packet started with (RFC 4443 section 3.4: "Identifies the octet
     * offset within the invoking packet"); {@code nextHeaderField} is the index of the field
     * that named {@code nextHeader} (a Hop-by-Hop header anywhere but right after the fixed
     * header, at {@code packetStart + 6}, is an error).
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer, or
     *     {@code packetStart} is after {@code offset}
     */
    public boolean check(ByteBuffer buffer, int offset, int length, int nextHeader, int packetStart,
            int nextHeaderField) {
        return walk(buffer, offset, length, nextHeader, packetStart, nextHeaderField, true);
    }

    private boolean walk(ByteBuffer buffer, int offset, int length, int nextHeader, int packetStart,
            int nextHeaderField, boolean processing) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        Objects.checkFromToIndex(packetStart, offset, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        this.count = 0;
        this.fragment = -1;
        this.errorPointer = -1;
        this.optionAction = null;
        this.upperLayerProtocol = 0;
        this.upperLayerOffset = 0;
        this.upperLayerLength = 0;
        this.upperLayerPointer = 0;
        this.walkStart = offset;
        int end = offset + length;
        int at = offset;
        int nh = nextHeader & 0xff;
        int field = nextHeaderField;
        while (true) {
            int len;
            switch (nh) {
                case HOP_BY_HOP, DESTINATION_OPTIONS -> {
                    if (nh == HOP_BY_HOP && field != packetStart + Ipv6Packet.NEXT_HEADER) {
                        return fail(WireError.UNRECOGNIZED_NEXT_HEADER, field - packetStart);
                    }
                    len = headerLength(buffer, at, end);
                    if (len < 0) {
                        return fail(WireError.TRUNCATED);
                    }
                    if (!options(buffer, at + 2, at + len, packetStart, processing)) {
                        return false;
                    }
                }
                case ROUTING -> {
                    len = headerLength(buffer, at, end);
                    if (len < 0) {
                        return fail(WireError.TRUNCATED);
                    }
                    if (processing && u8(buffer, at + 3) != 0) {
                        return fail(WireError.UNRECOGNIZED_ROUTING_TYPE, at + 2 - packetStart);
                    }
                }
                case FRAGMENT -> {
                    if (end - at < FRAGMENT_HEADER_LENGTH) {
                        return fail(WireError.TRUNCATED);
                    }
                    if (count == MAX_HEADERS) {
                        return fail(WireError.TOO_MANY_HEADERS);
                    }
                    int word = u16(buffer, at + 2);
                    int dataLength = end - at - FRAGMENT_HEADER_LENGTH;
                    int fragmentOffset = (word >>> FRAGMENT_OFFSET_SHIFT) * 8;
                    if (processing && (word & MORE_FRAGMENTS) != 0 && dataLength % 8 != 0) {
                        return fail(WireError.BAD_FRAGMENT, Ipv6Packet.PAYLOAD_LENGTH);
                    }
                    if (processing && fragmentOffset + dataLength > Ipv6Packet.MAX_PAYLOAD_LENGTH) {
                        return fail(WireError.BAD_FRAGMENT, at + 2 - packetStart);
                    }
                    if (processing && fragmentOffset == 0 && (word & MORE_FRAGMENTS) != 0
                            && !wholeChain(buffer, at + FRAGMENT_HEADER_LENGTH, end, u8(buffer, at))) {
                        return fail(WireError.INCOMPLETE_HEADER_CHAIN, 0);
                    }
                    fragment = count;
                    record(FRAGMENT, at, FRAGMENT_HEADER_LENGTH);
                    return upperLayer(buffer, u8(buffer, at), at, at + FRAGMENT_HEADER_LENGTH, end);
                }
                default -> {
                    return upperLayer(buffer, nh, field, at, end);
                }
            }
            if (count == MAX_HEADERS) {
                return fail(WireError.TOO_MANY_HEADERS);
            }
            record(nh, at, len);
            field = at;
            nh = u8(buffer, at);
            at += len;
        }
    }

    /** The length of the header at {@code at} from its Hdr Ext Len (in 8-octet units, not counting the first 8), or -1 if it does not fit. */
    private static int headerLength(ByteBuffer buffer, int at, int end) {
        if (end - at < 8) {
            return -1;
        }
        int len = (u8(buffer, at + 1) + 1) * 8;
        return len <= end - at ? len : -1;
    }

    /** Checks the options in {@code [from, to)} of one header. */
    private boolean options(ByteBuffer buffer, int from, int to, int packetStart, boolean processing) {
        int i = from;
        while (i < to) {
            int type = u8(buffer, i);
            if (type == Ipv6Option.PAD1) {
                i++;
                continue;
            }
            if (to - i < 2 || 2 + u8(buffer, i + 1) > to - i) {
                return fail(WireError.BAD_OPTIONS);
            }
            if (processing && !Ipv6Option.recognized(type)) {
                Ipv6OptionAction action = Ipv6OptionAction.of(type);
                if (action != Ipv6OptionAction.SKIP) {
                    this.optionAction = action;
                    return fail(WireError.UNRECOGNIZED_OPTION, i - packetStart);
                }
            }
            i += 2 + u8(buffer, i + 1);
        }
        return true;
    }

    /** Whether the headers from {@code at}, the first of type {@code nh}, reach an upper-layer header that fits before {@code end}. */
    private static boolean wholeChain(ByteBuffer buffer, int at, int end, int nh) {
        int i = at;
        int type = nh;
        for (int n = 0; n <= MAX_HEADERS; n++) {
            switch (type) {
                case HOP_BY_HOP, ROUTING, DESTINATION_OPTIONS -> {
                    int len = headerLength(buffer, i, end);
                    if (len < 0) {
                        return false;
                    }
                    type = u8(buffer, i);
                    i += len;
                }
                case FRAGMENT -> {
                    if (end - i < FRAGMENT_HEADER_LENGTH) {
                        return false;
                    }
                    type = u8(buffer, i);
                    i += FRAGMENT_HEADER_LENGTH;
                }
                default -> {
                    return end - i >= minimumUpperLayerHeader(type);
                }
            }
        }
        return false;
    }

    /** The least header of the protocols this stack speaks: TCP 20 (RFC 9293), UDP 8, ICMPv6 4 (RFC 4443 section 2.1); 0 for others. */
    private static int minimumUpperLayerHeader(int protocol) {
        return switch (protocol) {
            case Ipv6Packet.NEXT_HEADER_TCP -> 20;
            case Ipv6Packet.NEXT_HEADER_UDP -> 8;
            case Ipv6Packet.NEXT_HEADER_ICMPV6 -> 4;
            default -> 0;
        };
    }

    private void record(int type, int at, int len) {
        types[count] = type;
        offsets[count] = at;
        lengths[count] = len;
        count++;
    }

    private boolean upperLayer(ByteBuffer buffer, int protocol, int field, int at, int end) {
        this.upperLayerProtocol = protocol;
        this.upperLayerPointer = field;
        this.upperLayerOffset = at;
        this.upperLayerLength = end - at;
        this.buffer = buffer;
        this.start = walkStart;
        this.error = null;
        return true;
    }

    private boolean fail(WireError reason, int pointer) {
        this.errorPointer = pointer;
        return fail(reason);
    }

    /** The number of extension headers before the upper layer (or fragment data). */
    public int headerCount() {
        return count;
    }

    /** The Next Header value that names header {@code i}: {@link #HOP_BY_HOP}, {@link #ROUTING}, {@link #FRAGMENT} or {@link #DESTINATION_OPTIONS}. */
    public int headerType(int i) {
        Objects.checkIndex(i, count);
        return types[i];
    }

    /** Index of header {@code i} in {@link #buffer()}. */
    public int headerOffset(int i) {
        Objects.checkIndex(i, count);
        return offsets[i];
    }

    /** Length of header {@code i} in octets. */
    public int headerLength(int i) {
        Objects.checkIndex(i, count);
        return lengths[i];
    }

    /** The protocol of what follows the chain (the fragment's Next Header for a fragment); {@link #NO_NEXT_HEADER} if nothing. */
    public int upperLayerProtocol() {
        return upperLayerProtocol;
    }

    /** Index of the upper-layer header (or the fragment data) in {@link #buffer()}. */
    public int upperLayerOffset() {
        return upperLayerOffset;
    }

    /** Length of the upper-layer header and data (or the fragment data). */
    public int upperLayerLength() {
        return upperLayerLength;
    }

    /** Index in {@link #buffer()} of the Next Header field naming the upper layer: where a Parameter Problem code 1 points. */
    public int upperLayerPointer() {
        return upperLayerPointer;
    }

    /** Whether the chain ends in a Fragment header. */
    public boolean isFragment() {
        return fragment >= 0;
    }

    /** The fragment's offset in octets; only for {@link #isFragment()}. */
    public int fragmentOffset() {
        return (fragmentWord() >>> FRAGMENT_OFFSET_SHIFT) * 8;
    }

    /** The fragment's M flag; only for {@link #isFragment()}. */
    public boolean moreFragments() {
        return (fragmentWord() & MORE_FRAGMENTS) != 0;
    }

    /** The fragment's Identification; only for {@link #isFragment()}. */
    public int fragmentIdentification() {
        checkFragment();
        return i32(buffer, offsets[fragment] + 4);
    }

    /**
     * Whether this is an atomic fragment, offset 0 and no M flag: "processed as a fully
     * reassembled packet" without touching reassembly state (RFC 6946 section 4; RFC 8200
     * section 4.5).
     */
    public boolean isAtomicFragment() {
        return isFragment() && fragmentWord() >>> FRAGMENT_OFFSET_SHIFT == 0 && !moreFragments();
    }

    private int fragmentWord() {
        checkFragment();
        return u16(buffer, offsets[fragment] + 2);
    }

    private void checkFragment() {
        if (fragment < 0) {
            throw new IllegalStateException("no fragment header");
        }
    }

    /**
     * After a failed check: the octet offset within the packet that a Parameter Problem points
     * at (RFC 4443 section 3.4), or -1 if the failure calls for no ICMP message.
     */
    public int errorPointer() {
        return errorPointer;
    }

    /** After a check failed with {@link WireError#UNRECOGNIZED_OPTION}: what the option's type asks for; otherwise null. */
    public Ipv6OptionAction optionAction() {
        return optionAction;
    }
}
