package mirage.tls.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import mirage.core.Rng;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.Crypto;
import mirage.tls.ServerConfig;
import mirage.tls.TlsException;
import mirage.tls.Trust;
import mirage.tls.internal.crypto.Backends;

/**
 * Arbitrary bytes from the peer into the engine, in four positions: a fresh server, a client
 * that has sent its ClientHello, and a client or server after a completed handshake (TLS 1.3 or
 * 1.2). Nothing may throw or hang; the engine ends Handshaking, Open, Closed or Failed; a
 * failure that claims an alert was sent left bytes for the peer; input after the end is dropped
 * and counted.
 *
 * <p>Input: {@code mode, then steps of (length, bytes[length])}; the low two bits of
 * {@code mode} pick the position, bit 2 picks TLS 1.2 for the established ones, bit 3 ends with
 * the transport's end of stream. Seeds under
 * {@code src/test/resources/mirage/tls/internal/engine/RecordFuzzTestInputs/receive/} hold a real
 * ClientHello, a real server flight, and an application-data record after a handshake
 * ({@link #main} writes them).
 */
class RecordFuzzTest {
    private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    private static final Credentials CREDENTIALS = Credentials.selfSigned("localhost", Credentials.KeyType.ECDSA_P256,
            Rng.seeded(5), Instant.parse("2026-01-01T00:00:00Z"), Duration.ofDays(365));

    static ClientConfig client(boolean tls12) {
        var b = ClientConfig.builder(Trust.anchors(CREDENTIALS.leaf()), Rng.seeded(1),
                InstantSource.fixed(Instant.ofEpochMilli(NOW)));
        return tls12 ? b.withVersions(mirage.tls.TlsVersion.TLS_1_2).onlyUsableSuites().build() : b.build();
    }

    static ServerConfig server() {
        return ServerConfig.builder(Rng.seeded(2), CREDENTIALS).build();
    }

    static TlsEngine newClient(boolean tls12) {
        return TlsEngine.client(client(tls12), "localhost", true, Backends.create(Crypto.JCA, Rng.seeded(3)));
    }

    static TlsEngine newServer() {
        return TlsEngine.server(server(), Backends.create(Crypto.JCA, Rng.seeded(4)));
    }

    static byte[] output(TlsEngine e) {
        ByteBuffer b = ByteBuffer.allocate(e.outputAvailable());
        e.takeOutput(b);
        return b.array();
    }

    /** Moves records both ways until neither has more to say. */
    static void pump(TlsEngine client, TlsEngine server) {
        for (int i = 0; i < 16; i++) {
            byte[] c = output(client);
            byte[] s = output(server);
            if (c.length == 0 && s.length == 0) {
                return;
            }
            server.receive(NOW, c, 0, c.length);
            client.receive(NOW, s, 0, s.length);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void receive(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int mode = data[0] & 0xff;
        boolean tls12 = (mode & 4) != 0;
        TlsEngine target;
        switch (mode & 3) {
            case 0 -> target = newServer();
            case 1 -> {
                target = newClient(tls12);
                output(target);
            }
            default -> {
                TlsEngine c = newClient(tls12);
                TlsEngine s = newServer();
                pump(c, s);
                assertTrue(c.state() instanceof TlsEngine.Open, c.state().toString());
                assertTrue(s.state() instanceof TlsEngine.Open, s.state().toString());
                target = (mode & 3) == 2 ? c : s;
            }
        }
        long sent = 0;
        int i = 1;
        while (i < data.length) {
            int length = Math.min(data[i] & 0xff, data.length - i - 1);
            target.receive(NOW, data, i + 1, length);
            i += 1 + length;
            sent += output(target).length;
            ByteBuffer app = ByteBuffer.allocate(1 << 15);
            while (target.readApplication(app.clear()) > 0) {
                // drain decrypted data
            }
        }
        if ((mode & 8) != 0) {
            target.receiveEnd();
            sent += output(target).length;
        }
        TlsEngine.State state = target.state();
        assertTrue(state instanceof TlsEngine.Handshaking || state instanceof TlsEngine.Open
                || state instanceof TlsEngine.Closed || state instanceof TlsEngine.Failed);
        if (state instanceof TlsEngine.Failed failed && failed.error() instanceof TlsException.Fatal fatal
                && fatal.alertSent().isPresent()) {
            assertTrue(sent > 0, "an alert was reported sent but no bytes left: " + fatal);
        }
        if (state instanceof TlsEngine.Failed || state instanceof TlsEngine.Closed) {
            long before = target.droppedInputs();
            target.receive(NOW, new byte[] {23, 3, 3, 0, 1, 0}, 0, 6);
            assertEquals(before + 1, target.droppedInputs());
            assertEquals(state, target.state());
        }
    }

    /** Writes the seed inputs (run once by hand; the seeds are committed). */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        TlsEngine c = newClient(false);
        Files.write(dir.resolve("client-hello-to-server"), steps(0, output(c)));
        TlsEngine s = newServer();
        TlsEngine c2 = newClient(false);
        byte[] hello = output(c2);
        s.receive(NOW, hello, 0, hello.length);
        Files.write(dir.resolve("server-flight-to-client"), steps(1, output(s)));
        TlsEngine c3 = newClient(false);
        TlsEngine s3 = newServer();
        pump(c3, s3);
        s3.writeApplication(new byte[] {1, 2, 3}, 0, 3);
        Files.write(dir.resolve("record-to-client-13"), steps(2, output(s3)));
        TlsEngine c4 = newClient(true);
        TlsEngine s4 = newServer();
        pump(c4, s4);
        c4.writeApplication(new byte[] {1, 2, 3}, 0, 3);
        c4.close();
        Files.write(dir.resolve("record-and-close-to-server-12"), steps(3 | 4 | 8, output(c4)));
        Files.write(dir.resolve("garbage"), new byte[] {0, 5, 'h', 'e', 'l', 'l', 'o'});
    }

    private static byte[] steps(int mode, byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(mode);
        for (int i = 0; i < bytes.length; i += 255) {
            int n = Math.min(255, bytes.length - i);
            out.write(n);
            out.write(bytes, i, n);
        }
        return out.toByteArray();
    }
}
