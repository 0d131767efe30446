/**
 * The network stack (Ethernet, ARP, IPv4, ICMP, UDP, TCP, DHCP) behind typed signatures.
 * Not written yet: the module exists so the layout, build and surface checks cover it.
 */
module mirage.net {
    requires mirage.core;
}
