package mirage.net;

import mirage.core.Rng;
import mirage.core.spi.EventLoop;

/**
 * A TCP/IP stack (mirage-tcpip's {@code Stack.V4V6}): what a unikernel's {@code start} method
 * takes to talk to the network. Two implementations satisfy it, as in MirageOS: the
 * {@linkplain #direct direct stack}, this project's own protocol engines over a {@link Netif},
 * and the {@linkplain #host host-socket stack} over the host kernel's sockets. An application
 * written against {@code Stack} runs on either.
 *
 * <p>Each accessor returns the same object every time. Threading as {@link Netif}.
 */
public interface Stack extends AutoCloseable {

    /** UDP over the stack's address families (IPv4, IPv6 or both, as it was configured). */
    Udp udp();

    /** TCP over the stack's address families; a port listened on takes connections of both. */
    Tcp tcp();

    /**
     * Stops the stack and closes what it opened. Idempotent; never throws. Later operations on
     * any layer throw {@link NetException} with {@link NetException.Reason#DISCONNECTED}.
     */
    @Override
    void close();

    /**
     * The host-socket stack (mirage's {@code --net=host}): UDP and TCP over the host kernel's
     * sockets, for running a unikernel on a development machine or next to other programs.
     * Every port listened on is shifted by {@code portOffset} on the host (with 8000, a server
     * on port 80 listens on 8080); connections and datagrams go to the ports given.
     * UDP receivers run on {@code loop}'s thread, as {@link Udp} says.
     *
     * @param bind the host address listened on: {@code ::} for all of both families (a
     *     dual-stack socket), {@code 0.0.0.0} for all IPv4 ones, {@code 127.0.0.1} or {@code ::1}
     *     for this machine only
     * @throws IllegalArgumentException if {@code portOffset} is outside 0-65534
     */
    static Stack host(EventLoop loop, IpAddress bind, int portOffset) {
        return mirage.net.internal.host.HostStack.open(loop, bind, portOffset);
    }

    /**
     * {@link #host(EventLoop, IpAddress, int)} on all the host's addresses of both families
     * ({@code ::}, taking IPv4 as IPv4-mapped addresses), or of IPv4 ({@code 0.0.0.0}) on a host
     * without IPv6.
     */
    static Stack host(EventLoop loop, int portOffset) {
        return host(loop, mirage.net.internal.host.HostStack.wildcard(), portOffset);
    }

    /**
     * The direct stack: Ethernet, ARP, IPv4, ICMP and UDP engines of this module over
     * {@code netif}, driven by {@code loop}, addressed as {@code config} says (a static address,
     * or a DHCP client started at once). The stack becomes {@code netif}'s one receiver and
     * closes it when it is closed.
     *
     * @param netif the interface; its receivers are called on {@code loop}'s thread
     * @param config static IPv4 addressing or DHCP (IPv4 only), or a {@link NetConfig.DualStack}
     * @param loop the event loop that owns the engines and runs their timers
     * @param rng randomness for ARP probe delays, IP identifications, ephemeral ports and DHCP
     *     transaction ids; a seeded one makes a simulation reproducible
     * @throws IllegalArgumentException if {@code netif}'s MTU is below 68 (RFC 791), or below
     *     1280 with IPv6 (RFC 8200 section 5)
     */
    static DirectStack direct(Netif netif, NetConfig config, EventLoop loop, Rng rng) {
        return mirage.net.internal.binding.Direct.open(netif, config, loop, rng);
    }
}
