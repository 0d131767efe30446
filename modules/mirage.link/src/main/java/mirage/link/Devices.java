package mirage.link;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import mirage.block.Block;
import mirage.core.Console;
import mirage.core.ArgType;
import mirage.core.Entropy;
import mirage.core.Rng;
import mirage.core.RuntimeArg;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Platform;
import mirage.gitstore.GitStore;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import mirage.link.Impl.Call;
import mirage.link.Impl.Dispatch;
import mirage.link.internal.MethodReference;
import mirage.net.DirectStack;
import mirage.net.NetConfig;
import mirage.net.Netif;
import mirage.net.Stack;
import mirage.time.MonotonicClock;
import mirage.time.Sleep;
import mirage.time.WallClock;
import mirage.tls.ClientConfig;
import mirage.tls.ServerConfig;

/**
 * The implementations a description picks from, for every target, typed by what they yield.
 * Each call makes a new node value; equal nodes are one device ({@link Impl}), so
 * {@code random()} used by the stack and by a TLS configuration is one generator.
 *
 * <p>The types named here come from the library modules ({@code mirage.net}, {@code mirage.tls},
 * ...), which {@code mirage.link} requires only at compile time ({@code requires static}): the
 * link tool runs without them, and a description compiles against those its unikernel uses
 * (so javac's "not indirectly exported" lint is off here: a description's unikernel requires
 * the modules of the types it takes).
 */
@SuppressWarnings("exports")
public interface Devices {

    /** The platform. */
    static Impl<Platform> platform() {
        return new Impl.PlatformValue();
    }

    /** The event loop. */
    static Impl<EventLoop> loop() {
        return new Impl.LoopValue();
    }

    /** The platform's console. */
    static Impl<Console> console() {
        return new Call<>("mirage.core", "mirage.core.spi.Platform", "console", "mirage.core.Console",
                Dispatch.INSTANCE, List.of(platform()));
    }

    /** The platform's entropy. */
    static Impl<Entropy> entropy() {
        return new Call<>("mirage.core", "mirage.core.spi.Platform", "entropy", "mirage.core.Entropy",
                Dispatch.INSTANCE, List.of(platform()));
    }

    /**
     * A cryptographically secure random number generator: {@code Rng.drbg(platform.entropy())},
     * an HMAC_DRBG seeded from the platform's entropy on first use (nothing is read at boot) and
     * reseeded from it. One generator however often a description uses it.
     */
    static Impl<Rng> random() {
        return new Call<>("mirage.core", "mirage.core.Rng", "drbg", "mirage.core.Rng",
                Dispatch.STATIC_INTERFACE, List.of(entropy()));
    }

    /** Sleeping on the event loop's timers. */
    static Impl<Sleep> sleep() {
        return new Call<>("mirage.time", "mirage.time.Sleep", "on", "mirage.time.Sleep",
                Dispatch.STATIC_INTERFACE, List.of(loop()));
    }

    /** The platform's monotonic clock. */
    static Impl<MonotonicClock> monotonicClock() {
        return new Call<>("mirage.time", "mirage.time.MonotonicClock", "of", "mirage.time.MonotonicClock",
                Dispatch.STATIC_INTERFACE, List.of(platform()));
    }

    /** The platform's wall clock. */
    static Impl<WallClock> wallClock() {
        return new Call<>("mirage.time", "mirage.time.WallClock", "of", "mirage.time.WallClock",
                Dispatch.STATIC_INTERFACE, List.of(platform()));
    }

    /**
     * A network interface named {@code name} in the manifest ({@code NET_BASIC}), as
     * {@code mirage.net.Netif}; bound at boot with {@code --net:NAME=tap0} (a TAP, created if
     * missing), {@code --net:NAME=if:IFACE} (an existing Ethernet interface bound raw through
     * AF_PACKET: a veth end, a microVM's virtio NIC) or {@code --net:NAME=unix:PATH} (a framed
     * stream: passt, QEMU {@code -netdev stream}), and {@code --net-mac:NAME=MAC},
     * {@code --net-mtu:NAME=N}.
     *
     * @throws IllegalArgumentException if {@code name} is not a manifest device name
     */
    static Impl<Netif> netif(String name) {
        return new Impl.Device<>(name, DeviceKind.NET_BASIC, "mirage.net", "mirage.net.Netif");
    }

