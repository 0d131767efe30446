package mirage.net;

import java.util.Objects;
import mirage.net.internal.address.AddressText;

/**
 * An IPv6 address with the length of its prefix, as written {@code "2001:db8::1/64"}; the
 * address keeps its interface bits, {@link #network()} clears them.
 *
 * @param address the address, interface bits kept
 * @param prefixLength the number of leading network bits, 0-128
 */
public record Ipv6Cidr(Ipv6Address address, int prefixLength) {

    /**
     * @throws IllegalArgumentException if {@code prefixLength} is outside 0-128
     * @throws NullPointerException if {@code address} is null
     */
    public Ipv6Cidr {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > 128) {
            throw new IllegalArgumentException("IPv6 prefix length must be 0-128, got " + prefixLength);
        }
    }

    /**
     * Parses {@code "ADDRESS/LENGTH"}: an address as {@link Ipv6Address#parse} takes it,
     * {@code '/'}, and a decimal length 0-128 without a leading zero.
     *
     * @throws IllegalArgumentException naming the input and the rule it breaks
     */
    public static Ipv6Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String kind = "IPv6 CIDR";
        int slash = AddressText.slash(text, kind);
        Ipv6Address address = AddressText.parseIpv6(text, slash, kind);
        return new Ipv6Cidr(address, AddressText.parsePrefixLength(text, slash + 1, 128, kind));
    }

    /** {@code address/prefixLength}. */
    public static Ipv6Cidr of(Ipv6Address address, int prefixLength) {
        return new Ipv6Cidr(address, prefixLength);
    }

    private long highMask() {
        return prefixLength == 0 ? 0 : prefixLength >= 64 ? -1L : -1L << (64 - prefixLength);
    }

    private long lowMask() {
        return prefixLength <= 64 ? 0 : -1L << (128 - prefixLength);
    }

    /** The network: the address with its interface bits cleared. */
    public Ipv6Address network() {
        return new Ipv6Address(address.high() & highMask(), address.low() & lowMask());
    }

    /** Whether {@code other} lies in this prefix: the same first {@code prefixLength} bits. */
    public boolean contains(Ipv6Address other) {
        return ((other.high() ^ address.high()) & highMask()) == 0 && ((other.low() ^ address.low()) & lowMask()) == 0;
    }

    /** {@code "2001:db8::1/64"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
