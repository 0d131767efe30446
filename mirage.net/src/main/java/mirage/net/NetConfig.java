package mirage.net;

import java.util.Objects;
import java.util.Optional;

/**
 * How a stack gets its IPv4 address: fixed by the operator ({@link Static}, mirage's
 * {@code --ipv4=CIDR --ipv4-gateway=ADDR}) or leased by DHCP ({@link Dhcp}, the default when
 * no address is given). Validated when built: a configuration that exists can be applied.
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