    /**
     * A block device named {@code name} in the manifest ({@code BLOCK_BASIC}); bound at boot with
     * {@code --block:NAME=PATH}, an existing file or raw disk of 512-byte sectors, as Solo5's
     * tenders do.
     *
     * @throws IllegalArgumentException if {@code name} is not a manifest device name
     */
    static Impl<Block> block(String name) {
        return new Impl.Device<>(name, DeviceKind.BLOCK_BASIC, "mirage.block", "mirage.block.Block");
    }

    /**
     * A read-only key-value store named {@code name} in the manifest ({@code KV_RO}, MirageOS's
     * {@code kv_ro}); bound at boot with {@code --kv:NAME=PATH}, a directory (its regular files,
     * recursively, keyed by their relative paths) or a tar file, read whole into memory when bound,
     * so that nothing after binding reads the host's files. A missing or unreadable path, a
     * link leading out of the directory, a file over the limits or a malformed archive stops the
     * boot with one line. The process target only ({@code -t solo5}).
     *
     * @throws IllegalArgumentException if {@code name} is not a manifest device name
     */
    static Impl<KvRo> kvRo(String name) {
        return new Impl.Device<>(name, DeviceKind.KV_RO, "mirage.block", "mirage.kv.KvRo");
    }

    /**
     * A read-only key-value store packed into the image when it is linked (MirageOS's
     * {@code crunch}): the regular files under {@code directory}, relative to the unikernel's
     * directory, served from memory; nothing is bound or read from the host at boot. Every
     * target. See {@link Impl.Crunched} for the limits.
     *
     * @throws IllegalArgumentException if {@code name} is not a manifest device name or
     *     {@code directory} is not a relative path without {@code ..}
     */
    static Impl<KvRo> kvRoCrunched(String name, String directory) {
        return new Impl.Crunched(name, directory);
    }

    /** The runtime argument {@code --ipv4=CIDR}: the stack's address; DHCP when absent. */
    RuntimeArg<String> IPV4 = RuntimeArg.string("ipv4", "",
            "IPv4 address and prefix of the interface, e.g. 10.0.0.2/24; by DHCP when not given.");

    /** The runtime argument {@code --ipv4-gateway=ADDR}: the default gateway with a static address. */
    RuntimeArg<String> IPV4_GATEWAY = RuntimeArg.string("ipv4-gateway", "",
            "Default IPv4 gateway, on the network of --ipv4; none when not given.");

    /** The runtime argument {@code --ipv6=CIDR}: a static IPv6 address beside the link-local one. */
    RuntimeArg<String> IPV6 = RuntimeArg.string("ipv6", "",
            "IPv6 address and prefix of the interface, e.g. 2001:db8::2/64, beside its link-local address; none when not given.");

    /** The runtime argument {@code --ipv6-gateway=ADDR}: the default IPv6 router. */
    RuntimeArg<String> IPV6_GATEWAY = RuntimeArg.string("ipv6-gateway", "",
            "Default IPv6 router: link-local, or on the prefix of --ipv6; none when not given.");

    /** The runtime argument {@code --ipv4-only}: no IPv6. */
    RuntimeArg<Boolean> IPV4_ONLY = RuntimeArg.flag("ipv4-only", "Run IPv4 alone (no IPv6, not even link-local).");

    /** The runtime argument {@code --ipv6-only}: no IPv4. */
    RuntimeArg<Boolean> IPV6_ONLY = RuntimeArg.flag("ipv6-only", "Run IPv6 alone (no IPv4, no DHCP).");

    /** The runtime argument {@code --accept-router-advertisements}, true by default (MirageOS's). */
    RuntimeArg<Boolean> ACCEPT_ROUTER_ADVERTISEMENTS = new RuntimeArg<>("accept-router-advertisements", ArgType.BOOLEAN,
            Optional.of(Boolean.TRUE), "Configure IPv6 from Router Advertisements (SLAAC); takes effect once the stack has SLAAC.");

