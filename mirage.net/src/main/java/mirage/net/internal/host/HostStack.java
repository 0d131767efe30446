package mirage.net.internal.host;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import mirage.core.FlowException;
import mirage.core.spi.EventLoop;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.net.Udp;

/**
 * The host-socket stack (mirage's {@code --net=host}, its {@code tcpip.stack-socket}): the
 * {@link Stack} signature over the host kernel's sockets through {@code java.nio}, so that a
 * unikernel runs unchanged on a development machine. Listening ports are shifted by a port
 * offset (so that port 80 can be 8080 for a user without privileges); outgoing connections and
 * datagrams go to the ports given.
 *
 * <h2>Threading</h2>
 * TCP connections are blocking channels used from the application's virtual threads; each
 * listener accepts on a virtual thread of its own and runs each connection's handler on
 * another. UDP receivers are called on the event loop's thread, as {@link Udp} says: a virtual
 * thread per listened port receives into its own buffer and hands the datagram over with
 * {@link EventLoop#call}, waiting while the receiver runs (so the view it gets stays valid).
 */
public final class HostStack implements Stack {
    private final EventLoop loop;
    private final InetAddress bind;
    private final int portOffset;
    private final HostUdp udp = new HostUdp();
    private final HostTcp tcp = new HostTcp();
    private volatile boolean closed;

    private HostStack(EventLoop loop, InetAddress bind, int portOffset) {
        this.loop = loop;
        this.bind = bind;
        this.portOffset = portOffset;
    }

    /**
     * @param bind the host address to listen on ({@code ::} or {@code 0.0.0.0} for all)
     * @param portOffset added to every port listened on, 0-65534
     */
    public static HostStack open(EventLoop loop, IpAddress bind, int portOffset) {
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(bind, "bind");
        if (portOffset < 0 || portOffset > 65534) {
            throw new IllegalArgumentException("a port offset is 0-65534, got " + portOffset);
        }
        return new HostStack(loop, inet(bind), portOffset);
    }

    /**
     * The wildcard of both families, {@code ::}, if this host can bind it (its sockets then take
     * IPv4 too: the JDK clears {@code IPV6_V6ONLY} on the IPv6 sockets it opens, and reports IPv4
     * peers as {@code Inet4Address}es); else
     * {@code 0.0.0.0}. Tries once, with a UDP socket bound to an ephemeral port and closed.
     */
    public static IpAddress wildcard() {
        try (DatagramChannel probe = DatagramChannel.open(java.net.StandardProtocolFamily.INET6)) {
            probe.bind(new InetSocketAddress(inet(Ipv6Address.UNSPECIFIED), 0));
            return Ipv6Address.UNSPECIFIED;
        } catch (IOException | UnsupportedOperationException e) {
            return Ipv4Address.UNSPECIFIED;
        }
    }

    @Override
    public Udp udp() {
        return udp;
    }

    @Override
    public Tcp tcp() {
        return tcp;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        udp.closeAll();
        tcp.closeAll();
    }

    @Override
    public String toString() {
        return "HostStack[" + bind.getHostAddress() + " +" + portOffset + "]";
    }

    private void checkOpen() throws NetException {
        if (closed) {
            throw new NetException(NetException.Reason.DISCONNECTED, "the host stack is closed");
        }
    }

    /** The host port a listener on {@code port} binds. */
    private int hostPort(int port) throws NetException {
        int p = port + portOffset;
        if (p > 0xffff) {
            throw new NetException(NetException.Reason.ADDRESS_IN_USE, "port " + port + " + offset " + portOffset + " is beyond 65535");
        }
        return p;
    }

