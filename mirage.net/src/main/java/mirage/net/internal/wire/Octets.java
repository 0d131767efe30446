package mirage.net.internal.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality, for the variable parts of validated records
 * (IPv4 options, ICMP data, DHCP hardware addresses and options), so that records compare by
 * content.
 */
public final class Octets {
    /** No bytes. */
    public static final Octets EMPTY = new Octets(new byte[0]);

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Octets(bytes.clone());
    }

    /** A copy of {@code bytes[offset, offset + length)}. */
    public static Octets of(byte[] bytes, int offset, int length) {
        return length == 0 ? EMPTY : new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Hexadecimal digits, two per byte, e.g. {@code "0a4d"}. */
    public static Octets ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    /** A copy of {@code [offset, offset + length)} of {@code buffer}; position and limit are left alone. */
    public static Octets copyOf(ByteBuffer buffer, int offset, int length) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] b = new byte[length];
        buffer.get(offset, b);
        return new Octets(b);
    }

    public int length() {
        return bytes.length;
    }

    /** The byte at {@code index}, 0 to 255. */
    public int get(int index) {
        return bytes[index] & 0xff;
    }

    /** A copy of the bytes. */
    public byte[] toArray() {
        return bytes.clone();
    }

    /** Copies all bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, bytes.length);
    }

    /** Writes all bytes at {@code offset} of {@code buffer}; position and limit are left alone. */
    public void copyTo(ByteBuffer buffer, int offset) {
        buffer.put(offset, bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