    /**
     * The stack's configuration from {@link #IPV4}, {@link #IPV4_GATEWAY}, {@link #IPV6},
     * {@link #IPV6_GATEWAY}, {@link #IPV4_ONLY}, {@link #IPV6_ONLY} and
     * {@link #ACCEPT_ROUTER_ADVERTISEMENTS} (mirage's boot arguments of the same names): both
     * families unless one is asked alone.
     */
    static Impl<NetConfig> netConfig() {
        return new Call<>("mirage.net", "mirage.net.NetConfig", "fromArguments", "mirage.net.NetConfig",
                Dispatch.STATIC_INTERFACE, List.of(arg(IPV4), arg(IPV4_GATEWAY), arg(IPV6), arg(IPV6_GATEWAY),
                        arg(IPV4_ONLY), arg(IPV6_ONLY), arg(ACCEPT_ROUTER_ADVERTISEMENTS)));
    }

    /** The runtime argument {@code --port-offset=N} of the host-socket stack. */
    RuntimeArg<Integer> PORT_OFFSET = RuntimeArg.integer("port-offset", 8000,
            "With the host-socket stack (--stack=host at configure time): added to every port listened on.");

    /**
     * A TCP/IP stack, chosen at configure time by the key {@code --stack}: {@code direct} (the
     * default) is {@link #directStack} on the network interface {@code name}; {@code host} is
     * {@link #hostStack}, with no network device.
     */
    static Impl<Stack> stack(String name) {
        return Devices.<Stack>select("stack", "direct", directStack(name)).or("host", hostStack());
    }

    /**
     * The direct TCP/IP stack on the network interface {@code name}: this project's engines over
     * {@link #netif}, addressed by {@link #netConfig}, on the event loop, with {@link #random}
     * randomness.
     */
    static Impl<DirectStack> directStack(String name) {
        return new Call<>("mirage.net", "mirage.net.Stack", "direct", "mirage.net.DirectStack",
                Dispatch.STATIC_INTERFACE, List.of(netif(name), netConfig(), loop(), random()));
    }

    /**
     * The host-socket stack (MirageOS's {@code --net=host}): the host kernel's sockets on all its
     * addresses, listening ports shifted by {@link #PORT_OFFSET}.
     */
    static Impl<Stack> hostStack() {
        return new Call<>("mirage.net", "mirage.net.Stack", "host", "mirage.net.Stack",
                Dispatch.STATIC_INTERFACE, List.of(loop(), arg(PORT_OFFSET)));
    }

    /** The runtime argument {@code --tls-cert=PATH} of {@link #tlsServer()}. */
    RuntimeArg<String> TLS_CERT = RuntimeArg.string("tls-cert", "",
            "PEM file of the TLS server's certificate chain; with --tls-key. Self-signed when not given.");

    /** The runtime argument {@code --tls-key=PATH} of {@link #tlsServer()}. */
    RuntimeArg<String> TLS_KEY = RuntimeArg.string("tls-key", "", "PEM file of the TLS server's private key.");

    /** The runtime argument {@code --tls-name=HOST} of {@link #tlsServer()} and {@link #tlsServerSelfSigned()}. */
    RuntimeArg<String> TLS_NAME = RuntimeArg.string("tls-name", "localhost",
            "Host name of the self-signed certificate made at boot (when no certificate is given).");

    /** The runtime argument {@code --tls-ca=PATH} of {@link #tlsClient()}. */
    RuntimeArg<String> TLS_CA = RuntimeArg.string("tls-ca", "",
            "PEM file of the certificates the TLS client trusts; the JDK's bundle when not given.");

