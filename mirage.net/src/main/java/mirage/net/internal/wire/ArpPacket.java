package mirage.net.internal.wire;

import static mirage.net.internal.wire.Bytes.i32;
import static mirage.net.internal.wire.Bytes.u16;
import static mirage.net.internal.wire.Bytes.u48;
import static mirage.net.internal.wire.Bytes.u8;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A view of an ARP packet for Ethernet hardware and IPv4 protocol addresses (RFC 826,
 * "Packet format"); other address kinds are refused by {@link #check}. The package rules apply.
 *
 * <pre>
 *  0        2        4    5    6        8          14         18         24         28
 *  | ar$hrd | ar$pro |$hln|$pln| ar$op  | ar$sha   | ar$spa   | ar$tha   | ar$tpa   |
 * </pre>
 */
public final class ArpPacket extends View {
    /** Offset of ar$hrd, the hardware address space. */
    public static final int HARDWARE_TYPE = 0;
    /** Offset of ar$pro, the protocol address space (an EtherType). */
    public static final int PROTOCOL_TYPE = 2;
    /** Offset of ar$hln. */
    public static final int HARDWARE_LENGTH = 4;
    /** Offset of ar$pln. */
    public static final int PROTOCOL_LENGTH = 5;
    /** Offset of ar$op. */
    public static final int OPERATION = 6;
    /** Offset of ar$sha for Ethernet/IPv4. */
    public static final int SENDER_HARDWARE = 8;
    /** Offset of ar$spa for Ethernet/IPv4. */
    public static final int SENDER_PROTOCOL = 14;
    /** Offset of ar$tha for Ethernet/IPv4. */
    public static final int TARGET_HARDWARE = 18;
    /** Offset of ar$tpa for Ethernet/IPv4. */
    public static final int TARGET_PROTOCOL = 24;
    /** Length of the fixed part, before the addresses. */
    public static final int FIXED_LENGTH = 8;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;

    /** ar$hrd of Ethernet: "ares_hrd$Ethernet" = 1 (RFC 826, "Packet format"; IANA ARP parameters). */
    public static final int HARDWARE_ETHERNET = 1;
    /** ar$op of a request: "ares_op$REQUEST" = 1 (RFC 826). */
    public static final int OPERATION_REQUEST = 1;
    /** ar$op of a reply: "ares_op$REPLY" = 2 (RFC 826). */
    public static final int OPERATION_REPLY = 2;

    private int length;

    /** An unchecked view: its accessors are only defined after {@link #check} returns true. */
    public ArpPacket() {}

    /**
     * Checks that {@code [offset, offset + length)} holds an ARP packet with Ethernet (1, 6)
     * hardware and IPv4 (0x0800, 4) protocol addresses, and binds this view to it. Bytes after
     * the 28 of the packet (Ethernet padding) are allowed and ignored. The operation is not
     * checked here: it is any 16-bit value.
     *
     * @throws IndexOutOfBoundsException if the region lies outside the buffer
     */
    public boolean check(ByteBuffer buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.limit());
        this.buffer = EMPTY;
        this.start = 0;
        this.length = 0;
        if (length < FIXED_LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        if (u16(buffer, offset + HARDWARE_TYPE) != HARDWARE_ETHERNET
                || u16(buffer, offset + PROTOCOL_TYPE) != EthernetFrame.TYPE_IPV4
                || u8(buffer, offset + HARDWARE_LENGTH) != 6
                || u8(buffer, offset + PROTOCOL_LENGTH) != 4) {
            return fail(WireError.UNSUPPORTED_ADDRESSES);
        }
        if (length < LENGTH) {
            return fail(WireError.TRUNCATED);
        }
        this.buffer = buffer;
        this.start = offset;
        this.length = length;
        this.error = null;
        return true;
    }

    public int operation() {
        return u16(buffer, start + OPERATION);
    }

    public long senderHardwareAddress() {
        return u48(buffer, start + SENDER_HARDWARE);
    }

    public int senderProtocolAddress() {
        return i32(buffer, start + SENDER_PROTOCOL);
    }

    public long targetHardwareAddress() {
        return u48(buffer, start + TARGET_HARDWARE);
    }

    public int targetProtocolAddress() {
        return i32(buffer, start + TARGET_PROTOCOL);
    }

    /** Length of the checked region, at least {@link #LENGTH}. */
    public int length() {
        return length;
    }
}
