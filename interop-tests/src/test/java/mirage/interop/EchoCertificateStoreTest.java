package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo's HTTPS credentials from a read-only key-value store (issue 19, part 2): with
 * {@code --certs=boot} the {@code KV_RO} device {@code certs}, bound at boot to a directory or a
 * tar file ({@code --kv:certs=PATH}); with {@code --certs=packed} the files of the unikernel's
 * {@code tls/}, packed into the image at link time. curl verifies the served certificate
 * against the PEM file openssl made ({@code --cacert}, for the name {@code echo.test}) and the
 * JDK's client compares its bytes. On the host-socket stack: needs no root, only openssl, curl
 * and tar.
 */
class EchoCertificateStoreTest {
    @TempDir
    static Path work;
    static Path certs;
    static X509Certificate made;

    @BeforeAll
    static void certificate() throws Exception {
        Host.require("openssl", "openssl");
        Host.require("curl", "curl");
        Path cert = Host.selfSignedCertificate(work, "echo.test");
        certs = Files.createDirectories(work.resolve("certs"));
        Files.copy(cert, certs.resolve("server.pem"));
        Files.copy(work.resolve("key.pem"), certs.resolve("server.key"));
        made = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(cert)));
    }

    @Test
    void certsBoot_theDeviceBoundToADirectoryOrATarFile_andOneLineWhenItIsMissing() throws Exception {
        Path image = Mirage.buildExample("echo", work.resolve("boot"), "--stack=host", "--certs=boot");
        assertEquals("mirage-manifest 1\nKV_RO certs\n", Files.readString(image.resolve("mirage-manifest")));

        servesTheCertificate(image, "dir", "--kv:certs=" + certs);
        Path tar = work.resolve("certs.tar");
        Host.run(List.of("tar", "-cf", tar.toString(), "-C", certs.toString(), "server.pem", "server.key"), Duration.ofSeconds(30));
        servesTheCertificate(image, "tar", "--kv:certs=" + tar);

        Mirage.Result missing = Mirage.exec(List.of(image.resolve("bin/echo").toString(),
                "--kv:certs=" + work.resolve("absent")), Duration.ofSeconds(60));
        assertNotEquals(0, missing.exit());
        assertEquals("echo: cannot attach --kv:certs: " + work.resolve("absent")
                + " does not exist (give a directory or a tar file)", missing.err().strip());
        Mirage.Result unbound = Mirage.exec(List.of(image.resolve("bin/echo").toString()), Duration.ofSeconds(60));
        assertNotEquals(0, unbound.exit());
        assertEquals("echo: device 'certs' (KV_RO) is not bound: give --kv:certs=DIR or --kv:certs=FILE.tar",
                unbound.err().strip());
    }

    @Test
    void certsPacked_theFilesOfTlsAreInTheImage_andNothingIsBound() throws Exception {
        Mirage.markLibrariesBuilt();
        Path unikernel = Mirage.copyExample("echo", work.resolve("packed/echo"));
        Mirage.copyTree(certs, unikernel.resolve("tls"));
        Mirage.Result built = Mirage.mirage("build", unikernel.toString(), "--stack=host", "--certs=packed");
        assertEquals(0, built.exit(), built.err());
        Path image = Path.of(built.lastOutLine());
        assertEquals("mirage-manifest 1\n", Files.readString(image.resolve("mirage-manifest")));
        Mirage.deleteTree(unikernel.resolve("tls")); // the image holds the files: nothing is read from the host
        servesTheCertificate(image, "packed");
    }

    /** Boots {@code image} with {@code args} and checks that HTTPS presents {@link #made}, verified by curl. */
    static void servesTheCertificate(Path image, String label, String... args) throws Exception {
        int offset = EchoHostStackTest.freeBase();
        List<String> command = new ArrayList<>(List.of(image.resolve("bin/echo").toString(), "--port-offset=" + offset));
        command.addAll(List.of(args));
        Path log = work.resolve("echo-" + label + ".log");
        Process echo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Host.Netns.awaitLine(log, "HTTPS on port 443", echo, Duration.ofSeconds(60));
            int port = 443 + offset;
            Mirage.Result curl = Mirage.exec(List.of("curl", "-sS", "--max-time", "30", "--cacert",
                    certs.resolve("server.pem").toString(), "--resolve", "echo.test:" + port + ":127.0.0.1",
                    "https://echo.test:" + port + "/bytes/10"), Duration.ofSeconds(60));
            assertEquals(0, curl.exit(), label + ": curl " + curl.err());
            assertEquals(10, curl.out().length(), label);
            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String auth) { }
                @Override public void checkServerTrusted(X509Certificate[] chain, String auth) { }
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, null);
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), port)) {
                tls.setSoTimeout(30_000);
                tls.startHandshake();
                X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
                assertEquals("CN=echo.test", leaf.getSubjectX500Principal().getName(), label);
                assertArrayEquals(made.getEncoded(), leaf.getEncoded(), label + ": the very certificate openssl made");
            }
            assertTrue(echo.isAlive(), label);
        } finally {
            Host.stopTree(echo.toHandle());
            assertTrue(echo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("echo: HTTPS on port 443"));
    }
}