    /**
     * A TLS server configuration ({@code ServerConfig.fromArguments}): the certificate chain and
     * key of the PEM files {@link #TLS_CERT} and {@link #TLS_KEY}, or, when neither is given, a
     * self-signed ECDSA P-256 certificate for {@link #TLS_NAME} made at boot, valid from an hour
     * before the {@link #wallClock()}'s now for 30 days; {@link #random()} randomness. A
     * unikernel adds ALPN or other choices with {@code toBuilder()}. The PEM files are read by
     * host path while the graph is evaluated, after the devices are bound, which a sandbox
     * after binding forbids: prefer {@link #tlsServer(Impl)} with a {@link #kvRo} device or a
     * {@link #kvRoCrunched} store.
     */
    static Impl<ServerConfig> tlsServer() {
        return new Call<>("mirage.tls", "mirage.tls.ServerConfig", "fromArguments", "mirage.tls.ServerConfig",
                Dispatch.STATIC_CLASS, List.of("mirage.core.Rng", "java.time.InstantSource", "java.lang.String",
                        "java.lang.String", "java.lang.String"),
                List.of(random(), wallClock(), arg(TLS_CERT), arg(TLS_KEY), arg(TLS_NAME)), "");
    }

    /**
     * A TLS server configuration with the credentials of {@code store} ({@code
     * ServerConfig.fromStore}): the PEM chain {@code server.pem} and key {@code server.key}, as
     * MirageOS's TLS reads them from a {@code kv_ro}; a {@link #kvRo} device bound at boot or a
     * {@link #kvRoCrunched} store packed into the image, so nothing is read from the host after
     * binding. {@link #random()} randomness. A missing or unusable pair stops the boot with one
     * line naming the key.
     */
    static Impl<ServerConfig> tlsServer(Impl<? extends KvRo> store) {
        return new Call<>("mirage.tls", "mirage.tls.ServerConfig", "fromStore", "mirage.tls.ServerConfig",
                Dispatch.STATIC_CLASS, List.of("mirage.core.Rng", "mirage.kv.KvRo"), List.of(random(), store), "");
    }

    /**
     * A TLS server configuration with a self-signed ECDSA P-256 certificate for
     * {@link #TLS_NAME} made at boot ({@code ServerConfig.selfSigned}), valid from an hour before
     * the {@link #wallClock()}'s now for 30 days; reads no files. Making the key costs some
     * 100 ms of start-up: a store packed at link time avoids it ({@link #tlsServer(Impl)}).
     */
    static Impl<ServerConfig> tlsServerSelfSigned() {
        return new Call<>("mirage.tls", "mirage.tls.ServerConfig", "selfSigned", "mirage.tls.ServerConfig",
                Dispatch.STATIC_CLASS, List.of("mirage.core.Rng", "java.time.InstantSource", "java.lang.String"),
                List.of(random(), wallClock(), arg(TLS_NAME)), "");
    }

    /**
     * A TLS client configuration ({@code ClientConfig.fromArguments}): servers are checked against
     * the certificates of the PEM file {@link #TLS_CA}, or the JDK's bundle when it is not given,
     * at the {@link #wallClock()}'s time; {@link #random()} randomness.
     */
    static Impl<ClientConfig> tlsClient() {
        return new Call<>("mirage.tls", "mirage.tls.ClientConfig", "fromArguments", "mirage.tls.ClientConfig",
                Dispatch.STATIC_CLASS, List.of("mirage.core.Rng", "java.time.InstantSource", "java.lang.String"),
                List.of(random(), wallClock(), arg(TLS_CA)), "");
    }

    /**
     * An empty key-value store in memory ({@code KvRw.memory}, MirageOS's {@code kv_rw_mem}),
     * writes timed by the {@link #wallClock()}. One store however often a description uses it:
     * give separate stores a label each with {@link #instance}.
     */
    static Impl<KvRw> memoryKv() {
        return new Call<>("mirage.kv", "mirage.kv.KvRw", "memory", "mirage.kv.KvRw", Dispatch.STATIC_INTERFACE,
                List.of("java.time.InstantSource"), List.of(wallClock()), "");
    }

