package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mirage.core.Rng;
import mirage.tls.Credentials.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ServerConfig#fromArguments} and {@link ClientConfig#fromArguments}: what a description's TLS devices make at boot. */
class ArgumentConfigsTest {
    @TempDir
    Path dir;

    @Test
    void server_withoutFiles_isSelfSignedForTheName_fromAnHourBeforeTheClocksNow_andConnects() throws Exception {
        ServerConfig server = ServerConfig.fromArguments(Rng.seeded(1), Fixtures.CLOCK, "", "", "unikernel.test");
        assertEquals(1, server.credentials().size());
        var leaf = server.credentials().getFirst().leaf();
        assertEquals(Fixtures.CLOCK.instant().minus(Duration.ofHours(1)), leaf.getNotBefore().toInstant());
        assertEquals(Fixtures.CLOCK.instant().minus(Duration.ofHours(1)).plus(Duration.ofDays(30)),
                leaf.getNotAfter().toInstant());
        ClientConfig client = ClientConfig.builder(Trust.anchors(leaf), Rng.seeded(2), Fixtures.CLOCK).build();
        var outcome = Fixtures.connect(client, "unikernel.test", server, flow -> "client done", flow -> "server done");
        assertEquals("client done", outcome.client());
        assertEquals("server done", outcome.server());
    }

    @Test
    void server_withPemFiles_presentsThem_andClient_trustsAPemFile() throws Exception {
        Credentials c = Fixtures.localhost(KeyType.ECDSA_P256);
        Path cert = Files.writeString(dir.resolve("cert.pem"), CertificateFilesTest.pem("CERTIFICATE", c.leaf().getEncoded()));
        Path key = Files.writeString(dir.resolve("key.pem"), CertificateFilesTest.pem("PRIVATE KEY", c.key().getEncoded()));
        ServerConfig server = ServerConfig.fromArguments(Rng.seeded(1), Fixtures.CLOCK, cert.toString(), key.toString(), "ignored");
        assertEquals(c.chain(), server.credentials().getFirst().chain());

        ClientConfig client = ClientConfig.fromArguments(Rng.seeded(2), Fixtures.CLOCK, cert.toString());
        assertEquals(new Trust.Anchors(List.of(c.leaf())), client.trust());
        assertEquals(Fixtures.CLOCK.instant(), client.clock().instant());
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        var outcome = Fixtures.connect(client, "localhost", server, flow -> {
            flow.write(java.nio.ByteBuffer.wrap(ping));
            return "sent";
        }, flow -> {
            java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(4);
            while (got.hasRemaining() && flow.read(got) != mirage.core.Flow.EOF) {
                // read the four bytes
            }
            return new String(got.array(), StandardCharsets.US_ASCII);
        });
        assertEquals("ping", outcome.server());
    }

    @Test
    void client_withoutAFile_trustsTheJdkBundle() {
        ClientConfig client = ClientConfig.fromArguments(Rng.seeded(2), Fixtures.CLOCK, "");
        assertInstanceOf(Trust.SystemBundle.class, client.trust());
    }

    @Test
    void halfGivenOrUnreadableFiles_andBadNames_areConfigErrorsThatSayWhat() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        TlsConfigException onlyCert = assertThrows(TlsConfigException.class,
                () -> ServerConfig.fromArguments(Rng.seeded(1), Fixtures.CLOCK, cert.toString(), "", "x"));
        assertTrue(onlyCert.getMessage().contains("the key file is missing"), onlyCert.getMessage());
        TlsConfigException onlyKey = assertThrows(TlsConfigException.class,
                () -> ServerConfig.fromArguments(Rng.seeded(1), Fixtures.CLOCK, "", cert.toString(), "x"));
        assertTrue(onlyKey.getMessage().contains("the certificate file is missing"), onlyKey.getMessage());
        TlsConfigException unreadable = assertThrows(TlsConfigException.class,
                () -> ClientConfig.fromArguments(Rng.seeded(1), Fixtures.CLOCK, dir.resolve("absent.pem").toString()));
        assertTrue(unreadable.getMessage().contains("absent.pem"), unreadable.getMessage());
        assertThrows(TlsConfigException.class,
                () -> ServerConfig.fromArguments(Rng.seeded(1), Fixtures.CLOCK, "", "", "not a host name"));
        assertEquals(Instant.parse("2026-06-01T00:00:00Z"), Fixtures.CLOCK.instant());
    }

    @Test
    void server_fromAStore_presentsItsServerPemAndKey_andSaysWhichKeyIsMissingOrBad() throws Exception {
        Credentials c = Fixtures.localhost(KeyType.ECDSA_P256);
        java.util.Map<mirage.kv.Key, byte[]> values = new java.util.LinkedHashMap<>();
        values.put(mirage.kv.Key.of("server.pem"), CertificateFilesTest.pem("CERTIFICATE", c.leaf().getEncoded())
                .getBytes(StandardCharsets.US_ASCII));
        values.put(mirage.kv.Key.of("server.key"), CertificateFilesTest.pem("PRIVATE KEY", c.key().getEncoded())
                .getBytes(StandardCharsets.US_ASCII));
        ServerConfig server = ServerConfig.fromStore(Rng.seeded(1), mirage.kv.KvRo.of(values, Instant.EPOCH));
        assertEquals(c.chain(), server.credentials().getFirst().chain());
        ClientConfig client = ClientConfig.builder(Trust.anchors(c.leaf()), Rng.seeded(2), Fixtures.CLOCK).build();
        assertEquals("done", Fixtures.connect(client, "localhost", server, flow -> "done", flow -> "x").client());

        java.util.Map<mirage.kv.Key, byte[]> noKey = new java.util.LinkedHashMap<>(values);
        noKey.remove(mirage.kv.Key.of("server.key"));
        TlsConfigException missing = assertThrows(TlsConfigException.class,
                () -> ServerConfig.fromStore(Rng.seeded(1), mirage.kv.KvRo.of(noKey, Instant.EPOCH)));
        assertTrue(missing.getMessage().startsWith("the TLS server's store has no readable server.key (its private key)"),
                missing.getMessage());
        java.util.Map<mirage.kv.Key, byte[]> badCert = new java.util.LinkedHashMap<>(values);
        badCert.put(mirage.kv.Key.of("server.pem"), "not a certificate".getBytes(StandardCharsets.US_ASCII));
        TlsConfigException bad = assertThrows(TlsConfigException.class,
                () -> ServerConfig.fromStore(Rng.seeded(1), mirage.kv.KvRo.of(badCert, Instant.EPOCH)));
        assertTrue(bad.getMessage().startsWith("the store's server.pem and server.key are no usable credentials"), bad.getMessage());
    }

    @Test
    void server_selfSigned_isForTheName() {
        ServerConfig server = ServerConfig.selfSigned(Rng.seeded(1), Fixtures.CLOCK, "unikernel.test");
        assertEquals("CN=unikernel.test", server.credentials().getFirst().leaf().getSubjectX500Principal().getName());
    }
}
