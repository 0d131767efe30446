/**
 * The network stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP, DHCP) behind typed signatures.
 * Exported: signatures and address values. Inside: the wire layer, sans-IO engines, and the
 * binding that drives them from a {@code Netif} and the event loop ({@code Stack.direct}).
 * {@code mirage.core} is required transitively: {@code Stack.direct} takes its event loop and
 * random generator. {@code mirage.time} gives the TCP engine its timer structure
 * ({@code mirage.time.Timers}); no signature here names it.
 */
module mirage.net {
    requires transitive mirage.core;
    requires mirage.time;

    exports mirage.net;
}