    /**
     * The tar archive on {@code block} as a read-only key-value store ({@code TarStore.readOnly},
     * MirageOS's {@code tar_kv_ro}); an archive that cannot be read stops the boot.
     */
    static Impl<KvRo> tarKvRo(Impl<? extends Block> block) {
        return new Call<>("mirage.block", "mirage.block.TarStore", "readOnly", "mirage.kv.KvRo",
                Dispatch.STATIC_INTERFACE, List.of("mirage.block.Block"), List.of(block), "");
    }

    /**
     * The tar archive on {@code block} as an append-only key-value store ({@code
     * TarStore.appendOnly}, MirageOS's {@code tar_kv_rw}): writes append entries that GNU tar
     * reads, timed by the {@link #wallClock()}; an all-zero device is an empty archive.
     */
    static Impl<KvRw> tarKvRw(Impl<? extends Block> block) {
        return new Call<>("mirage.block", "mirage.block.TarStore", "appendOnly", "mirage.kv.KvRw",
                Dispatch.STATIC_INTERFACE, List.of("mirage.block.Block", "java.time.InstantSource"),
                List.of(block, wallClock()), "");
    }

    /** A git store in memory ({@code GitStore.memory}), commits timed by the {@link #wallClock()}. */
    static Impl<GitStore> memoryGitStore() {
        return new Call<>("mirage.gitstore", "mirage.gitstore.GitStore", "memory", "mirage.gitstore.GitStore",
                Dispatch.STATIC_INTERFACE, List.of("java.time.InstantSource"), List.of(wallClock()), "");
    }

    /**
     * A git store on {@code block} ({@code GitStore.onBlock}), kept across boots, commits timed by
     * the {@link #wallClock()}; a blank device (its first sectors zero) starts empty.
     */
    static Impl<GitStore> blockGitStore(Impl<? extends Block> block) {
        return new Call<>("mirage.gitstore", "mirage.gitstore.GitStore", "onBlock", "mirage.gitstore.GitStore",
                Dispatch.STATIC_INTERFACE, List.of("mirage.block.Block", "java.time.InstantSource"),
                List.of(block, wallClock()), "");
    }

    /** The value of a runtime argument. */
    static <T> Impl<T> arg(RuntimeArg<T> arg) {
        return new Impl.Arg<>(arg);
    }

    /**
     * A choice made at configure time by the key {@code --KEY}, {@code defaultChoice} selecting
     * {@code impl}; add the other choices with {@link Impl.Select#or}:
     * {@code Devices.<Stack>select("stack", "direct", directStack(name)).or("host", hostStack())}
     * (name the type when the choices' types differ).
     *
     * @throws IllegalArgumentException if the key or value is malformed
     */
    static <T> Impl.Select<T> select(String key, String defaultChoice, Impl<? extends T> impl) {
        LinkedHashMap<String, Impl<? extends T>> choices = new LinkedHashMap<>();
        choices.put(defaultChoice, impl);
        return new Impl.Select<>(key, defaultChoice, choices);
    }

    /**
     * {@code impl} as the separate instance {@code label}: a node equal to another but for its
     * label is a device of its own, evaluated separately (its inputs are still shared). For a
     * select, every choice gets the label.
     *
     * @throws IllegalArgumentException if {@code impl} is not a call or a select of calls (a
     *     device, runtime argument, the platform and the loop are one instance by nature), or the
     *     label is malformed
     */
    static <T> Impl<T> instance(String label, Impl<T> impl) {
        return switch (impl) {
            case Call<T> c -> c.instance(label);
            case Impl.Select<T> s -> {
                LinkedHashMap<String, Impl<? extends T>> choices = new LinkedHashMap<>();
                for (var e : s.choices().entrySet()) {
                    choices.put(e.getKey(), instance(label, e.getValue()));
                }
                yield new Impl.Select<>(s.key(), s.defaultChoice(), choices);
            }
            default -> throw new IllegalArgumentException("only a call has instances; " + impl
                    + " is one value by nature");
        };
    }

