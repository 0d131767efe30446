/**
 * The network stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP, DHCP) behind typed signatures.
 * Exported: signatures and address values. Inside: the wire layer and sans-IO engines; the
 * binding that assembles them into a {@code Stack} is not written yet.
 */
module mirage.net {
    requires transitive mirage.core;

    exports mirage.net;
}
