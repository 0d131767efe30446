package mirage.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.tls.ClientConfig;
import mirage.tls.Crypto;
import mirage.tls.ServerConfig;
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
 * The server's part of a TLS 1.3 handshake as {@code openssl s_time -new} asks it of
 * examples/echo, in memory: a fresh server engine (echo's configuration: ECDSA P-256
 * certificate, default suites and groups, ALPN {@code http/1.1}) takes a fresh ClientHello (one
 * X25519 key share, made by our client engine in the set-up of each invocation, not timed) and
 * produces its whole flight: ServerHello (X25519 key pair and agreement, key schedule),
 * EncryptedExtensions, Certificate, CertificateVerify (ECDSA P-256), Finished, encrypted. The
 * client's Finished, which the server then only checks (an HMAC), is left out; for the whole
 * server side in CPU time use {@link ServerHandshakeCpu}.
 *
 * <p>{@code crypto} is the back-end ({@link Crypto}): {@code HYBRID} (the default),
 * {@code BOUNCY_CASTLE} (all pure Java: no JDK SHA-2, no P-256 window tables), {@code JCA}.
 * <pre>java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main ServerHandshakeBench -f 1 -wi 5 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ServerHandshakeBench {

    @Param({"HYBRID", "BOUNCY_CASTLE", "JCA"})
    public String crypto;

    private Rng rng;
    private ClientConfig clientConfig;
    private ServerConfig serverConfig;
    private Crypto kind;
    private final ByteBuffer clientHello = ByteBuffer.allocate(1 << 12);
    private final ByteBuffer flight = ByteBuffer.allocate(1 << 14);

    @Setup(Level.Trial)
    public void setup() {
        ServerHandshakeCpu.Setting setting = ServerHandshakeCpu.Setting.make();
        rng = setting.rng();
        clientConfig = setting.client();
        serverConfig = setting.server();
        kind = Crypto.valueOf(crypto);
    }

    /** A new client's ClientHello, for the next invocation. */
    @Setup(Level.Invocation)
    public void newClient() {
        TlsEngine client = TlsEngine.client(clientConfig, "localhost", true, Backends.create(Crypto.BOUNCY_CASTLE, rng));
        clientHello.clear();
        client.takeOutput(clientHello);
        clientHello.flip();
    }

    @Benchmark
    public int serverFlight() {
        TlsEngine server = TlsEngine.server(serverConfig, Backends.create(kind, rng));
        server.receive(System.currentTimeMillis(), clientHello.array(), 0, clientHello.limit());
        flight.clear();
        int n = server.takeOutput(flight);
        if (n < 500) { // ServerHello .. Finished with a certificate is ~800 bytes
            throw new IllegalStateException("no flight: " + server.state());
        }
        return n;
    }
}
