package mirage.net;

/**
 * A TCP/IP stack on one network interface (mirage-tcpip's {@code Stack.V4V6}): the layers,
 * built, wired and listening. This is what a unikernel's {@code start} method takes. TCP is
 * added by the second part of the network work; no factory is declared until an
 * implementation exists.
 *
 * <p>Each accessor returns the same object every time. Threading as {@link Netif}; the
 * layers share the one event loop of the stack.
 */
public interface Stack extends AutoCloseable {

    /** The interface the stack runs on. */
    Netif netif();

    /** The Ethernet layer. */
    Ethernet ethernet();

    /** ARP for the IPv4 addresses of {@link #ipv4()}. */
    Arp arp();

    /** The IPv4 layer. */
    Ipv4 ipv4();

    /** ICMP for IPv4. */
    Icmpv4 icmpv4();

    /** UDP over the stack's address families (IPv4 so far). */
    Udp udp();

    /**
     * Stops the stack and closes its interface. Idempotent; never throws. Later operations on
     * any layer throw {@link NetException} with {@link NetException.Reason#DISCONNECTED}.
     */
    @Override
    void close();
}
