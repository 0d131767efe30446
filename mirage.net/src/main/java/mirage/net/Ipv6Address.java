package mirage.net;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import mirage.net.internal.address.AddressText;

/**
 * An IPv6 address, held as its 128 bits in two {@code long}s (first octet most significant in
 * {@code high}).
 *
 * <p>Text: {@link #parse} takes the forms of RFC 4291 §2.2: eight groups of 1-4 hexadecimal
 * digits (either case) separated by {@code ':'}; at most one {@code "::"} standing for one or
 * more zero groups; and a dotted-quad IPv4 tail for the last 32 bits, with the strict rules of
 * {@link Ipv4Address#parse}. Zone identifiers ({@code "fe80::1%eth0"}), brackets, prefixes and
 * whitespace are refused. {@link #toString} gives the canonical form of RFC 5952 §4: lower
 * case, no leading zeros in a group, the longest run of two or more zero groups replaced by
 * {@code "::"} (the first of equal runs; a single zero group is written {@code 0}); and, per
 * §5, IPv4-mapped addresses as {@code ::ffff:192.0.2.1}.
 *
 * @param high bits 0-63 of the address (groups 1-4)
 * @param low bits 64-127 of the address (groups 5-8)
 */
public record Ipv6Address(long high, long low) implements IpAddress, Comparable<Ipv6Address> {

    /** {@code ::}, the unspecified address. */
    public static final Ipv6Address UNSPECIFIED = new Ipv6Address(0, 0);

    /** {@code ::1}, the loopback address. */
    public static final Ipv6Address LOOPBACK = new Ipv6Address(0, 1);

    /** Length of an IPv6 address in octets. */
    public static final int LENGTH = 16;

    /**
     * Parses RFC 4291 text (see the class comment), e.g. {@code "2001:db8::1"} or
     * {@code "::ffff:192.0.2.1"}.
     *
     * @throws IllegalArgumentException naming the input and the rule it breaks
     */
    public static Ipv6Address parse(String text) {
        return AddressText.parseIpv6(Objects.requireNonNull(text, "text"));
    }

    /**
     * The address of these 16 octets, first octet first; the array is read, not kept.
     *
     * @throws IllegalArgumentException if {@code octets} is not 16 long
     */
    public static Ipv6Address of(byte[] octets) {
        if (octets.length != LENGTH) {
            throw new IllegalArgumentException("an IPv6 address has 16 octets, got " + octets.length);
        }
        return read(ByteBuffer.wrap(octets), 0);
    }

    /**
     * The IPv4-mapped address {@code ::ffff:a.b.c.d} of {@code v4} (RFC 4291 §2.5.5.2).
     */
    public static Ipv6Address ipv4Mapped(Ipv4Address v4) {
        return new Ipv6Address(0, 0xffff_0000_0000L | (v4.bits() & 0xffff_ffffL));
    }

    /**
     * The address in the 16 octets of {@code buffer} at absolute {@code index} (network order);
     * the buffer's position and byte order are not used or changed.
     *
     * @throws IndexOutOfBoundsException if fewer than 16 octets lie between {@code index} and the limit
     */
    public static Ipv6Address read(ByteBuffer buffer, int index) {
        Objects.checkFromIndexSize(index, LENGTH, buffer.limit());
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (buffer.get(index + i) & 0xff);
            low = (low << 8) | (buffer.get(index + 8 + i) & 0xff);
        }
        return new Ipv6Address(high, low);
    }

    /**
     * Writes the 16 octets into {@code buffer} at absolute {@code index} (network order); the
     * buffer's position and byte order are not used or changed.
     *
     * @throws IndexOutOfBoundsException if fewer than 16 octets lie between {@code index} and the limit
     * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
     */
    public void write(ByteBuffer buffer, int index) {
        Objects.checkFromIndexSize(index, LENGTH, buffer.limit());
        for (int i = 0; i < 8; i++) {
            buffer.put(index + i, (byte) (high >>> (56 - 8 * i)));
            buffer.put(index + 8 + i, (byte) (low >>> (56 - 8 * i)));
        }
    }

    /** A new array of the 16 octets, first octet first. */
    public byte[] toBytes() {
        byte[] out = new byte[LENGTH];
        write(ByteBuffer.wrap(out), 0);
        return out;
    }

    /**
     * Group {@code index} (0-7, leftmost first) as an unsigned 16-bit value.
     *
     * @throws IndexOutOfBoundsException if {@code index} is outside 0-7
     */
    public int group(int index) {
        Objects.checkIndex(index, 8);
        return AddressText.group(high, low, index);
    }

    /** Whether this is {@code ::}. */
    @Override
    public boolean isUnspecified() {
        return high == 0 && low == 0;
    }

    /** Whether this is {@code ::1}. */
    @Override
    public boolean isLoopback() {
        return high == 0 && low == 1;
    }

    /** Whether this is in {@code ff00::/8}. */
    @Override
    public boolean isMulticast() {
        return (high >>> 56) == 0xff;
    }

    /** Whether this is in {@code fe80::/10}. */
    @Override
    public boolean isLinkLocal() {
        return (high >>> 54) == (0xfe80L >>> 6);
    }

    /** Whether this is a unique local address, in {@code fc00::/7} (RFC 4193). */
    public boolean isUniqueLocal() {
        return (high >>> 57) == (0xfcL >>> 1);
    }

    /** Whether this is an IPv4-mapped address, in {@code ::ffff:0:0/96}. */
    public boolean isIpv4Mapped() {
        return high == 0 && (low >>> 32) == 0xffffL;
    }

    /** The IPv4 address of an IPv4-mapped address, or empty for any other address. */
    public Optional<Ipv4Address> toIpv4Mapped() {
        return isIpv4Mapped() ? Optional.of(new Ipv4Address((int) low)) : Optional.empty();
    }

    /** Orders as unsigned 128-bit numbers, i.e. octet by octet. */
    @Override
    public int compareTo(Ipv6Address other) {
        int c = Long.compareUnsigned(high, other.high);
        return c != 0 ? c : Long.compareUnsigned(low, other.low);
    }

    /** The RFC 5952 canonical text (see the class comment); {@link #parse} reads it back. */
    @Override
    public String toString() {
        return AddressText.formatIpv6(high, low);
    }
}
