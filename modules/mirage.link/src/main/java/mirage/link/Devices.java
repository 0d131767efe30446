package mirage.link;

import java.util.List;
import mirage.core.RuntimeArg;
import mirage.link.Impl.Call;
import mirage.link.Impl.Dispatch;

/** The implementations a description picks from, for every target. */
public interface Devices {

    /** The platform. */
    static Impl platform() {
        return new Impl.PlatformValue();
    }

    /** The event loop. */
    static Impl loop() {
        return new Impl.LoopValue();
    }

    /** The platform's console, as {@code mirage.core.Console}. */
    static Impl console() {
        return new Call("mirage.core", "mirage.core.spi.Platform", "console", "mirage.core.Console",
                Dispatch.INSTANCE, List.of(platform()));
    }

    /** The platform's entropy, as {@code mirage.core.Entropy}. */
    static Impl entropy() {
        return new Call("mirage.core", "mirage.core.spi.Platform", "entropy", "mirage.core.Entropy",
                Dispatch.INSTANCE, List.of(platform()));
    }

    /**
     * A cryptographically secure random number generator, as {@code mirage.core.Rng}: {@code
     * Rng.drbg(platform.entropy())}, an HMAC_DRBG seeded from the platform's entropy on first use
     * (nothing is read at boot) and reseeded from it.
     */
    static Impl random() {
        return new Call("mirage.core", "mirage.core.Rng", "drbg", "mirage.core.Rng",
                Dispatch.STATIC_INTERFACE, List.of(entropy()));
    }

    /** Sleeping on the event loop's timers, as {@code mirage.time.Sleep}. */
    static Impl sleep() {
        return new Call("mirage.time", "mirage.time.Sleep", "on", "mirage.time.Sleep",
                Dispatch.STATIC_INTERFACE, List.of(loop()));
    }

    /** The platform's monotonic clock, as {@code mirage.time.MonotonicClock}. */
    static Impl monotonicClock() {
        return new Call("mirage.time", "mirage.time.MonotonicClock", "of", "mirage.time.MonotonicClock",
                Dispatch.STATIC_INTERFACE, List.of(platform()));
    }

    /** The platform's wall clock, as {@code mirage.time.WallClock}. */
    static Impl wallClock() {
        return new Call("mirage.time", "mirage.time.WallClock", "of", "mirage.time.WallClock",
                Dispatch.STATIC_INTERFACE, List.of(platform()));
    }

    /**
     * A network interface named {@code name} in the manifest ({@code NET_BASIC}), as
     * {@code mirage.net.Netif}; bound at boot with {@code --net:NAME=tap0} (a TAP, created if
     * missing), {@code --net:NAME=if:IFACE} (an existing Ethernet interface bound raw through
     * AF_PACKET: a veth end, a microVM's virtio NIC) or {@code --net:NAME=unix:PATH} (a framed
     * stream: passt, QEMU {@code -netdev stream}), and {@code --net-mac:NAME=MAC},
     * {@code --net-mtu:NAME=N}.
     */
    static Impl netif(String name) {
        return new Impl.Device(name, mirage.core.spi.DeviceKind.NET_BASIC, "mirage.net", "mirage.net.Netif");
    }

    /**
     * A block device named {@code name} in the manifest ({@code BLOCK_BASIC}), as
     * {@code mirage.block.Block}; bound at boot with {@code --block:NAME=PATH}, an existing file
     * or raw disk of 512-byte sectors, as Solo5's tenders do.
     */
    static Impl block(String name) {
        return new Impl.Device(name, mirage.core.spi.DeviceKind.BLOCK_BASIC, "mirage.block", "mirage.block.Block");
    }

    /** The runtime argument {@code --ipv4=CIDR}: the stack's address; DHCP when absent. */
    RuntimeArg<String> IPV4 = RuntimeArg.string("ipv4", "",
            "IPv4 address and prefix of the interface, e.g. 10.0.0.2/24; by DHCP when not given.");

    /** The runtime argument {@code --ipv4-gateway=ADDR}: the default gateway with a static address. */
    RuntimeArg<String> IPV4_GATEWAY = RuntimeArg.string("ipv4-gateway", "",
            "Default IPv4 gateway, on the network of --ipv4; none when not given.");

    /**
     * The IPv4 configuration from {@link #IPV4} and {@link #IPV4_GATEWAY}, as
     * {@code mirage.net.NetConfig} (mirage's {@code --ipv4} and {@code --ipv4-gateway}).
     */
    static Impl netConfig() {
        return new Call("mirage.net", "mirage.net.NetConfig", "fromArguments", "mirage.net.NetConfig",
                Dispatch.STATIC_INTERFACE, List.of(arg(IPV4), arg(IPV4_GATEWAY)));
    }

    /** The runtime argument {@code --port-offset=N} of the host-socket stack. */
    RuntimeArg<Integer> PORT_OFFSET = RuntimeArg.integer("port-offset", 8000,
            "With the host-socket stack (--stack=host at configure time): added to every port listened on.");

    /**
     * A TCP/IP stack, as {@code mirage.net.Stack}, chosen at configure time by the key
     * {@code --stack}: {@code direct} (the default) is {@link #directStack} on the network
     * interface {@code name}; {@code host} is {@link #hostStack}, with no network device.
     */
    static Impl stack(String name) {
        java.util.LinkedHashMap<String, Impl> choices = new java.util.LinkedHashMap<>();
        choices.put("direct", directStack(name));
        choices.put("host", hostStack());
        return new Impl.Select("stack", "direct", choices);
    }

    /**
     * The direct TCP/IP stack on the network interface {@code name}, as a
     * {@code mirage.net.DirectStack}: this project's engines over {@link #netif}, addressed by
     * {@link #netConfig}, on the event loop, with {@link #random} randomness.
     */
    static Impl directStack(String name) {
        return new Call("mirage.net", "mirage.net.Stack", "direct", "mirage.net.DirectStack",
                Dispatch.STATIC_INTERFACE, List.of(netif(name), netConfig(), loop(), random()));
    }

    /**
     * The host-socket stack (MirageOS's {@code --net=host}), as {@code mirage.net.Stack}: the
     * host kernel's sockets on all its addresses, listening ports shifted by
     * {@link #PORT_OFFSET}.
     */
    static Impl hostStack() {
        return new Call("mirage.net", "mirage.net.Stack", "host", "mirage.net.Stack",
                Dispatch.STATIC_INTERFACE, List.of(loop(), arg(PORT_OFFSET)));
    }

    /** The value of a runtime argument. */
    static Impl arg(RuntimeArg<?> arg) {
        return new Impl.Arg(arg);
    }
}
