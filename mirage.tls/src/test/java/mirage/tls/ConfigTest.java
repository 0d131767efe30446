package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mirage.core.Flow;
import mirage.core.Rng;
import mirage.tls.Credentials.KeyType;
import org.junit.jupiter.api.Test;

/** Configurations are checked when built and cannot exist in an invalid state. */
class ConfigTest {
    private static final Credentials EC = Fixtures.localhost(KeyType.ECDSA_P256);
    private static final Credentials RSA = Fixtures.localhost(KeyType.RSA_2048);

    private static ClientConfig.Builder client() {
        return ClientConfig.builder(Trust.anchors(EC.leaf()), Rng.seeded(1), Fixtures.CLOCK);
    }

    private static void refused(String fragment, Runnable build) {
        TlsConfigException e = assertThrows(TlsConfigException.class, build::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void defaultsAreValid() {
        ClientConfig c = client().build();
        assertEquals(List.of(TlsVersion.TLS_1_3, TlsVersion.TLS_1_2), c.versions());
        assertEquals(9, c.suites().size());
        assertEquals(List.of(NamedGroup.X25519, NamedGroup.SECP256R1, NamedGroup.SECP384R1), c.groups());
        ServerConfig.builder(Rng.seeded(1), EC).build();
    }

    @Test
    void aSuiteForAVersionNotEnabledIsRefused() {
        refused("not enabled", () -> client().withVersions(TlsVersion.TLS_1_3).build());
        refused("not enabled", () -> client().withVersions(TlsVersion.TLS_1_2)
                .withSuites(CipherSuite.TLS_AES_128_GCM_SHA256).build());
    }

    @Test
    void everyEnabledVersionNeedsASuite() {
        refused("none of its cipher suites", () -> client().withSuites(CipherSuite.TLS_AES_128_GCM_SHA256).build());
    }

    @Test
    void emptyAndDuplicateListsAreRefused() {
        refused("at least one TLS version", () -> client().withVersions().build());
        refused("at least one key-exchange group", () -> client().withGroups().build());
        refused("listed once", () -> client().withGroups(NamedGroup.X25519, NamedGroup.X25519).build());
        refused("listed once", () -> client().withAlpn("h2", "h2").build());
    }

    @Test
    void alpnNamesMustFitInAByte() {
        refused("1 to 255 bytes", () -> client().withAlpn("").build());
        refused("1 to 255 bytes", () -> client().withAlpn("x".repeat(256)).build());
        assertEquals(List.of("x".repeat(255)), client().withAlpn("x".repeat(255)).build().alpn());
    }

    @Test
    void aTls12OnlyServerNeedsASuiteItsKeyCanSign() {
        refused("no enabled TLS 1.2 suite can use the keys", () -> ServerConfig.builder(Rng.seeded(1), RSA)
                .withVersions(TlsVersion.TLS_1_2)
                .withSuites(CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).build());
        refused("at least one certificate", () -> ServerConfig.builder(Rng.seeded(1)).build());
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefused() {
        Credentials other = Fixtures.selfSigned("localhost", KeyType.ECDSA_P256);
        Credentials otherAgain = Fixtures.selfSigned("other.example", KeyType.ECDSA_P256);
        refused("does not belong", () -> new Credentials(other.chain(), otherAgain.key()));
        refused("cannot sign", () -> new Credentials(EC.chain(), RSA.key()));
        refused("at least one certificate", () -> new Credentials(List.of(), EC.key()));
    }

    @Test
    void serverNamesMustBeHostNamesOrAddresses() {
        Flow.Pair pipe = Flow.pipe(16);
        refused("neither a DNS host name nor an IP literal", () -> Tls.client(pipe.left(), client().build(), "a b"));
        refused("neither a DNS host name nor an IP literal", () -> Tls.client(pipe.left(), client().build(), "-x.example"));
        refused("neither a DNS host name", () -> Credentials.selfSigned("under_score", KeyType.ED25519, Rng.seeded(1),
                Fixtures.NOT_BEFORE, java.time.Duration.ofDays(1)));
        Tls.client(pipe.left(), client().build(), "192.0.2.1").close();
    }

    @Test
    void anEmptyTrustListIsRefused() {
        refused("at least one anchor", () -> new Trust.Anchors(List.of()));
        refused("at least 1 session", () -> SessionCache.memory(0));
    }
}
