package mirage.net;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.internal.address.AddressText;

/**
 * An IEEE 802 MAC address (EUI-48), held as its 48 bits in the low bits of a {@code long}
 * (first octet most significant), so that equality, hashing and ordering are those of the
 * number and no array is shared.
 *
 * <p>Text: {@link #parse} takes six groups of two hexadecimal digits in either case, separated
 * all by {@code ':'} or all by {@code '-'}; {@link #toString} gives the lower-case colon form,
 * {@code "02:00:00:00:00:01"}.
 *
 * @param bits the 48 address bits; bits 48-63 must be zero
 */
public record MacAddress(long bits) implements Comparable<MacAddress> {

    /** {@code ff:ff:ff:ff:ff:ff}, every station on the link. */
    public static final MacAddress BROADCAST = new MacAddress(0xffff_ffff_ffffL);

    /** {@code 00:00:00:00:00:00}, e.g. the unknown target hardware address of an ARP request. */
    public static final MacAddress ZERO = new MacAddress(0);

    /** Length of a MAC address in octets. */
    public static final int LENGTH = 6;

    /** @throws IllegalArgumentException if a bit above bit 47 is set */
    public MacAddress {
        if ((bits >>> 48) != 0) {
            throw new IllegalArgumentException("MAC address bits 0x" + Long.toHexString(bits) + " exceed 48 bits");
        }
    }

    /**
     * Parses {@code "02:00:00:00:00:01"} or {@code "02-00-00-00-00-01"} (hexadecimal digits in
     * either case, one separator throughout). No whitespace, no other separators or groupings.
     *
     * @throws IllegalArgumentException naming the input and the rule it breaks
     */
    public static MacAddress parse(String text) {
        return new MacAddress(AddressText.parseMac(Objects.requireNonNull(text, "text")));
    }

    /**
     * The address of these 6 octets, first octet first; the array is read, not kept.
     *
     * @throws IllegalArgumentException if {@code octets} is not 6 long
     */
    public static MacAddress of(byte[] octets) {
        if (octets.length != LENGTH) {
            throw new IllegalArgumentException("a MAC address has 6 octets, got " + octets.length);
        }
        return read(ByteBuffer.wrap(octets), 0);
    }

    /**
     * The address in the 6 octets of {@code buffer} at absolute {@code index}; the buffer's
     * position, limit and byte order are not used or changed.
     *
     * @throws IndexOutOfBoundsException if fewer than 6 octets lie between {@code index} and the limit
     */
    public static MacAddress read(ByteBuffer buffer, int index) {
        Objects.checkFromIndexSize(index, LENGTH, buffer.limit());
        long bits = 0;
        for (int i = 0; i < LENGTH; i++) {
            bits = (bits << 8) | (buffer.get(index + i) & 0xff);
        }
        return new MacAddress(bits);
    }

    /**
     * Writes the 6 octets into {@code buffer} at absolute {@code index}; the buffer's position
     * and byte order are not used or changed.
     *
     * @throws IndexOutOfBoundsException if fewer than 6 octets lie between {@code index} and the limit
     * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
     */
    public void write(ByteBuffer buffer, int index) {
        Objects.checkFromIndexSize(index, LENGTH, buffer.limit());
        for (int i = 0; i < LENGTH; i++) {
            buffer.put(index + i, (byte) (bits >>> (40 - 8 * i)));
        }
    }

    /** A new array of the 6 octets, first octet first. */
    public byte[] toBytes() {
        byte[] out = new byte[LENGTH];
        write(ByteBuffer.wrap(out), 0);
        return out;
    }

    /** Whether this is {@link #BROADCAST}. */
    public boolean isBroadcast() {
        return bits == BROADCAST.bits;
    }

    /** Whether the group bit (least significant bit of the first octet) is set; broadcast is multicast too. */
    public boolean isMulticast() {
        return (bits & (1L << 40)) != 0;
    }

    /** Whether the group bit is clear: the address of one station. */
    public boolean isUnicast() {
        return !isMulticast();
    }

    /** Whether the U/L bit (second least significant bit of the first octet) is set: not from an OUI. */
    public boolean isLocallyAdministered() {
        return (bits & (1L << 41)) != 0;
    }

    /** Orders by the 48-bit number, i.e. octet by octet. */
    @Override
    public int compareTo(MacAddress other) {
        return Long.compare(bits, other.bits);
    }

    /** Lower-case colon form, {@code "02:00:00:00:00:01"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return AddressText.formatMac(bits);
    }
}