    static InetAddress inet(IpAddress address) {
        try {
            // instanceof, not a pattern switch: its typeSwitch call site spins a class at every
            // boot, as the first listener binds (docs/decisions/0006, 0073); IpAddress is sealed to these two
            if (address instanceof Ipv4Address v4) {
                return InetAddress.getByAddress(new byte[] {
                    (byte) (v4.bits() >>> 24), (byte) (v4.bits() >>> 16), (byte) (v4.bits() >>> 8), (byte) v4.bits()});
            }
            return InetAddress.getByAddress(((Ipv6Address) address).toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    static IpAddress address(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return new Ipv4Address((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff));
        }
        if (a instanceof Inet6Address) {
            return Ipv6Address.of(b);
        }
        throw new IllegalArgumentException("not an IP address: " + a);
    }

    static void checkPort(int port) {
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a port is 1-65535, got " + port);
        }
    }

    // ------------------------------------------------------------------ UDP

    private final class HostUdp implements Udp {
        private final Map<Integer, DatagramChannel> listening = new ConcurrentHashMap<>();
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private volatile DatagramChannel ephemeral;

        @Override
        public void listen(int port, Receiver receiver) throws NetException {
            checkPort(port);
            Objects.requireNonNull(receiver, "receiver");
            checkOpen();
            DatagramChannel ch;
            try {
                ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress(bind, hostPort(port)));
            } catch (IOException e) {
                throw new NetException(NetException.Reason.ADDRESS_IN_USE, "cannot listen on UDP port " + port
                        + " (host port " + (port + portOffset) + "): " + e.getMessage(), e);
            }
            if (listening.putIfAbsent(port, ch) != null) {
                closeQuietly(ch);
                throw new NetException(NetException.Reason.ADDRESS_IN_USE, "UDP port " + port + " already has a receiver");
            }
            IpAddress local = address(bind);
            Thread.ofVirtual().name("udp-" + port).start(() -> receiveLoop(ch, local, receiver));
        }

        private void receiveLoop(DatagramChannel ch, IpAddress local, Receiver receiver) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(65_536);
            ByteBuffer view = buffer.asReadOnlyBuffer();
            while (ch.isOpen()) {
                InetSocketAddress from;
                try {
                    from = (InetSocketAddress) ch.receive(buffer.clear());
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    continue; // an ICMP error reported on the socket: UDP goes on
                }
                IpAddress source = address(from.getAddress());
                int sourcePort = from.getPort();
                view.limit(buffer.position()).position(0);
                received.incrementAndGet();
                try {
                    loop.call(() -> {
                        receiver.receive(source, sourcePort, local, view);
                        return null;
                    });
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            }
        }

        @Override
        public void unlisten(int port) {
            checkPort(port);
            DatagramChannel ch = listening.remove(port);
            if (ch != null) {
                closeQuietly(ch);
            }
        }

        @Override
        public void send(int sourcePort, IpAddress destination, int destinationPort, ByteBuffer payload) throws NetException {
            Objects.requireNonNull(destination, "destination");
            if (sourcePort < 0 || sourcePort > 0xffff) {
                throw new IllegalArgumentException("a UDP source port is 0-65535, got " + sourcePort);
            }
            checkPort(destinationPort);
            checkOpen();
            if (payload.remaining() > MAX_IPV4_PAYLOAD && destination instanceof Ipv4Address) {
                throw new NetException(NetException.Reason.MESSAGE_TOO_LONG,
                        "UDP payload of " + payload.remaining() + " bytes exceeds " + MAX_IPV4_PAYLOAD);
            }
            DatagramChannel ch = sourcePort == 0 ? ephemeral() : listening.get(sourcePort);
            boolean transient_ = false;
            try {
                if (ch == null) {
                    ch = DatagramChannel.open();
                    transient_ = true;
                    ch.bind(new InetSocketAddress(bind, hostPort(sourcePort)));
                }
                ch.send(payload.duplicate(), new InetSocketAddress(inet(destination), destinationPort));
                sent.incrementAndGet();
            } catch (NoRouteToHostException e) {
                throw new NetException(NetException.Reason.NO_ROUTE, "no route to " + destination + ": " + e.getMessage(), e);
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                NetException.Reason reason = m.contains("too long") ? NetException.Reason.MESSAGE_TOO_LONG
                        : m.contains("in use") ? NetException.Reason.ADDRESS_IN_USE : NetException.Reason.NO_ROUTE;
                throw new NetException(reason, "cannot send to " + destination + ":" + destinationPort + ": " + m, e);
            } finally {
                if (transient_) {
                    closeQuietly(ch);
                }
            }
        }

        private DatagramChannel ephemeral() throws NetException {
            DatagramChannel ch = ephemeral;
            if (ch == null) {
                synchronized (this) {
                    ch = ephemeral;
                    if (ch == null) {
                        try {
                            ch = DatagramChannel.open();
                            ch.bind(new InetSocketAddress(bind, 0));
                        } catch (IOException e) {
                            throw new NetException(NetException.Reason.ADDRESS_IN_USE, "no ephemeral UDP port: " + e.getMessage(), e);
                        }
                        ephemeral = ch;
                    }
                }
            }
            return ch;
        }

        @Override
        public Stats stats() {
            return new Stats(received.get(), sent.get(), 0, 0, 0, failures.get());
        }

        void closeAll() {
            listening.values().forEach(HostStack::closeQuietly);
            listening.clear();
            DatagramChannel e = ephemeral;
            if (e != null) {
                closeQuietly(e);
            }
        }
    }

    // ------------------------------------------------------------------ TCP

    /** What the host connections' own timeouts counted. */
    static final class TimeoutCounters {
        final AtomicLong idleTimeouts = new AtomicLong();
        final AtomicLong readTimeouts = new AtomicLong();
    }

