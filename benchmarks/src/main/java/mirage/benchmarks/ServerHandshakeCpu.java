package mirage.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.Crypto;
import mirage.tls.NamedGroup;
import mirage.tls.ServerConfig;
import mirage.tls.Trust;
import mirage.tls.internal.crypto.Backends;
import mirage.tls.internal.engine.TlsEngine;

/**
 * The server's share of one TLS 1.3 handshake, in CPU time: what {@code openssl s_time -new}
 * asks of examples/echo, without the network. A client (our engine on the pure Bouncy Castle
 * back-end, offering one X25519 key share, as OpenSSL 3.0's {@code s_time} does) and a server
 * (echo's configuration: ECDSA P-256 certificate, default suites and groups, ALPN
 * {@code http/1.1}) hand their flights over in memory; only the server engine's calls
 * ({@code TlsEngine.server}, {@code receive}, {@code takeOutput}) are timed, in the thread's
 * CPU time, so the figure holds on a busy machine and leaves the client's cost out.
 *
 * <p>Each back-end is warmed up for {@code warmSeconds}, then the back-ends take turns,
 * {@code rounds} times, each for {@code seconds}; printed per round and as medians.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar mirage.benchmarks.ServerHandshakeCpu [crypto,crypto,...] [warmSeconds] [rounds] [seconds]</pre>
 * crypto: {@code HYBRID}, {@code JCA}, {@code BOUNCY_CASTLE} ({@link Crypto}), or
 * {@code PRECOMPUTED}: {@code HYBRID} as a server makes it ({@code Backends.server}), its
 * {@code Reserve} filled before each handshake outside the timed calls (decision 0081: the key
 * share and signing nonce a unikernel's server makes while it waits for its client); the
 * refill's own CPU is printed beside. Defaults: HYBRID, 30, 5, 3.
 */
public final class ServerHandshakeCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Crypto crypto;
    private final Rng rng;
    private final ClientConfig clientConfig;
    private final ServerConfig serverConfig;
    private final ByteBuffer wire = ByteBuffer.allocate(1 << 16);
    private long serverNanos;
    /** PRECOMPUTED: the reserve filled before each handshake; else null. */
    private final mirage.tls.internal.crypto.Reserve reserve;
    private long refillNanos;

    ServerHandshakeCpu(String kind) {
        this.crypto = kind.equals("PRECOMPUTED") ? Crypto.HYBRID : Crypto.valueOf(kind);
        Setting setting = Setting.make();
        rng = setting.rng();
        clientConfig = setting.client();
        serverConfig = setting.server();
        reserve = kind.equals("PRECOMPUTED") ? mirage.tls.internal.crypto.Reserve.of(serverConfig.rng()) : null;
    }

    /**
     * What {@code s_time -new} and examples/echo use: a self-signed ECDSA P-256 certificate for
     * {@code localhost}; a client offering X25519 only (one key share, as OpenSSL 3.0's); the
     * server's defaults with ALPN {@code http/1.1}. Shared with {@link ServerHandshakeBench}.
     */
    record Setting(Rng rng, ClientConfig client, ServerConfig server) {
        static Setting make() {
            SecureRandom random = new SecureRandom();
            Rng rng = Rng.drbg(random::nextBytes);
            Credentials credentials = Credentials.selfSigned("localhost", Credentials.KeyType.ECDSA_P256, rng,
                    Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(30));
            return new Setting(rng,
                    ClientConfig.builder(Trust.anchors(credentials.leaf()), rng, InstantSource.system())
                            .withGroups(NamedGroup.X25519).build(),
                    ServerConfig.builder(rng, credentials).withAlpn("http/1.1").build());
        }
    }

    /** One handshake; returns the server's CPU nanoseconds. */
    long handshake() {
        long now = System.currentTimeMillis();
        TlsEngine client = TlsEngine.client(clientConfig, "localhost", true, Backends.create(Crypto.BOUNCY_CASTLE, rng));
        if (reserve != null) {
            long r0 = mx.getCurrentThreadCpuTime();
            reserve.refill();
            refillNanos += mx.getCurrentThreadCpuTime() - r0;
        }
        long t0 = mx.getCurrentThreadCpuTime();
        TlsEngine server = TlsEngine.server(serverConfig,
                reserve != null ? Backends.server(crypto, serverConfig.rng()) : Backends.create(crypto, rng));
        serverNanos = mx.getCurrentThreadCpuTime() - t0;
        while (!(client.state() instanceof TlsEngine.Open && server.state() instanceof TlsEngine.Open)) {
            boolean moved = toServer(client, server, now);
            moved |= fromServer(server, client, now);
            if (!moved) {
                throw new IllegalStateException("stuck: " + client.state() + " / " + server.state());
            }
        }
        return serverNanos;
    }

    private boolean toServer(TlsEngine client, TlsEngine server, long now) {
        wire.clear();
        client.takeOutput(wire);
        if (wire.position() == 0) {
            return false;
        }
        long t0 = mx.getCurrentThreadCpuTime();
        server.receive(now, wire.array(), 0, wire.position());
        serverNanos += mx.getCurrentThreadCpuTime() - t0;
        return true;
    }

    private boolean fromServer(TlsEngine server, TlsEngine client, long now) {
        wire.clear();
        long t0 = mx.getCurrentThreadCpuTime();
        server.takeOutput(wire);
        serverNanos += mx.getCurrentThreadCpuTime() - t0;
        if (wire.position() == 0) {
            return false;
        }
        client.receive(now, wire.array(), 0, wire.position());
        return true;
    }

    private double lastRefillUs;

    /** Handshakes for {@code seconds} of wall-clock time; returns the server's CPU us per handshake. */
    double run(int seconds) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long cpu = 0;
        long n = 0;
        refillNanos = 0;
        while (System.nanoTime() < end) {
            cpu += handshake();
            n++;
        }
        lastRefillUs = refillNanos / 1000.0 / n;
        return cpu / 1000.0 / n;
    }

    public static void main(String[] args) throws Exception {
        String[] kinds = (args.length > 0 ? args[0] : "HYBRID").split(",");
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        ServerHandshakeCpu[] benches = new ServerHandshakeCpu[kinds.length];
        List<List<Double>> results = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            benches[i] = new ServerHandshakeCpu(kinds[i]);
            benches[i].run(warm);
            results.add(new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < kinds.length; k++) {
                int i = r % 2 == 0 ? k : kinds.length - 1 - k; // alternate the order
                double us = benches[i].run(seconds);
                results.get(i).add(us);
                System.out.printf("round %d %-14s %8.1f us server CPU per handshake%s%n", r + 1, kinds[i], us,
                        benches[i].reserve != null ? String.format(" (+ %.1f us precomputed before it)", benches[i].lastRefillUs) : "");
            }
        }
        double first = HandshakeCpu.median(results.get(0));
        for (int i = 0; i < kinds.length; i++) {
            double m = HandshakeCpu.median(results.get(i));
            System.out.printf("RESULT crypto=%s server_cpu_us_per_handshake=%.1f ratio_to_%s=%.2f%n",
                    kinds[i], m, kinds[0], m / first);
        }
    }
}
