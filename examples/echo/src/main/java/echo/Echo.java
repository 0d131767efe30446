package echo;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import mirage.core.Console;
import mirage.core.Flow;
import mirage.core.Unikernel;
import mirage.net.DirectStack;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.net.Udp;
import mirage.time.Sleep;
import mirage.tls.ServerConfig;
import mirage.tls.Tls;
import mirage.tls.TlsFlow;

/**
 * Answers ICMP echo requests (the stack does), echoes UDP datagrams and TCP streams on port
 * {@value #PORT} (RFC 862), and answers HTTP/1.1 on port {@value #HTTP_PORT} ({@link Http}),
 * until the process is stopped. On the host-socket stack ({@code --stack=host} at configure
 * time) the ports are shifted by {@code --port-offset} (default 8000: 8007 and 8080).
 */
public final class Echo implements Unikernel {

    /** The echo service's port (RFC 862). */
    public static final int PORT = 7;

    /** The HTTP responder's port. */
    public static final int HTTP_PORT = 80;

    /**
     * Serves until stopped: echo and HTTP on {@code stack}, and HTTPS with {@code tls} (the
     * description's TLS server configuration; HTTP/1.1 is added as its ALPN protocol); request
     * heads are timed by {@code clock} (the platform's wall clock); {@code sleep} blocks on the
     * loop, not on a lock, so that the whole unikernel also runs under a simulation.
     */
    public void start(Console console, Stack stack, Duration keepalive, ServerConfig tls, InstantSource clock, Sleep sleep)
            throws InterruptedException, NetException {
        serve(console, stack, keepalive, clock);
        serveHttps(console, stack, tls.toBuilder().withAlpn("http/1.1").build(), clock);
        sleep.forever(); // a unikernel serves until it is stopped
    }

    /** The HTTPS responder's port. */
    public static final int HTTPS_PORT = 443;

    /** Serves {@link Http} over TLS on port {@value #HTTPS_PORT} with {@code config}. */
    public static void serveHttps(Console console, Stack stack, ServerConfig config) throws NetException {
        serveHttps(console, stack, config, null);
    }

    /** As {@link #serveHttps(Console, Stack, ServerConfig)}, request heads timed by {@code clock} (null: per read). */
    public static void serveHttps(Console console, Stack stack, ServerConfig config, InstantSource clock) throws NetException {
        // the client speaks first (its ClientHello): the handler starts on it, not before (a
        // silent client's 60 s idle wait then begins up to a second after its handshake)
        stack.tcp().listen(HTTPS_PORT, Http.TCP_OPTIONS, Tcp.Handler.clientFirst(connection -> {
            try (TlsFlow tls = Tls.server(connection, config)) {
                Http.serve(tls, clock, stack);
            }
        }));
        console.println("echo: HTTPS on port " + HTTPS_PORT);
    }

    /**
     * Starts the service on {@code stack}, reports the stack's addresses on {@code console}
     * as they change, and returns.
     *
     * @return the count of datagrams that could not be echoed (no route back, say)
     */
    public static AtomicLong serve(Console console, Stack stack) throws NetException {
        return serve(console, stack, Duration.ZERO);
    }

    /**
     * As {@link #serve(Console, Stack)}, with TCP keepalive on the echo port after
     * {@code keepalive} of silence, probing as often, 5 probes (zero: no keepalive).
     */
    public static AtomicLong serve(Console console, Stack stack, Duration keepalive) throws NetException {
        return serve(console, stack, keepalive, null);
    }

    /**
     * As {@link #serve(Console, Stack, Duration)}, with HTTP request heads timed by
     * {@code clock} (null: each wait bounded, not the whole head).
     */
    public static AtomicLong serve(Console console, Stack stack, Duration keepalive, InstantSource clock)
            throws NetException {
        AtomicLong failed = new AtomicLong();
        Udp udp = stack.udp();
        udp.listen(PORT, (source, sourcePort, destination, payload) -> {
            try {
                udp.send(PORT, source, sourcePort, payload);
            } catch (NetException e) {
                failed.incrementAndGet(); // UDP promises nothing; count and go on
            }
        });
        Tcp.Options echoOptions = Tcp.Options.DEFAULT.withNoDelay(true);
        if (keepalive.isPositive()) {
            echoOptions = echoOptions.withKeepalive(new Tcp.Keepalive(keepalive, keepalive, 5));
        }
        stack.tcp().listen(PORT, echoOptions, connection -> {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (connection.read(buffer.clear()) != Flow.EOF) {
                connection.write(buffer.flip());
            }
            connection.shutdown(Flow.Direction.WRITE);
        });
        stack.tcp().listen(HTTP_PORT, Http.TCP_OPTIONS, connection -> Http.serve(connection, clock, stack));
        if (stack instanceof DirectStack direct) {
            direct.ipv4().onAddressChange((addresses, gateway) -> console.println("echo: ipv4 "
                    + (addresses.isEmpty() ? "none yet" : addresses.toString())
                    + gateway.map(g -> " gateway " + g).orElse("")));
            direct.ipv6().onAddressChange((addresses, router) -> {
                if (!addresses.isEmpty()) { // an IPv4-only stack, or before Duplicate Address Detection passed
                    console.println("echo: ipv6 " + addresses + router.map(r -> " router " + r).orElse(""));
                }
            });
        }
        console.println("echo: UDP and TCP echo on port " + PORT + ", HTTP on port " + HTTP_PORT);
        return failed;
    }
}
