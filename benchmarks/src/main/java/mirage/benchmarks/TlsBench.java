package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import mirage.core.Rng;
import mirage.tls.CipherSuite;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.Crypto;
import mirage.tls.NamedGroup;
import mirage.tls.ServerConfig;
import mirage.tls.TlsVersion;
import mirage.tls.Trust;
import mirage.tls.internal.crypto.Backends;
import mirage.tls.internal.engine.TlsEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * TLS 1.3 between a client and a server in one thread, records handed over in memory (no
 * threads, no sockets), ours against the JDK's {@code SSLEngine} (SunJSSE) doing the same work:
 * <ul>
 *   <li>{@code handshake}: a full handshake (ECDSA P-256 certificate, X25519, the suite of
 *       {@code suite}), the client checking the server's certificate and host name. No
 *       resumption on either side (the JDK client gets a new peer port each time, so its
 *       session cache never matches). The JDK server also sends a NewSessionTicket, which
 *       Bouncy Castle 1.84 never does: part of each side's real cost.</li>
 *   <li>{@code bulk}: 256 KiB of application data from client to server on an established
 *       session (16 KiB writes): encrypt, hand over, decrypt into the reader's buffer
 *       ({@code TlsEngine.receive(..., plaintext)} here, {@code unwrap(src, dst)} for the JDK).
 *       MiB/s = ops/s / 4.</li>
 * </ul>
 * {@code impl=mirage} is {@code mirage.tls}' sans-IO engine on its default back-end
 * ({@code Crypto.HYBRID}: BC's pure-Java asymmetric crypto, the JDK's AEAD ciphers),
 * {@code mirage-jca} and {@code mirage-bc} the same engine on the other two;
 * {@code impl=jdk} is SunJSSE. Both draw randomness from a {@code SecureRandom} (ours through
 * {@code Rng.drbg}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsBench {

    @Param({"mirage", "mirage-jca", "mirage-bc", "jdk"})
    public String impl;

    @Param({"TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"})
    public String suite;

    private static final int BULK = 256 * 1024;
    private static final int WRITE = 16 * 1024;

    private Credentials credentials;
    private ClientConfig clientConfig;
    private ServerConfig serverConfig;
    private Rng rng;
    private SSLContext jdkClient;
    private SSLContext jdkServer;
    private int port = 1;

    private Pair established;
    private final byte[] data = new byte[WRITE];
    private final ByteBuffer wire = ByteBuffer.allocate(1 << 20);
    private final ByteBuffer plain = ByteBuffer.allocate(1 << 20);

    @Setup(Level.Trial)
    public void setup() throws Exception {
        SecureRandom random = new SecureRandom();
        rng = Rng.drbg(random::nextBytes);
        credentials = Credentials.selfSigned("localhost", Credentials.KeyType.ECDSA_P256, rng,
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(30));
        CipherSuite s = CipherSuite.valueOf(suite);
        clientConfig = ClientConfig.builder(Trust.anchors(credentials.leaf()), rng, InstantSource.system())
                .withVersions(TlsVersion.TLS_1_3).withSuites(s).withGroups(NamedGroup.X25519).build();
        serverConfig = ServerConfig.builder(rng, credentials).withVersions(TlsVersion.TLS_1_3).withSuites(s)
                .withGroups(NamedGroup.X25519).build();

        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", credentials.key(), new char[0], credentials.chain().toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("anchor", credentials.leaf());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        jdkServer = SSLContext.getInstance("TLSv1.3");
        jdkServer.init(kmf.getKeyManagers(), null, random);
        jdkClient = SSLContext.getInstance("TLSv1.3");
        jdkClient.init(null, tmf.getTrustManagers(), random);
        established = handshake();
        int moved = established.transfer(data, BULK);
        if (moved != BULK) {
            throw new IllegalStateException(impl + " moved " + moved + " bytes, not " + BULK);
        }
    }

    /** A connected pair, for either implementation. */
    private interface Pair {
        /** Sends {@code n} bytes client to server; returns the bytes the server read. */
        int transfer(byte[] data, int n) throws Exception;
    }

    private Pair handshake() throws Exception {
        return impl.startsWith("mirage") ? mirageHandshake() : jdkHandshake();
    }

    private Pair mirageHandshake() {
        Crypto crypto = switch (impl) {
            case "mirage-jca" -> Crypto.JCA;
            case "mirage-bc" -> Crypto.BOUNCY_CASTLE;
            default -> Crypto.HYBRID;
        };
        TlsEngine client = TlsEngine.client(clientConfig, "localhost", true, Backends.create(crypto, rng));
        TlsEngine server = TlsEngine.server(serverConfig, Backends.create(crypto, rng));
        long now = System.currentTimeMillis();
        while (!(client.state() instanceof TlsEngine.Open && server.state() instanceof TlsEngine.Open)) {
            if (!move(client, server, now) && !move(server, client, now)) {
                throw new IllegalStateException("stuck: " + client.state() + " / " + server.state());
            }
        }
        move(server, client, now);
        return (bytes, n) -> {
            int read = 0;
            for (int off = 0; off < n; off += WRITE) {
                client.writeApplication(bytes, 0, Math.min(WRITE, n - off));
                wire.clear();
                client.takeOutput(wire);
                // Like SSLEngine.unwrap(src, dst): the decrypted data goes straight to plain.
                read += server.receive(now, wire.array(), 0, wire.position(), plain.clear());
                read += server.readApplication(plain);
            }
            return read;
        };
    }

    private boolean move(TlsEngine from, TlsEngine to, long now) {
        wire.clear();
        from.takeOutput(wire);
        if (wire.position() == 0) {
            return false;
        }
        to.receive(now, wire.array(), 0, wire.position());
        return true;
    }

    private Pair jdkHandshake() throws Exception {
        SSLEngine client = jdkClient.createSSLEngine("localhost", port++);
        client.setUseClientMode(true);
        SSLParameters cp = client.getSSLParameters();
        cp.setProtocols(new String[] {"TLSv1.3"});
        cp.setCipherSuites(new String[] {suite});
        cp.setNamedGroups(new String[] {"x25519"});
        cp.setServerNames(List.of(new SNIHostName("localhost")));
        cp.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(cp);
        SSLEngine server = jdkServer.createSSLEngine();
        server.setUseClientMode(false);
        SSLParameters sp = server.getSSLParameters();
        sp.setProtocols(new String[] {"TLSv1.3"});
        sp.setCipherSuites(new String[] {suite});
        sp.setNamedGroups(new String[] {"x25519"});
        server.setSSLParameters(sp);
        client.beginHandshake();
        server.beginHandshake();
        ByteBuffer c2s = ByteBuffer.allocate(1 << 17);
        ByteBuffer s2c = ByteBuffer.allocate(1 << 17);
        ByteBuffer empty = ByteBuffer.allocate(0);
        for (int i = 0; i < 100 && (busy(client) || busy(server)); i++) {
            step(client, empty, c2s, s2c);
            step(server, empty, s2c, c2s);
        }
        if (busy(client) || busy(server)) {
            throw new IllegalStateException("JDK handshake did not finish");
        }
        // Deliver what is left (the server's NewSessionTicket) to the client.
        step(server, empty, s2c, c2s);
        step(client, empty, c2s, s2c);
        return (bytes, n) -> {
            int read = 0;
            for (int off = 0; off < n; off += WRITE) {
                c2s.clear();
                ByteBuffer src = ByteBuffer.wrap(bytes, 0, Math.min(WRITE, n - off));
                while (src.hasRemaining()) { // SunJSSE puts a few bytes less than 16 KiB in a record
                    client.wrap(src, c2s);
                }
                c2s.flip();
                while (c2s.hasRemaining()) {
                    SSLEngineResult r = server.unwrap(c2s, plain.clear());
                    read += r.bytesProduced();
                }
            }
            return read;
        };
    }

    private static boolean busy(SSLEngine e) {
        SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
        return h != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && h != SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One engine's turn: run tasks, unwrap what arrived in {@code in}, wrap into {@code out}. */
    private void step(SSLEngine e, ByteBuffer app, ByteBuffer out, ByteBuffer in) throws Exception {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult r = e.unwrap(in, plain.clear());
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
            if (r.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        while (e.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            SSLEngineResult r = e.wrap(app, out);
            if (r.bytesProduced() == 0) {
                break;
            }
        }
        while ((task = e.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Benchmark
    public Object handshake1_3() throws Exception {
        return handshake();
    }

    @Benchmark
    public int bulk256KiB() throws Exception {
        return established.transfer(data, BULK);
    }
}
