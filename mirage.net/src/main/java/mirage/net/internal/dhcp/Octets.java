package mirage.net.internal.dhcp;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with value equality (records holding a {@code byte[]} would compare identities). */
public final class Octets {
    /** No bytes. */
    public static final Octets EMPTY = new Octets(new byte[0]);

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte... bytes) {
        return new Octets(bytes.clone());
    }

    /** A copy of {@code bytes[offset, offset + length)}. */
    public static Octets of(byte[] bytes, int offset, int length) {
        return new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Hexadecimal digits, two per byte, e.g. {@code "0a4d"}. */
    public static Octets ofHex(String hex) {
        return new Octets(HexFormat.of().parseHex(hex));
    }

    public int length() {
        return bytes.length;
    }

    /** The byte at {@code index}, 0 to 255. */
    public int get(int index) {
        return bytes[index] & 0xff;
    }

    /** A fresh copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, bytes.length);
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