    /**
     * The value a method returns, called at boot with no inputs: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R> Impl<R> call(Factory0<R> factory) {
        return MethodReference.call(factory, List.of());
    }

    /**
     * The value a method returns, called at boot with the value of {@code a}: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A> Impl<R> call(Factory1<R, A> factory, Impl<? extends A> a) {
        return MethodReference.call(factory, List.of(a));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B> Impl<R> call(Factory2<R, A, B> factory, Impl<? extends A> a, Impl<? extends B> b) {
        return MethodReference.call(factory, List.of(a, b));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B, C> Impl<R> call(Factory3<R, A, B, C> factory, Impl<? extends A> a, Impl<? extends B> b, Impl<? extends C> c) {
        return MethodReference.call(factory, List.of(a, b, c));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B, C, D> Impl<R> call(Factory4<R, A, B, C, D> factory, Impl<? extends A> a, Impl<? extends B> b, Impl<? extends C> c, Impl<? extends D> d) {
        return MethodReference.call(factory, List.of(a, b, c, d));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B, C, D, E> Impl<R> call(Factory5<R, A, B, C, D, E> factory, Impl<? extends A> a, Impl<? extends B> b, Impl<? extends C> c, Impl<? extends D> d, Impl<? extends E> e) {
        return MethodReference.call(factory, List.of(a, b, c, d, e));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B, C, D, E, F> Impl<R> call(Factory6<R, A, B, C, D, E, F> factory, Impl<? extends A> a, Impl<? extends B> b, Impl<? extends C> c, Impl<? extends D> d, Impl<? extends E> e, Impl<? extends F> f) {
        return MethodReference.call(factory, List.of(a, b, c, d, e, f));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B, C, D, E, F, G> Impl<R> call(Factory7<R, A, B, C, D, E, F, G> factory, Impl<? extends A> a, Impl<? extends B> b, Impl<? extends C> c, Impl<? extends D> d, Impl<? extends E> e, Impl<? extends F> f, Impl<? extends G> g) {
        return MethodReference.call(factory, List.of(a, b, c, d, e, f, g));
    }

    /**
     * The value a method returns, called at boot with the values of the inputs, in order: a typed device of the
     * description's own, {@code factory} being a method reference to a public static method
     * (of a class or interface) or to an interface's instance method, whose first input is then
     * the receiver: {@code Devices.call(GitStore::onBlock, Devices.block("storage"),
     * Devices.wallClock())}. A runtime argument of type {@code Integer}, {@code Long} or
     * {@code Boolean} feeds an {@code int}, {@code long} or {@code boolean} parameter unboxed.
     * Read when the description runs; the method is called only by the boot class.
     *
     * @throws IllegalArgumentException if {@code factory} is a lambda, a constructor or a class's
     *     instance method, or its class is not in a named module
     */
    static <R, A, B, C, D, E, F, G, H> Impl<R> call(Factory8<R, A, B, C, D, E, F, G, H> factory, Impl<? extends A> a, Impl<? extends B> b, Impl<? extends C> c, Impl<? extends D> d, Impl<? extends E> e, Impl<? extends F> f, Impl<? extends G> g, Impl<? extends H> h) {
        return MethodReference.call(factory, List.of(a, b, c, d, e, f, g, h));
    }

    /** A method reference to a factory of {@code R} with 0 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory0<R> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make() throws Exception;
    }

    /** A method reference to a factory of {@code R} with 1 parameter (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory1<R, A> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 2 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory2<R, A, B> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 3 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory3<R, A, B, C> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b, C c) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 4 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory4<R, A, B, C, D> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b, C c, D d) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 5 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory5<R, A, B, C, D, E> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b, C c, D d, E e) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 6 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory6<R, A, B, C, D, E, F> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b, C c, D d, E e, F f) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 7 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory7<R, A, B, C, D, E, F, G> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b, C c, D d, E e, F f, G g) throws Exception;
    }

    /** A method reference to a factory of {@code R} with 8 parameters (see {@link #call(Factory0)}). */
    @FunctionalInterface
    interface Factory8<R, A, B, C, D, E, F, G, H> extends Serializable {
        /** Never called by the link tool: it reads which method this refers to. */
        R make(A a, B b, C c, D d, E e, F f, G g, H h) throws Exception;
    }
}
