package mirage.tls.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.tls.CipherSuite;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.Crypto;
import mirage.tls.Handshake;
import mirage.tls.NamedGroup;
import mirage.tls.ServerConfig;
import mirage.testkit.HostFlows;
import mirage.tls.Tls;
import mirage.tls.TlsFlow;
import mirage.tls.Trust;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interop with peers no one here wrote, over loopback TCP (no root needed): {@code openssl
 * s_server} and {@code openssl s_client} against ours for every suite (TLS 1.3 and the 1.2
 * ECDHE-GCM/ChaCha20 suites) and every group, and {@code curl} over HTTPS to a server of ours.
 * Skipped when openssl or curl is missing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OpenSslInteropTest {
    @TempDir
    static Path dir;
    static Credentials ec;
    static Credentials rsa;
    static Path ecCert;
    static Path ecKey;
    static Path rsaCert;
    static Path rsaKey;

    @BeforeAll
    static void credentials() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        Instant now = Instant.now().minus(Duration.ofDays(1));
        ec = Credentials.selfSigned("localhost", Credentials.KeyType.ECDSA_P256, Rng.seeded(1), now, Duration.ofDays(30));
        rsa = Credentials.selfSigned("localhost", Credentials.KeyType.RSA_2048, Rng.seeded(2), now, Duration.ofDays(30));
        ecCert = write("ec.crt", "CERTIFICATE", ec.leaf().getEncoded());
        ecKey = write("ec.key", "PRIVATE KEY", ec.key().getEncoded());
        rsaCert = write("rsa.crt", "CERTIFICATE", rsa.leaf().getEncoded());
        rsaKey = write("rsa.key", "PRIVATE KEY", rsa.key().getEncoded());
    }

    private static Path write(String name, String type, byte[] der) throws IOException {
        return Files.writeString(dir.resolve(name), "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n");
    }

    static String opensslName(CipherSuite s) {
        return switch (s) {
            case TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 -> s.name();
            case TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 -> "ECDHE-ECDSA-AES128-GCM-SHA256";
            case TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 -> "ECDHE-ECDSA-AES256-GCM-SHA384";
            case TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 -> "ECDHE-ECDSA-CHACHA20-POLY1305";
            case TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -> "ECDHE-RSA-AES128-GCM-SHA256";
            case TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -> "ECDHE-RSA-AES256-GCM-SHA384";
            case TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 -> "ECDHE-RSA-CHACHA20-POLY1305";
        };
    }

    static String opensslName(NamedGroup g) {
        return switch (g) {
            case X25519 -> "X25519";
            case SECP256R1 -> "P-256";
            case SECP384R1 -> "P-384";
        };
    }

    private static boolean isRsa(CipherSuite s) {
        return s.name().contains("_RSA_");
    }

    private static List<String> suiteOptions(CipherSuite s) {
        return s.version() == mirage.tls.TlsVersion.TLS_1_3 ? List.of("-tls1_3", "-ciphersuites", opensslName(s))
                : List.of("-tls1_2", "-cipher", opensslName(s));
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    private static SocketChannel connectWhenListening(int port, Process server) throws Exception {
        for (int attempt = 0; attempt < 600; attempt++) {
            try {
                return SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            } catch (ConnectException e) {
                if (!server.isAlive()) {
                    throw new AssertionError("openssl s_server exited: " + new String(server.getInputStream().readAllBytes()));
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("openssl s_server did not listen on " + port);
    }

    private static String readAll(Flow flow) throws FlowException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (flow.read(b.clear()) != Flow.EOF) {
            out.write(b.array(), 0, b.position());
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void ourClientTalksToOpensslServer(CipherSuite suite) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-naccept", "1", "-www", "-cert", (isRsa(suite) ? rsaCert : ecCert).toString(),
                "-key", (isRsa(suite) ? rsaKey : ecKey).toString()));
        command.addAll(suiteOptions(suite));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            SocketChannel socket = connectWhenListening(port, server);
            ClientConfig config = ClientConfig.builder(Trust.anchors(isRsa(suite) ? rsa.leaf() : ec.leaf()), Rng.seeded(3),
                    java.time.InstantSource.system())
                    .withVersions(suite.version()).withSuites(suite).build();
            try (TlsFlow flow = Tls.client(HostFlows.of(socket), config, "localhost")) {
                Handshake h = flow.handshake();
                assertEquals(suite, h.cipherSuite());
                flow.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                String page = readAll(flow);
                assertTrue(page.startsWith("HTTP/1.0 200 ok"), page);
                assertTrue(page.contains("Cipher is " + opensslName(suite)), page);
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs our server for one connection: reads a line, answers "pong", ends with close_notify. */
    private static CompletableFuture<Object> serveOnce(ServerSocketChannel listener, ServerConfig config,
            String answer, boolean http) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (TlsFlow flow = Tls.server(HostFlows.of(listener.accept()), config)) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(4096);
                String end = http ? "\r\n\r\n" : "\n";
                while (!got.toString(StandardCharsets.ISO_8859_1).contains(end)) {
                    if (flow.read(b.clear()) == Flow.EOF) {
                        break;
                    }
                    got.write(b.array(), 0, b.position());
                }
                flow.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
                flow.shutdown(Flow.Direction.WRITE);
                result.complete(flow.handshake());
            } catch (Exception e) {
                result.complete(e);
            }
        });
        return result;
    }

    private static String run(List<String> command, String stdin) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    private static Handshake handshakeOf(Object result, String output) throws Exception {
        if (result instanceof Exception e) {
            throw new AssertionError("our server failed; peer said:\n" + output, e);
        }
        return (Handshake) result;
    }

    @ParameterizedTest
    @EnumSource(CipherSuite.class)
    void opensslClientTalksToOurServer(CipherSuite suite) throws Exception {
        ServerConfig config = ServerConfig.builder(Rng.seeded(4), isRsa(suite) ? rsa : ec)
                .withVersions(suite.version()).onlyUsableSuites().build();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            var served = serveOnce(listener, config, "pong\n", false);
            List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-verify_hostname", "localhost", "-verify_return_error", "-CAfile",
                    (isRsa(suite) ? rsaCert : ecCert).toString(), "-brief", "-ign_eof"));
            command.addAll(suiteOptions(suite));
            String output = run(command, "ping\n");
            Handshake h = handshakeOf(served.get(60, TimeUnit.SECONDS), output);
            assertEquals(suite, h.cipherSuite(), output);
            assertEquals(Optional.of("localhost"), h.serverName());
            assertTrue(output.contains("pong"), output);
            assertTrue(output.contains("Verification: OK"), output);
        }
    }

    @ParameterizedTest
    @EnumSource(NamedGroup.class)
    void opensslClientAgreesOnEachGroup(NamedGroup group) throws Exception {
        for (mirage.tls.TlsVersion version : mirage.tls.TlsVersion.values()) {
            ServerConfig config = ServerConfig.builder(Rng.seeded(5), ec).withVersions(version).onlyUsableSuites()
                    .withGroups(group).build();
            // In TLS 1.2 supported_groups also names the curves accepted in certificates (RFC 8422
            // 5.1.1): offer P-256 too, for our P-256 certificate.
            String groups = version == mirage.tls.TlsVersion.TLS_1_2 && group != NamedGroup.SECP256R1
                    ? opensslName(group) + ":P-256" : opensslName(group);
            try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
                int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                var served = serveOnce(listener, config, "pong\n", false);
                String output = run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername",
                        "localhost", "-CAfile", ecCert.toString(), "-verify_return_error", "-brief", "-ign_eof",
                        "-groups", groups, version == mirage.tls.TlsVersion.TLS_1_3 ? "-tls1_3" : "-tls1_2"),
                        "ping\n");
                Handshake h = handshakeOf(served.get(60, TimeUnit.SECONDS), output);
                assertEquals(Optional.of(group), h.group(), output);
                assertEquals(version, h.version());
            }
        }
    }

    /**
     * {@code openssl s_server} sends a KeyUpdate asking for ours ("K" on its input); we must read
     * what it sends under its new key, and it must read what we send under ours. (That the
     * KeyUpdate was sent is OpenSSL's documented behaviour for "K"; this test does not see the
     * message itself.)
     */
    @Test
    void aKeyUpdateFromOpensslIsHonouredBothWays() throws Exception {
        int port = freePort();
        Process server = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-naccept", "1",
                "-cert", ecCert.toString(), "-key", ecKey.toString(), "-tls1_3").redirectErrorStream(true).start();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream()))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        });
        try {
            SocketChannel socket = connectWhenListening(port, server);
            ClientConfig config = ClientConfig.builder(Trust.anchors(ec.leaf()), Rng.seeded(7), java.time.InstantSource.system()).build();
            try (TlsFlow flow = Tls.client(HostFlows.of(socket), config, "localhost")) {
                flow.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.US_ASCII)));
                awaitLine(lines, "ping");
                var stdin = server.getOutputStream();
                stdin.write("K\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                // s_server takes "K" as a command only when a read of its input holds that line
                // alone: give it time to read it before the next line arrives
                Thread.sleep(1000);
                stdin.write("after\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(256);
                Thread watchdog = Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(60_000);
                        socket.close(); // a read that waits this long fails instead of hanging the build
                    } catch (InterruptedException | IOException e) {
                        // done in time
                    }
                });
                while (!got.toString(StandardCharsets.US_ASCII).contains("after\n")) {
                    if (flow.read(b.clear()) == Flow.EOF) {
                        throw new AssertionError("end of stream before the line sent under the new key");
                    }
                    got.write(b.array(), 0, b.position());
                }
                watchdog.interrupt();
                flow.write(ByteBuffer.wrap("pong\n".getBytes(StandardCharsets.US_ASCII)));
                awaitLine(lines, "pong");
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits for a line containing {@code wanted}; returns every line read, that one included. */
    private static List<String> awaitLine(java.util.concurrent.BlockingQueue<String> lines, String wanted)
            throws Exception {
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("openssl s_server never printed " + wanted + "; it printed " + seen);
            }
            seen.add(line);
            if (line.contains(wanted)) {
                return seen;
            }
        }
    }

    @Test
    void curlGetsAPageOverHttpsFromOurServer() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        ServerConfig config = ServerConfig.builder(Rng.seeded(6), ec).withAlpn("http/1.1").withCrypto(Crypto.JCA).build();
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            var served = serveOnce(listener, config,
                    "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n", true);
            String output = run(List.of("curl", "-sS", "--cacert", ecCert.toString(), "--resolve",
                    "localhost:" + port + ":127.0.0.1", "https://localhost:" + port + "/"), "");
            Handshake h = handshakeOf(served.get(60, TimeUnit.SECONDS), output);
            assertEquals("hello\n", output);
            assertEquals(mirage.tls.TlsVersion.TLS_1_3, h.version());
            assertEquals(Optional.of("http/1.1"), h.alpn());
        }
    }
}
