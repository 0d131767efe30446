package mirage.net;

/**
 * The {@linkplain Stack#direct direct stack}: a {@link Stack} whose layers, down to the
 * interface, are this module's engines and can be used one by one (mirage-tcpip's direct
 * stack exposes its {@code ethif}, {@code arpv4}, {@code ipv4}, {@code icmpv4} and {@code udpv4}
 * the same way).
 */
public interface DirectStack extends Stack {

    /** The interface the stack runs on. */
    Netif netif();

    /** The Ethernet layer. */
    Ethernet ethernet();

    /** ARP for the IPv4 addresses of {@link #ipv4()}. */
    Arp arp();

    /** The IPv4 layer; its addresses follow the configuration or the DHCP lease. */
    Ipv4 ipv4();

    /** ICMP for IPv4. */
    Icmpv4 icmpv4();

    /**
     * The IPv6 layer: its addresses (none on a stack of IPv4 only, {@code --ipv4-only} or a
     * {@link NetConfig.Static}/{@link NetConfig.Dhcp} configuration) and counters.
     */
    Ipv6 ipv6();

    /** How the stack was told to get its address. */
    NetConfig config();
}