    private final class HostTcp implements Tcp {
        private final Map<Integer, ServerSocketChannel> listening = new ConcurrentHashMap<>();
        private final Map<HostConnection, Boolean> open = new ConcurrentHashMap<>();
        private final AtomicLong activeOpens = new AtomicLong();
        private final AtomicLong passiveOpens = new AtomicLong();
        private final AtomicLong failedAttempts = new AtomicLong();
        private final AtomicLong handlerFailures = new AtomicLong();
        private final TimeoutCounters timeouts = new TimeoutCounters();

        @Override
        public Connection connect(IpAddress remote, int port, Duration timeout, Options options) throws NetException, FlowException {
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(options, "options");
            checkPort(port);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a connect timeout is positive, got " + timeout);
            }
            checkOpen();
            SocketChannel ch;
            try {
                ch = SocketChannel.open();
            } catch (IOException e) {
                throw new NetException(NetException.Reason.DISCONNECTED, "cannot open a socket: " + e.getMessage(), e);
            }
            activeOpens.incrementAndGet();
            try {
                ch.socket().connect(new InetSocketAddress(inet(remote), port), (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
            } catch (SocketTimeoutException e) {
                failed(ch);
                throw new FlowException(FlowException.Reason.TIMEOUT, "no answer from " + remote + ":" + port + " within " + timeout, e);
            } catch (ConnectException e) {
                failed(ch);
                throw new FlowException(FlowException.Reason.REFUSED, remote + ":" + port + " refused the connection", e);
            } catch (NoRouteToHostException e) {
                failed(ch);
                throw new NetException(NetException.Reason.NO_ROUTE, "no route to " + remote + ": " + e.getMessage(), e);
            } catch (IOException e) {
                failed(ch);
                throw new FlowException(FlowException.Reason.REFUSED, "cannot connect to " + remote + ":" + port + ": " + e.getMessage(), e);
            }
            return track(ch, options);
        }

        private void failed(SocketChannel ch) {
            failedAttempts.incrementAndGet();
            closeQuietly(ch);
        }

        private HostConnection track(SocketChannel ch, Options options) throws FlowException {
            HostConnection c = new HostConnection(ch, options, open::remove, loop, timeouts);
            open.put(c, Boolean.TRUE);
            return c;
        }

        @Override
        public void listen(int port, Options options, Handler handler) throws NetException {
            checkPort(port);
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(handler, "handler");
            checkOpen();
            ServerSocketChannel server;
            try {
                server = ServerSocketChannel.open();
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server.bind(new InetSocketAddress(bind, hostPort(port)), 1024);
            } catch (IOException e) {
                throw new NetException(NetException.Reason.ADDRESS_IN_USE, "cannot listen on TCP port " + port
                        + " (host port " + (port + portOffset) + "): " + e.getMessage(), e);
            }
            if (listening.putIfAbsent(port, server) != null) {
                closeQuietly(server);
                throw new NetException(NetException.Reason.ADDRESS_IN_USE, "TCP port " + port + " is already listened on");
            }
            Thread.ofVirtual().name("tcp-accept-" + port).start(() -> acceptLoop(server, options, handler));
        }

        private void acceptLoop(ServerSocketChannel server, Options options, Handler handler) {
            while (server.isOpen()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    }
                    continue; // EMFILE, a connection reset before accept: go on accepting
                }
                passiveOpens.incrementAndGet();
                Thread.ofVirtual().name("tcp-" + server.socket().getLocalPort()).start(() -> {
                    HostConnection c;
                    try {
                        c = track(ch, options);
                    } catch (FlowException e) {
                        closeQuietly(ch);
                        return;
                    }
                    try {
                        handler.handle(c);
                        c.close();
                    } catch (Exception | Error e) {
                        handlerFailures.incrementAndGet();
                        c.abort();
                    }
                });
            }
        }

        @Override
        public void unlisten(int port) {
            checkPort(port);
            ServerSocketChannel s = listening.remove(port);
            if (s != null) {
                closeQuietly(s);
            }
        }

        @Override
        public Stats stats() {
            return new Stats(activeOpens.get(), passiveOpens.get(), failedAttempts.get(), open.size(), 0, 0, 0, 0, 0, 0, 0, 0,
                    handlerFailures.get(), 0, 0, timeouts.idleTimeouts.get(), timeouts.readTimeouts.get(), 0);
        }

        void closeAll() {
            listening.values().forEach(HostStack::closeQuietly);
            listening.clear();
            for (HostConnection c : open.keySet()) {
                c.close();
            }
        }
    }

    static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing releases the descriptor whatever close reports
        }
    }
}
