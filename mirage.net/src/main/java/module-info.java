/**
 * The network stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP, DHCP) behind typed signatures.
 * So far the address values of {@code mirage.net}; the stack is not written yet.
 */
module mirage.net {
    requires mirage.core;

    exports mirage.net;
}
