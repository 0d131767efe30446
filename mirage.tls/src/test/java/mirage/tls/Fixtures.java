package mirage.tls;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mirage.core.Flow;
import mirage.core.Rng;

/** Credentials made once per test run, and a client and a server over an in-memory pipe. */
final class Fixtures {
    private Fixtures() {}

    /** Certificates are valid from here for a year; clocks in tests are fixed near it. */
    static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-06-01T00:00:00Z"));

    private static final Map<Credentials.KeyType, Credentials> LOCALHOST = new EnumMap<>(Credentials.KeyType.class);

    static synchronized Credentials localhost(Credentials.KeyType type) {
        return LOCALHOST.computeIfAbsent(type, t -> selfSigned("localhost", t));
    }

    static Credentials selfSigned(String host, Credentials.KeyType type) {
        return Credentials.selfSigned(host, type, Rng.seeded(host.hashCode() * 31L + type.ordinal()), NOT_BEFORE,
                Duration.ofDays(365));
    }

    static ClientConfig.Builder client(Crypto crypto, Credentials... trusted) {
        java.util.List<java.security.cert.X509Certificate> anchors = new java.util.ArrayList<>();
        for (Credentials c : trusted) {
            anchors.add(c.leaf());
        }
        Trust trust = anchors.isEmpty() ? Trust.system() : new Trust.Anchors(anchors);
        return ClientConfig.builder(trust, Rng.seeded(11), CLOCK).withCrypto(crypto);
    }

    static ServerConfig.Builder server(Crypto crypto, Credentials... credentials) {
        return ServerConfig.builder(Rng.seeded(22), credentials).withCrypto(crypto);
    }

    /** What each side of a connection saw. */
    record Outcome<C, S>(C client, S server) {}

    interface Side<T> {
        T run(TlsFlow flow) throws Exception;
    }

    /**
     * Runs the server on a virtual thread and the client on this one, over a pipe; each side's
     * flow is closed after its action. An action's exception is its result.
     */
    static Outcome<Object, Object> connect(ClientConfig client, String serverName, ServerConfig server,
            Side<?> clientSide, Side<?> serverSide) throws InterruptedException {
        Flow.Pair pipe = Flow.pipe(64 * 1024);
        CompletableFuture<Object> serverResult = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> serverResult.complete(call(() -> {
            try (TlsFlow flow = Tls.server(pipe.right(), server)) {
                return serverSide.run(flow);
            }
        })));
        Object clientResult = call(() -> {
            try (TlsFlow flow = Tls.client(pipe.left(), client, serverName)) {
                return clientSide.run(flow);
            }
        });
        try {
            Object serverValue = serverResult.get(60, TimeUnit.SECONDS);
            if (clientResult instanceof Exception c && serverValue instanceof Exception s && c != s) {
                c.addSuppressed(new Exception("the server's side of this failure", s));
            }
            return new Outcome<>(clientResult, serverValue);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the server side did not finish", e);
        }
    }

    private static Object call(Callable<?> c) {
        try {
            return c.call();
        } catch (Exception e) {
            return e;
        }
    }
}
