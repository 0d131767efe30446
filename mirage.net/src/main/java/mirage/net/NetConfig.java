package mirage.net;

import java.util.Objects;
import java.util.Optional;

/**
 * How a stack gets its addresses. IPv4 alone: fixed by the operator ({@link Static}, mirage's
 * {@code --ipv4=CIDR --ipv4-gateway=ADDR}) or leased by DHCP ({@link Dhcp}, the default when
 * no address is given). Both families, or IPv6 alone: {@link DualStack}, an IPv4 part of those
 * two kinds beside an {@link Ipv6Config} (mirage's {@code --ipv6=CIDR}, {@code --ipv6-gateway},
 * {@code --accept-router-advertisements}, {@code --ipv4-only}, {@code --ipv6-only}): what a
 * unikernel's command line gives ({@link #fromArguments(String, String, String, String, boolean,
 * boolean, boolean)}). Validated when built: a configuration that exists can be applied.
 */
public sealed interface NetConfig {

    /** A static address, without gateway: only its own network is reachable. */
    static Static ipv4(Ipv4Cidr cidr) {
        return new Static(cidr, Optional.empty());
    }

    /** A static address and a default gateway on its network. */
    static Static ipv4(Ipv4Cidr cidr, Ipv4Address gateway) {
        return new Static(cidr, Optional.of(gateway));
    }

    /** Addressing by a DHCP client (RFC 2131). */
    static Dhcp dhcp() {
        return new Dhcp();
    }

    /**
     * The configuration a unikernel's command line gives (mirage's {@code --ipv4=CIDR} and
     * {@code --ipv4-gateway=ADDR}): a static address when {@code ipv4} is not empty, else DHCP.
     *
     * @param ipv4 an address with prefix such as {@code 10.0.0.2/24}, or empty for DHCP
     * @param gateway a default gateway on that network, or empty for none
     * @throws IllegalArgumentException naming the option and what is wrong with its value, or a
     *     gateway given without an address
     */
    static NetConfig fromArguments(String ipv4, String gateway) {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(gateway, "gateway");
        if (ipv4.isEmpty()) {
            if (!gateway.isEmpty()) {
                throw new IllegalArgumentException("--ipv4-gateway=" + gateway + " needs --ipv4 (with DHCP the server names the gateway)");
            }
            return dhcp();
        }
        Ipv4Cidr cidr;
        Optional<Ipv4Address> gw;
        try {
            cidr = Ipv4Cidr.parse(ipv4);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ipv4: " + e.getMessage(), e);
        }
        try {
            gw = gateway.isEmpty() ? Optional.empty() : Optional.of(Ipv4Address.parse(gateway));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ipv4-gateway: " + e.getMessage(), e);
        }
        return new Static(cidr, gw);
    }

