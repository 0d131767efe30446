package mirage.net.internal.engine.ipv6;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.engine.ndp.SlaacConfig;

/**
 * What an {@link Ipv6Engine} is built with, validated here.
 *
 * @param addresses this interface's static unicast addresses with their prefixes (a
 *     {@code --ipv6=CIDR}); each prefix is on-link (RFC 4861 section 5.2). They go through
 *     Duplicate Address Detection like the link-local address, which SLAAC forms itself (one
 *     given here equal to it is the same address)
 * @param defaultRouter the static default router (a {@code --ipv6-gateway}); empty for none
 * @param ndp the neighbour cache's parameters
 * @param slaac how addresses are formed and probed; empty for Modified EUI-64 identifiers and
 *     no Duplicate Address Detection (addresses assigned at {@link Ipv6Engine#start}: the
 *     engine's scripted tests)
 * @param acceptRouterAdvertisements whether Router Advertisements configure routers, prefixes,
 *     addresses and parameters, and Router Solicitations are sent
 */
public record Ipv6Config(List<Ipv6Cidr> addresses, Optional<Ipv6Address> defaultRouter, NdpConfig ndp,
        Optional<SlaacConfig> slaac, boolean acceptRouterAdvertisements) {

    /** The hop limit of what we originate (Linux's default, RFC 8200 section 3 leaves it to the node). */
    public static final int HOP_LIMIT = 64;

    /**
     * @throws IllegalArgumentException if an address is unspecified, loopback, multicast or
     *     IPv4-mapped, or the router is not a unicast address
     */
    public Ipv6Config {
        addresses = checked(addresses, defaultRouter);
        Objects.requireNonNull(ndp, "ndp");
        Objects.requireNonNull(slaac, "slaac");
    }

    /** Static addressing only: EUI-64 identifiers, no Duplicate Address Detection, Router Advertisements ignored. */
    public Ipv6Config(List<Ipv6Cidr> addresses, Optional<Ipv6Address> defaultRouter, NdpConfig ndp) {
        this(addresses, defaultRouter, ndp, Optional.empty(), false);
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
     * {@code ff:fe} in the middle). The link-local address SLAAC forms with EUI-64 identifiers; RFC 7217's stable ones are the default.
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
