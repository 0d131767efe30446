/**
 * The network stack signatures (Netif, Ethernet, Arp, Ip, Icmp, Udp, Tcp, Stack); see the mirage.net issues.
 *
 * <p>Empty so far: the package exists so that the layout, the build and the surface checks
 * cover this module from the start.
 */
package mirage.net;