    /**
     * The configuration of a unikernel's command line with both families (mirage's boot
     * arguments): IPv4 as {@link #fromArguments(String, String)} says unless {@code ipv6Only};
     * IPv6, unless {@code ipv4Only}, with the link-local address of the interface, the address
     * {@code ipv6} if not empty, and the default router {@code ipv6Gateway} if not empty.
     *
     * @param acceptRouterAdvertisements whether addresses and routers are learnt from Router
     *     Advertisements (SLAAC, RFC 4862); see {@link Ipv6Config}
     * @throws IllegalArgumentException in one line naming the option and what is wrong with its
     *     value, or the options that contradict each other
     */
    static NetConfig fromArguments(String ipv4, String ipv4Gateway, String ipv6, String ipv6Gateway, boolean ipv4Only,
            boolean ipv6Only, boolean acceptRouterAdvertisements) {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv4Gateway, "ipv4Gateway");
        Objects.requireNonNull(ipv6, "ipv6");
        Objects.requireNonNull(ipv6Gateway, "ipv6Gateway");
        if (ipv4Only && ipv6Only) {
            throw new IllegalArgumentException("--ipv4-only and --ipv6-only exclude each other");
        }
        if (ipv4Only && (!ipv6.isEmpty() || !ipv6Gateway.isEmpty())) {
            throw new IllegalArgumentException("--ipv4-only with " + (ipv6.isEmpty() ? "--ipv6-gateway=" + ipv6Gateway : "--ipv6=" + ipv6)
                    + ": an IPv4-only stack has no IPv6 address");
        }
        if (ipv6Only && (!ipv4.isEmpty() || !ipv4Gateway.isEmpty())) {
            throw new IllegalArgumentException("--ipv6-only with " + (ipv4.isEmpty() ? "--ipv4-gateway=" + ipv4Gateway : "--ipv4=" + ipv4)
                    + ": an IPv6-only stack has no IPv4 address");
        }
        Optional<NetConfig> v4 = ipv6Only ? Optional.empty() : Optional.of(fromArguments(ipv4, ipv4Gateway));
        if (ipv4Only) {
            return new DualStack(v4, Optional.empty());
        }
        Optional<Ipv6Cidr> address;
        Optional<Ipv6Address> gateway;
        try {
            address = ipv6.isEmpty() ? Optional.empty() : Optional.of(Ipv6Cidr.parse(ipv6));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ipv6: " + e.getMessage(), e);
        }
        try {
            gateway = ipv6Gateway.isEmpty() ? Optional.empty() : Optional.of(Ipv6Address.parse(ipv6Gateway));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ipv6-gateway: " + e.getMessage(), e);
        }
        return new DualStack(v4, Optional.of(new Ipv6Config(address, gateway, acceptRouterAdvertisements)));
    }

    /**
     * IPv4 and IPv6 side by side, or one of them alone.
     *
     * @param ipv4 the IPv4 part, a {@link Static} or {@link Dhcp}; empty for a stack of IPv6 only
     * @param ipv6 the IPv6 part; empty for a stack of IPv4 only
     */
    record DualStack(Optional<NetConfig> ipv4, Optional<Ipv6Config> ipv6) implements NetConfig {

        /**
         * @throws IllegalArgumentException if both parts are empty, or the IPv4 part is itself a
         *     {@code DualStack}
         */
        public DualStack {
            Objects.requireNonNull(ipv4, "ipv4");
            Objects.requireNonNull(ipv6, "ipv6");
            if (ipv4.isEmpty() && ipv6.isEmpty()) {
                throw new IllegalArgumentException("a stack needs IPv4 or IPv6");
            }
            if (ipv4.isPresent() && ipv4.get() instanceof DualStack) {
                throw new IllegalArgumentException("the IPv4 part is Static or Dhcp, not " + ipv4.get());
            }
        }
    }

    /**
     * The IPv6 part of a {@link DualStack}. The interface always has its link-local address,
     * {@code fe80::/64} with the modified EUI-64 identifier of its MAC address (RFC 4291
     * appendix A); {@code address} adds one (its prefix is on-link), {@code gateway} is the
     * default router. Router Advertisements are taken when {@code acceptRouterAdvertisements}
     * (MirageOS's default, true) once the stack has SLAAC (RFC 4862); until then they are
     * counted and ignored, and addressing is static.
     *
     * @param address a static address and its on-link prefix, e.g. {@code 2001:db8::2/64}
     * @param gateway the default router: link-local, or on {@code address}'s prefix
     * @param acceptRouterAdvertisements whether Router Advertisements configure the stack
     */
    record Ipv6Config(Optional<Ipv6Cidr> address, Optional<Ipv6Address> gateway, boolean acceptRouterAdvertisements) {

        /**
         * @throws IllegalArgumentException with a message naming the values, if the address is
         *     unspecified, loopback, multicast or IPv4-mapped; or if the gateway is one of those,
         *     is the address itself, or is neither link-local nor on the address's prefix
         */
        public Ipv6Config {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(gateway, "gateway");
            if (address.isPresent()) {
                String unusable = unusable(address.get().address());
                if (unusable != null) {
                    throw new IllegalArgumentException("IPv6 address " + address.get() + " is " + unusable + ", not an interface address");
                }
            }
            if (gateway.isPresent()) {
                Ipv6Address g = gateway.get();
                String unusable = unusable(g);
                if (unusable != null) {
                    throw new IllegalArgumentException("IPv6 gateway " + g + " is " + unusable + ", not a router's address");
                }
                if (address.isPresent() && g.equals(address.get().address())) {
                    throw new IllegalArgumentException("IPv6 gateway " + g + " is the interface's own address");
                }
                if (!g.isLinkLocal() && (address.isEmpty() || !address.get().contains(g))) {
                    throw new IllegalArgumentException("IPv6 gateway " + g + " is neither link-local nor on the prefix of "
                            + address.map(Ipv6Cidr::toString).orElse("an --ipv6 address"));
                }
            }
        }

        /** No static address, no gateway, Router Advertisements accepted: the link-local address alone until SLAAC. */
        public static Ipv6Config linkLocalOnly() {
            return new Ipv6Config(Optional.empty(), Optional.empty(), true);
        }

        private static String unusable(Ipv6Address a) {
            if (a.isUnspecified()) {
                return "unspecified";
            }
            if (a.isLoopback()) {
                return "the loopback address";
            }
            if (a.isMulticast()) {
                return "a multicast address";
            }
            if (a.isIpv4Mapped()) {
                return "an IPv4-mapped address";
            }
            return null;
        }
    }

    /**
     * A static IPv4 address with its network, and maybe a default gateway.
     *
     * @param cidr the interface's address and network, e.g. {@code 10.0.0.2/24}
     * @param gateway the default gateway, on {@code cidr}'s network
     */
    record Static(Ipv4Cidr cidr, Optional<Ipv4Address> gateway) implements NetConfig {

        /**
         * @throws IllegalArgumentException with a message naming the values, if the address is
         *     unspecified, broadcast, multicast or loopback, or is the network or broadcast
         *     address of its own network (prefixes up to /30); or if the gateway is off that
         *     network, is the address itself, or its network's network or broadcast address
         */
        public Static {
            Objects.requireNonNull(cidr, "cidr");
            Objects.requireNonNull(gateway, "gateway");
            Ipv4Address a = cidr.address();
            String unusable = unusable(a);
            if (unusable != null) {
                throw new IllegalArgumentException("IPv4 address " + cidr + " is " + unusable + ", not an interface address");
            }
            if (cidr.prefixLength() <= 30 && a.equals(cidr.network())) {
                throw new IllegalArgumentException("IPv4 address " + cidr + " is the network address of "
                        + cidr.network() + "/" + cidr.prefixLength() + ", not an interface address");
            }
            if (cidr.isBroadcast(a)) {
                throw new IllegalArgumentException("IPv4 address " + cidr + " is the broadcast address of its network, not an interface address");
            }
            if (gateway.isPresent()) {
                Ipv4Address g = gateway.get();
                String net = cidr.network() + "/" + cidr.prefixLength();
                if (!cidr.contains(g)) {
                    throw new IllegalArgumentException("IPv4 gateway " + g + " is not on the network " + net + " of address " + cidr);
                }
                if (g.equals(a)) {
                    throw new IllegalArgumentException("IPv4 gateway " + g + " is the interface's own address");
                }
                if (cidr.isBroadcast(g) || (cidr.prefixLength() <= 30 && g.equals(cidr.network()))) {
                    throw new IllegalArgumentException("IPv4 gateway " + g + " is the network or broadcast address of " + net);
                }
            }
        }

        private static String unusable(Ipv4Address a) {
            if (a.isUnspecified()) {
                return "unspecified";
            }
            if (a.isBroadcast()) {
                return "the limited broadcast address";
            }
            if (a.isMulticast()) {
                return "a multicast address";
            }
            if (a.isLoopback()) {
                return "a loopback address";
            }
            return null;
        }
    }

    /**
     * Addressing by DHCP: the stack has no address until the first lease, then the lease's
     * address, network and router; renewal, rebinding and expiry follow RFC 2131 §4.4.5.
     * Client options (host name, requested address) come with the DHCP client.
     */
    record Dhcp() implements NetConfig {}
}
