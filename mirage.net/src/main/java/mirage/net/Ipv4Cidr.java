package mirage.net;

import java.util.Objects;
import mirage.net.internal.address.AddressText;

/**
 * An IPv4 address with the length of its subnet prefix, as written {@code "10.0.0.2/24"}: an
 * interface's address and its on-link network in one value (mirage's
 * {@code Ipaddr.V4.Prefix.t} with its address kept). The address need not be the network
 * address; {@link #network()} gives that.
 *
 * @param address the address, host bits kept
 * @param prefixLength the number of leading network bits, 0-32
 */
public record Ipv4Cidr(Ipv4Address address, int prefixLength) {

    /**
     * @throws IllegalArgumentException if {@code prefixLength} is outside 0-32
     * @throws NullPointerException if {@code address} is null
     */
    public Ipv4Cidr {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length must be 0-32, got " + prefixLength);
        }
    }

    /**
     * Parses {@code "ADDRESS/LENGTH"}: a dotted quad as {@link Ipv4Address#parse} takes it,
     * {@code '/'}, and a decimal length 0-32 without a leading zero. Nothing else (no netmask
     * form, no whitespace).
     *
     * @throws IllegalArgumentException naming the input and the rule it breaks, e.g.
     *     {@code IPv4 CIDR "10.0.0.2/33": prefix length 33 is above 32}
     */
    public static Ipv4Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        String kind = "IPv4 CIDR";
        int slash = AddressText.slash(text, kind);
        int bits = AddressText.parseIpv4Part(text, slash, kind);
        return new Ipv4Cidr(new Ipv4Address(bits), AddressText.parsePrefixLength(text, slash + 1, 32, kind));
    }

    /** {@code address/prefixLength}. */
    public static Ipv4Cidr of(Ipv4Address address, int prefixLength) {
        return new Ipv4Cidr(address, prefixLength);
    }

    private int maskBits() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /** The netmask, e.g. {@code 255.255.255.0} for {@code /24}. */
    public Ipv4Address netmask() {
        return new Ipv4Address(maskBits());
    }

    /** The network address: the address with its host bits cleared, e.g. {@code 10.0.0.0} for {@code 10.0.0.2/24}. */
    public Ipv4Address network() {
        return new Ipv4Address(address.bits() & maskBits());
    }

    /**
     * The address with all host bits set, e.g. {@code 10.0.0.255} for {@code 10.0.0.2/24}. For
     * {@code /31} (RFC 3021 point-to-point links) and {@code /32} that is a host address, not a
     * broadcast address: use {@link #isBroadcast} to classify a destination.
     */
    public Ipv4Address broadcast() {
        return new Ipv4Address(address.bits() | ~maskBits());
    }

    /**
     * Whether {@code other} is this subnet's directed broadcast address, {@link #broadcast()},
     * for prefixes of length 30 or less; always false for {@code /31} and {@code /32}, which have
     * none. The limited broadcast {@code 255.255.255.255} is not a directed broadcast.
     */
    public boolean isBroadcast(Ipv4Address other) {
        return prefixLength <= 30 && other.bits() == (address.bits() | ~maskBits());
    }

    /** Whether {@code other} lies in this network: the same first {@code prefixLength} bits. */
    public boolean contains(Ipv4Address other) {
        return ((other.bits() ^ address.bits()) & maskBits()) == 0;
    }

    /** {@code "10.0.0.2/24"}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
