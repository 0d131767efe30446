package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.tls.Credentials.KeyType;
import mirage.tls.TlsException.Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API suite: a client and a server of ours over an in-memory pipe. Runs once per crypto
 * back-end ({@link HybridTlsApiTest}, {@link JcaTlsApiTest}, {@link BcTlsApiTest}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class TlsApiTest {

    abstract Crypto crypto();

    static Stream<Arguments> suitesAndGroups() {
        List<Arguments> out = new ArrayList<>();
        for (CipherSuite s : CipherSuite.values()) {
            for (NamedGroup g : NamedGroup.values()) {
                out.add(Arguments.of(s, g));
            }
        }
        return out.stream();
    }

    private static Credentials credentialsFor(CipherSuite suite) {
        return suite.name().contains("_RSA_") ? Fixtures.localhost(KeyType.RSA_2048) : Fixtures.localhost(KeyType.ECDSA_P256);
    }

    /** 100 KiB of a fixed pattern: several full records. */
    private static byte[] payload() {
        byte[] b = new byte[100 * 1024];
        Rng.seeded(7).nextBytes(b);
        return b;
    }

    private static byte[] readAll(Flow flow) throws FlowException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (flow.read(buf.clear()) != Flow.EOF) {
            out.write(buf.array(), 0, buf.position());
        }
        return out.toByteArray();
    }

    private static byte[] readExactly(Flow flow, int n) throws FlowException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (flow.read(buf) == Flow.EOF) {
                throw new AssertionError("end of stream after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.array();
    }

    private static <T> T value(Object result, Class<T> type) throws Exception {
        if (result instanceof Exception e && !type.isInstance(e)) {
            throw e;
        }
        return type.cast(result);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("suitesAndGroups")
    void everySuiteAndGroupCarriesDataBothWays(CipherSuite suite, NamedGroup group) throws Exception {
        Credentials cred = credentialsFor(suite);
        byte[] data = payload();
        // In TLS 1.2 supported_groups also names the curves accepted in certificates (RFC 8422
        // 5.1.1): a client of a P-256 certificate offers P-256 too; the server picks the group.
        boolean needsP256 = suite.name().contains("_ECDSA_") && group != NamedGroup.SECP256R1;
        var client = Fixtures.client(crypto(), cred).withVersions(suite.version()).withSuites(suite)
                .withGroups(needsP256 ? new NamedGroup[] {group, NamedGroup.SECP256R1} : new NamedGroup[] {group}).build();
        var server = Fixtures.server(crypto(), cred).withVersions(suite.version()).onlyUsableSuites().withGroups(group).build();
        var outcome = Fixtures.connect(client, "localhost", server,
                flow -> {
                    flow.write(ByteBuffer.wrap(data));
                    flow.shutdown(Flow.Direction.WRITE);
                    return flow.handshake();
                },
                flow -> {
                    byte[] got = readAll(flow);
                    assertArrayEquals(data, got);
                    return flow.handshake();
                });
        Handshake c = value(outcome.client(), Handshake.class);
        Handshake s = value(outcome.server(), Handshake.class);
        for (Handshake h : List.of(c, s)) {
            assertEquals(suite.version(), h.version());
            assertEquals(suite, h.cipherSuite());
            assertEquals(Optional.of(group), h.group());
            assertEquals(Optional.of("localhost"), h.serverName());
            assertFalse(h.resumed());
        }
        assertEquals(List.of(cred.leaf()), c.peerCertificates());
        assertEquals(List.of(), s.peerCertificates());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeSignsTls13(KeyType type) throws Exception {
        handshakeWithKey(type, TlsVersion.TLS_1_3);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void everyKeyTypeSignsTls12(KeyType type) throws Exception {
        handshakeWithKey(type, TlsVersion.TLS_1_2);
    }

    private void handshakeWithKey(KeyType type, TlsVersion version) throws Exception {
        Credentials cred = Fixtures.localhost(type);
        var client = Fixtures.client(crypto(), cred).withVersions(version).onlyUsableSuites().build();
        var server = Fixtures.server(crypto(), cred).withVersions(version).onlyUsableSuites().build();
        var outcome = Fixtures.connect(client, "localhost", server, TlsFlow::handshake, TlsFlow::handshake);
        Handshake c = value(outcome.client(), Handshake.class);
        assertEquals(version, c.version());
        assertEquals(cred.leaf(), c.peerCertificates().getFirst());
        value(outcome.server(), Handshake.class);
    }

    @Test
    void sniSelectsTheCertificateNamingTheHost() throws Exception {
        Credentials a = Fixtures.selfSigned("a.example", KeyType.ECDSA_P256);
        Credentials b = Fixtures.selfSigned("b.example", KeyType.ED25519);
        var server = Fixtures.server(crypto(), a, b).build();
        for (Credentials expected : List.of(a, b)) {
            String host = expected == a ? "a.example" : "b.example";
            var outcome = Fixtures.connect(Fixtures.client(crypto(), a, b).build(), host, server,
                    TlsFlow::handshake, TlsFlow::handshake);
            assertEquals(expected.leaf(), value(outcome.client(), Handshake.class).peerCertificates().getFirst());
            assertEquals(Optional.of(host), value(outcome.server(), Handshake.class).serverName());
        }
    }

    @Test
    void alpnAgreesOnTheServersPreference() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(Fixtures.client(crypto(), cred).withAlpn("h2", "http/1.1").build(), "localhost",
                Fixtures.server(crypto(), cred).withAlpn("http/1.1", "h2").build(), TlsFlow::handshake, TlsFlow::handshake);
        assertEquals(Optional.of("http/1.1"), value(outcome.client(), Handshake.class).alpn());
        assertEquals(Optional.of("http/1.1"), value(outcome.server(), Handshake.class).alpn());
    }

    @Test
    void alpnWithNothingInCommonIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(Fixtures.client(crypto(), cred).withAlpn("h2").build(), "localhost",
                Fixtures.server(crypto(), cred).withAlpn("http/1.1").build(), TlsFlow::handshake, TlsFlow::handshake);
        var received = value(outcome.client(), TlsException.AlertReceived.class);
        assertEquals(Optional.of(Alert.NO_APPLICATION_PROTOCOL), received.alert());
        var fatal = value(outcome.server(), TlsException.Fatal.class);
        assertEquals(Failure.NO_APPLICATION_PROTOCOL, fatal.failure());
        assertEquals(Optional.of(Alert.NO_APPLICATION_PROTOCOL), fatal.alertSent());
    }

    private void certificateRefused(ClientConfig client, String host, Failure failure, Alert alert) throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(client, host, Fixtures.server(crypto(), cred).build(),
                TlsFlow::handshake, TlsFlow::handshake);
        var fatal = value(outcome.client(), TlsException.Fatal.class);
        assertEquals(failure, fatal.failure(), fatal.getMessage());
        assertEquals(Optional.of(alert), fatal.alertSent());
        assertEquals(FlowException.Reason.PROTOCOL, fatal.reason());
        var received = value(outcome.server(), TlsException.AlertReceived.class);
        assertEquals(Optional.of(alert), received.alert());
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        InstantSource late = InstantSource.fixed(Fixtures.NOT_BEFORE.plus(Duration.ofDays(400)));
        certificateRefused(Fixtures.client(crypto(), cred).withClock(late).build(), "localhost",
                Failure.CERTIFICATE_EXPIRED, Alert.CERTIFICATE_EXPIRED);
    }

    @Test
    void aCertificateNotYetValidIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        InstantSource early = InstantSource.fixed(Fixtures.NOT_BEFORE.minus(Duration.ofDays(1)));
        certificateRefused(Fixtures.client(crypto(), cred).withClock(early).build(), "localhost",
                Failure.CERTIFICATE_NOT_YET_VALID, Alert.CERTIFICATE_EXPIRED);
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        certificateRefused(Fixtures.client(crypto(), cred).build(), "example.org",
                Failure.CERTIFICATE_WRONG_HOST, Alert.BAD_CERTIFICATE);
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        Credentials other = Fixtures.selfSigned("localhost", KeyType.ED25519);
        certificateRefused(Fixtures.client(crypto(), other).build(), "localhost",
                Failure.CERTIFICATE_UNTRUSTED, Alert.UNKNOWN_CA);
    }

    @Test
    void theSystemBundleDoesNotTrustASelfSignedCertificate() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        certificateRefused(Fixtures.client(crypto(), cred).withTrust(Trust.system()).build(), "localhost",
                Failure.CERTIFICATE_UNTRUSTED, Alert.UNKNOWN_CA);
    }

    @Test
    void aChainToATrustedRootIsAccepted() throws Exception {
        // An intermediate-free chain: leaf issued by a root we trust, root sent too.
        var issued = TestCa.issue("leaf.example", crypto());
        var outcome = Fixtures.connect(Fixtures.client(crypto()).withTrust(Trust.anchors(issued.root())).build(),
                "leaf.example", Fixtures.server(crypto(), issued.credentials()).build(), TlsFlow::handshake, TlsFlow::handshake);
        assertEquals(issued.credentials().chain(), value(outcome.client(), Handshake.class).peerCertificates());
    }

    @Test
    void tls12SessionsAreResumedBySessionId() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var client = Fixtures.client(crypto(), cred).withVersions(TlsVersion.TLS_1_2).onlyUsableSuites().build();
        var server = Fixtures.server(crypto(), cred).withVersions(TlsVersion.TLS_1_2).onlyUsableSuites().build();
        Fixtures.Side<Handshake> echo = flow -> {
            flow.write(ByteBuffer.wrap(new byte[] {1}));
            readExactly(flow, 1);
            return flow.handshake();
        };
        var first = Fixtures.connect(client, "localhost", server, echo, echo);
        assertFalse(value(first.client(), Handshake.class).resumed());
        assertEquals(1, client.sessions().size());
        assertEquals(1, server.sessions().size());
        var second = Fixtures.connect(client, "localhost", server, echo, echo);
        Handshake c = value(second.client(), Handshake.class);
        Handshake s = value(second.server(), Handshake.class);
        assertTrue(c.resumed());
        assertTrue(s.resumed());
        assertEquals(value(first.client(), Handshake.class).cipherSuite(), c.cipherSuite());
        assertEquals(List.of(cred.leaf()), c.peerCertificates());
    }

    @Test
    void tls13ConnectionsAreNotResumedWithBouncyCastle184() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var client = Fixtures.client(crypto(), cred).build();
        var server = Fixtures.server(crypto(), cred).build();
        Fixtures.connect(client, "localhost", server, TlsFlow::handshake, TlsFlow::handshake);
        var second = Fixtures.connect(client, "localhost", server, TlsFlow::handshake, TlsFlow::handshake);
        assertFalse(value(second.client(), Handshake.class).resumed());
    }

    @Test
    void closeNotifyEndsTheStreamAndLaterWritesFail() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        byte[] data = "last words".getBytes(StandardCharsets.US_ASCII);
        var outcome = Fixtures.connect(Fixtures.client(crypto(), cred).build(), "localhost",
                Fixtures.server(crypto(), cred).build(),
                flow -> {
                    assertArrayEquals(data, readAll(flow));
                    assertEquals(Flow.EOF, flow.read(ByteBuffer.allocate(1)));
                    return assertThrows(FlowException.class, () -> flow.write(ByteBuffer.wrap(data)));
                },
                flow -> {
                    flow.write(ByteBuffer.wrap(data));
                    flow.shutdown(Flow.Direction.WRITE);
                    assertEquals(Flow.EOF, flow.read(ByteBuffer.allocate(1)));
                    return "done";
                });
        assertEquals(FlowException.Reason.CLOSED, value(outcome.client(), FlowException.class).reason());
        assertEquals("done", value(outcome.server(), String.class));
    }

    @Test
    void aTransportEndingWithoutCloseNotifyIsATruncation() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(Fixtures.client(crypto(), cred).build(), "localhost",
                Fixtures.server(crypto(), cred).build(),
                flow -> {
                    assertArrayEquals(new byte[] {42}, readExactly(flow, 1));
                    TlsException e = assertThrows(TlsException.class, () -> flow.read(ByteBuffer.allocate(10)));
                    // Sticky: the same failure again, whatever the operation.
                    assertSame(e, assertThrows(TlsException.class, () -> flow.read(ByteBuffer.allocate(10))));
                    assertSame(e, assertThrows(TlsException.class, () -> flow.write(ByteBuffer.allocate(10))));
                    return e;
                },
                flow -> {
                    flow.write(ByteBuffer.wrap(new byte[] {42}));
                    flow.transport().shutdown(Flow.Direction.WRITE); // an attacker's FIN
                    return "done";
                });
        var fatal = value(outcome.client(), TlsException.Fatal.class);
        assertEquals(Failure.TRUNCATED, fatal.failure());
        assertEquals(Optional.empty(), fatal.alertSent());
    }

    @Test
    void aTamperedRecordFailsAuthentication() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        Flow.Pair pipe = Flow.pipe(64 * 1024);
        TamperingFlow tampering = new TamperingFlow(pipe.right());
        CompletableFuture<Object> server = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (TlsFlow flow = Tls.server(tampering, Fixtures.server(crypto(), cred).build())) {
                flow.handshake();
                readExactly(flow, 1);
                tampering.armed = true;
                flow.write(ByteBuffer.wrap(new byte[100]));
                server.complete("sent");
                readAll(flow);
            } catch (Exception e) {
                server.complete(e);
            }
        });
        try (TlsFlow flow = Tls.client(pipe.left(), Fixtures.client(crypto(), cred).build(), "localhost")) {
            flow.write(ByteBuffer.wrap(new byte[] {1}));
            var fatal = assertThrows(TlsException.Fatal.class, () -> readExactly(flow, 100));
            assertEquals(Failure.BAD_RECORD, fatal.failure());
            assertEquals(Optional.of(Alert.BAD_RECORD_MAC), fatal.alertSent());
        }
        assertEquals("sent", server.get(60, TimeUnit.SECONDS));
    }

    @Test
    void noCommonVersionIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(
                Fixtures.client(crypto(), cred).withVersions(TlsVersion.TLS_1_3).onlyUsableSuites().build(), "localhost",
                Fixtures.server(crypto(), cred).withVersions(TlsVersion.TLS_1_2).onlyUsableSuites().build(),
                TlsFlow::handshake, TlsFlow::handshake);
        assertEquals(Failure.NO_SHARED_PARAMETERS, value(outcome.server(), TlsException.Fatal.class).failure());
        assertInstanceOf(TlsException.AlertReceived.class, outcome.client());
    }

    @Test
    void noCommonGroupIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(
                Fixtures.client(crypto(), cred).withGroups(NamedGroup.X25519).build(), "localhost",
                Fixtures.server(crypto(), cred).withGroups(NamedGroup.SECP384R1).build(),
                TlsFlow::handshake, TlsFlow::handshake);
        assertEquals(Failure.NO_SHARED_PARAMETERS, value(outcome.server(), TlsException.Fatal.class).failure());
        assertInstanceOf(TlsException.AlertReceived.class, outcome.client());
    }

    @Test
    void aTls12ClientThatCannotVerifyTheCurveIsRefused() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(
                Fixtures.client(crypto(), cred).withVersions(TlsVersion.TLS_1_2).onlyUsableSuites()
                        .withGroups(NamedGroup.X25519).build(), "localhost",
                Fixtures.server(crypto(), cred).withVersions(TlsVersion.TLS_1_2).onlyUsableSuites().build(),
                TlsFlow::handshake, TlsFlow::handshake);
        assertEquals(Failure.NO_SHARED_PARAMETERS, value(outcome.server(), TlsException.Fatal.class).failure());
    }

    @Test
    void helloRetryRequestFindsTheServersGroup() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        var outcome = Fixtures.connect(
                Fixtures.client(crypto(), cred).withGroups(NamedGroup.X25519, NamedGroup.SECP384R1).build(), "localhost",
                Fixtures.server(crypto(), cred).withGroups(NamedGroup.SECP384R1).build(),
                TlsFlow::handshake, TlsFlow::handshake);
        assertEquals(Optional.of(NamedGroup.SECP384R1), value(outcome.client(), Handshake.class).group());
    }

    @Test
    void garbageFromAClientGetsAnAlertAndAClosedFlow() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        Flow.Pair pipe = Flow.pipe(64 * 1024);
        CompletableFuture<Object> server = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (TlsFlow flow = Tls.server(pipe.right(), Fixtures.server(crypto(), cred).build())) {
                server.complete(flow.handshake());
            } catch (Exception e) {
                server.complete(e);
            }
        });
        pipe.left().write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        // Bouncy Castle cannot write before a valid ClientHello; our engine writes the alert
        // itself (decision 0053): 'G' is no content type, so unexpected_message, then the end.
        assertArrayEquals(new byte[] {21, 3, 3, 0, 2, 2, 10}, readAll(pipe.left()), "one plaintext alert record");
        var fatal = value(server.get(60, TimeUnit.SECONDS), TlsException.Fatal.class);
        assertEquals(Failure.MALFORMED, fatal.failure());
        assertEquals(Optional.of(Alert.UNEXPECTED_MESSAGE), fatal.alertSent());
    }

    @Test
    void closingDuringAHandshakeWakesNobodyForever() throws Exception {
        Credentials cred = Fixtures.localhost(KeyType.ECDSA_P256);
        Flow.Pair pipe = Flow.pipe(1024);
        TlsFlow flow = Tls.server(pipe.right(), Fixtures.server(crypto(), cred).build());
        CompletableFuture<Object> reader = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                reader.complete(flow.read(ByteBuffer.allocate(10)));
            } catch (Exception e) {
                reader.complete(e);
            }
        });
        flow.close();
        flow.close(); // idempotent
        Object result = reader.get(60, TimeUnit.SECONDS);
        assertEquals(FlowException.Reason.CLOSED, value(result, FlowException.class).reason());
        assertThrows(FlowException.class, () -> flow.write(ByteBuffer.allocate(1)));
    }

    @Test
    void selfSignedCertificatesNameTheirHost() {
        Credentials c = Fixtures.selfSigned("db.internal.example", KeyType.ECDSA_P384);
        assertTrue(c.leaf().getSubjectX500Principal().getName().contains("db.internal.example"));
        Instant notAfter = c.leaf().getNotAfter().toInstant();
        assertEquals(Fixtures.NOT_BEFORE.plus(Duration.ofDays(365)), notAfter);
    }
}
