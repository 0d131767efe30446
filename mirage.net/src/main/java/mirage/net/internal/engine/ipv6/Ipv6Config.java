package mirage.net.internal.engine.ipv6;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.NdpConfig;

/**
 * What an {@link Ipv6Engine} is built with, validated here.
 *
 * @param addresses this interface's unicast addresses with their prefixes, the link-local one
 *     first; each prefix is on-link (RFC 4861 section 5.2)
 * @param defaultRouter the default router (a static {@code --ipv6-gateway}); empty for none
 * @param ndp the neighbour cache's parameters
 */
public record Ipv6Config(List<Ipv6Cidr> addresses, Optional<Ipv6Address> defaultRouter, NdpConfig ndp) {

    /** The hop limit of what we originate (Linux's default, RFC 8200 section 3 leaves it to the node). */
    public static final int HOP_LIMIT = 64;

    /**
     * @throws IllegalArgumentException if an address is unspecified, loopback, multicast or
     *     IPv4-mapped, or the router is not a unicast address
     */
    public Ipv6Config {
        addresses = checked(addresses, defaultRouter);
        Objects.requireNonNull(ndp, "ndp");
    }

    /** {@code addresses}, copied, once they and {@code defaultRouter} are checked as the constructor says. */
    static List<Ipv6Cidr> checked(List<Ipv6Cidr> addresses, Optional<Ipv6Address> defaultRouter) {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(defaultRouter, "defaultRouter");
        for (Ipv6Cidr c : addresses) {
            Ipv6Address a = c.address();
            if (a.isUnspecified() || a.isLoopback() || a.isMulticast() || a.isIpv4Mapped()) {
                throw new IllegalArgumentException("IPv6 address " + c + " is not a unicast interface address");
            }
        }
        if (defaultRouter.isPresent()) {
            Ipv6Address r = defaultRouter.get();
            if (r.isUnspecified() || r.isLoopback() || r.isMulticast() || r.isIpv4Mapped()) {
                throw new IllegalArgumentException("IPv6 router " + r + " is not a unicast address");
            }
        }
        return addresses;
    }

    /**
     * The link-local address of {@code mac}: {@code fe80::/64} and the modified EUI-64 interface
     * identifier (RFC 4291 appendix A, RFC 2464 section 4: the universal/local bit inverted and
     * {@code ff:fe} in the middle). RFC 7217's stable identifiers will replace it for SLAAC.
     */
    public static Ipv6Cidr linkLocal(MacAddress mac) {
        long m = mac.bits();
        long oui = (m >>> 24) ^ 0x020000L;
        long iid = oui << 40 | 0xfffeL << 24 | (m & 0xffffffL);
        return Ipv6Cidr.of(new Ipv6Address(0xfe80_0000_0000_0000L, iid), 64);
    }

    /** The solicited-node multicast address of {@code address}: {@code ff02::1:ff00:0/104} and its low 24 bits (RFC 4291 section 2.7.1). */
    public static Ipv6Address solicitedNode(Ipv6Address address) {
        return new Ipv6Address(0xff02_0000_0000_0000L, 0x1_ff00_0000L | (address.low() & 0xff_ffffL));
    }

    /** The Ethernet address of an IPv6 multicast address: {@code 33:33} and its low 32 bits (RFC 2464 section 7). */
    public static MacAddress multicastMac(Ipv6Address group) {
        return new MacAddress(0x3333_0000_0000L | (group.low() & 0xffff_ffffL));
    }
}
