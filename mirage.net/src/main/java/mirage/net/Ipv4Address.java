package mirage.net;

import java.nio.ByteBuffer;
import java.util.Objects;
import mirage.net.internal.address.AddressText;

/**
 * An IPv4 address, held as its 32 bits in an {@code int} (first octet most significant), so
 * that a packet's addresses compare and hash without allocation beyond the record.
 *
 * <p>Text: exactly four decimal octets 0-255 separated by {@code '.'}, each without a leading
 * zero (but {@code "0"} itself), no whitespace, no other forms ({@code "10.1"},
 * {@code "0x0a.0.0.1"}, {@code "167772161"} are refused). {@code "01.2.3.4"} is refused rather
 * than read as {@code 1.2.3.4} because BSD's {@code inet_aton} and its descendants read a
 * leading zero as octal ({@code "010"} is 8): accepting it would let the same text name two
 * different addresses in two programs.
 *
 * @param bits the 32 address bits, first octet in bits 24-31
 */
public record Ipv4Address(int bits) implements IpAddress, Comparable<Ipv4Address> {

    /** {@code 0.0.0.0}, the unspecified address ("this host" as a source, RFC 1122 §3.2.1.3). */
    public static final Ipv4Address UNSPECIFIED = new Ipv4Address(0);

    /** {@code 255.255.255.255}, the limited broadcast address (RFC 919). */
    public static final Ipv4Address BROADCAST = new Ipv4Address(-1);

    /** {@code 127.0.0.1}, the usual loopback address. */
    public static final Ipv4Address LOCALHOST = new Ipv4Address(0x7f00_0001);

    /** Length of an IPv4 address in octets. */
    public static final int LENGTH = 4;

    /**
     * Parses a dotted quad such as {@code "10.0.0.2"} (see the class comment for the rules).
     *
     * @throws IllegalArgumentException naming the input and the rule it breaks, e.g.
     *     {@code IPv4 address "01.2.3.4": octet 1 "01" has a leading zero (refused: other
     *     parsers read it as octal)}
     */
    public static Ipv4Address parse(String text) {
        return new Ipv4Address(AddressText.parseIpv4(Objects.requireNonNull(text, "text")));
    }

    /**
     * The address {@code a.b.c.d}.
     *
     * @throws IllegalArgumentException if an octet is outside 0-255
     */
    public static Ipv4Address of(int a, int b, int c, int d) {
        if (((a | b | c | d) & ~0xff) != 0) {
            throw new IllegalArgumentException("IPv4 octets must be 0-255, got " + a + "." + b + "." + c + "." + d);
        }
        return new Ipv4Address(a << 24 | b << 16 | c << 8 | d);
    }

    /**
     * The address of these 4 octets, first octet first; the array is read, not kept.
     *
     * @throws IllegalArgumentException if {@code octets} is not 4 long
     */
    public static Ipv4Address of(byte[] octets) {
        if (octets.length != LENGTH) {
            throw new IllegalArgumentException("an IPv4 address has 4 octets, got " + octets.length);
        }
        return read(ByteBuffer.wrap(octets), 0);
    }

    /**
     * The address in the 4 octets of {@code buffer} at absolute {@code index} (network order);
     * the buffer's position and byte order are not used or changed.
     *
     * @throws IndexOutOfBoundsException if fewer than 4 octets lie between {@code index} and the limit
     */
    public static Ipv4Address read(ByteBuffer buffer, int index) {
        Objects.checkFromIndexSize(index, LENGTH, buffer.limit());
        return new Ipv4Address((buffer.get(index) & 0xff) << 24 | (buffer.get(index + 1) & 0xff) << 16
                | (buffer.get(index + 2) & 0xff) << 8 | (buffer.get(index + 3) & 0xff));
    }

    /**
     * Writes the 4 octets into {@code buffer} at absolute {@code index} (network order); the
     * buffer's position and byte order are not used or changed.
     *
     * @throws IndexOutOfBoundsException if fewer than 4 octets lie between {@code index} and the limit
     * @throws java.nio.ReadOnlyBufferException if the buffer is read-only
     */
    public void write(ByteBuffer buffer, int index) {
        Objects.checkFromIndexSize(index, LENGTH, buffer.limit());
        for (int i = 0; i < LENGTH; i++) {
            buffer.put(index + i, (byte) (bits >>> (24 - 8 * i)));
        }
    }

    /** A new array of the 4 octets, first octet first. */
    public byte[] toBytes() {
        byte[] out = new byte[LENGTH];
        write(ByteBuffer.wrap(out), 0);
        return out;
    }

    /** Whether this is {@code 0.0.0.0}. */
    @Override
    public boolean isUnspecified() {
        return bits == 0;
    }

    /** Whether this is the limited broadcast address {@code 255.255.255.255}; see {@link Ipv4Cidr#isBroadcast} for a subnet's. */
    public boolean isBroadcast() {
        return bits == -1;
    }

    /** Whether this is in {@code 224.0.0.0/4} (RFC 5771). */
    @Override
    public boolean isMulticast() {
        return (bits >>> 28) == 0xe;
    }

    /** Whether this is in {@code 127.0.0.0/8} (RFC 1122 §3.2.1.3). */
    @Override
    public boolean isLoopback() {
        return (bits >>> 24) == 127;
    }

    /** Whether this is in {@code 169.254.0.0/16} (RFC 3927). */
    @Override
    public boolean isLinkLocal() {
        return (bits >>> 16) == 0xa9fe;
    }

    /** Whether this is in one of the private ranges of RFC 1918: {@code 10/8}, {@code 172.16/12}, {@code 192.168/16}. */
    public boolean isPrivate() {
        return (bits >>> 24) == 10 || (bits >>> 20) == 0xac1 || (bits >>> 16) == 0xc0a8;
    }

    /** Orders as unsigned 32-bit numbers, i.e. octet by octet. */
    @Override
    public int compareTo(Ipv4Address other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    /** The dotted quad, {@code "10.0.0.2"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return AddressText.formatIpv4(bits);
    }
}
