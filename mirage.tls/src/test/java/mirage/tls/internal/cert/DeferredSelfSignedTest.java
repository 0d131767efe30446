package mirage.tls.internal.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mirage.core.Rng;
import mirage.tls.Credentials;
import mirage.tls.ServerConfig;
import mirage.tls.TlsConfigException;
import org.junit.jupiter.api.Test;

/**
 * A self-signed server configuration makes its certificate when its credentials are first asked
 * for, not when it is configured (docs/decisions/0065); what it checks at configuration time
 * stays a configuration error there.
 */
class DeferredSelfSignedTest {
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-06-01T00:00:00Z"));

    @Test
    void a_self_signed_configuration_makes_nothing_until_its_credentials_are_asked_for_and_then_the_same_ones() {
        ServerConfig config = ServerConfig.selfSigned(Rng.seeded(1), CLOCK, "unikernel.test");
        DeferredSelfSigned deferred = (DeferredSelfSigned) config.credentials();
        assertFalse(deferred.made(), "configuring made no certificate");
        ServerConfig withAlpn = config.toBuilder().withAlpn("http/1.1").build();
        assertSame(deferred, withAlpn.credentials(), "the builder passes the deferred credentials on");
        assertFalse(deferred.made(), "nor did rebuilding the configuration");
        assertEquals(1, withAlpn.credentials().size());
        assertFalse(deferred.made(), "nor did asking how many there are");

        Credentials made = withAlpn.credentials().getFirst();
        assertTrue(deferred.made());
        assertSame(made, config.credentials().get(0), "one certificate, whichever configuration asks");
        assertEquals("CN=unikernel.test", made.leaf().getSubjectX500Principal().getName());
        assertEquals(Instant.parse("2026-05-31T23:00:00Z"), made.leaf().getNotBefore().toInstant());
        assertEquals(Instant.parse("2026-06-30T23:00:00Z"), made.leaf().getNotAfter().toInstant());
        assertEquals(List.of(made), List.copyOf(config.credentials()));
    }

    @Test
    void concurrent_first_uses_make_one_certificate() throws Exception {
        DeferredSelfSigned deferred = new DeferredSelfSigned("localhost", Credentials.KeyType.ECDSA_P256,
                Rng.seeded(2), Instant.parse("2026-06-01T00:00:00Z"), Duration.ofDays(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Credentials>> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(pool.submit(() -> {
                    go.await();
                    return deferred.get(0);
                }));
            }
            go.countDown();
            Credentials first = got.getFirst().get(60, TimeUnit.SECONDS);
            for (Future<Credentials> f : got) {
                assertSame(first, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_bad_name_or_validity_is_a_configuration_error_at_once_and_the_list_is_read_only() {
        assertThrows(TlsConfigException.class, () -> ServerConfig.selfSigned(Rng.seeded(1), CLOCK, "not a host name"));
        assertThrows(TlsConfigException.class, () -> new DeferredSelfSigned("localhost", Credentials.KeyType.ECDSA_P256,
                Rng.seeded(1), Instant.EPOCH, Duration.ZERO));
        DeferredSelfSigned deferred = new DeferredSelfSigned("127.0.0.1", Credentials.KeyType.ED25519, Rng.seeded(1),
                Instant.EPOCH, Duration.ofDays(1));
        assertEquals(Keys.Kind.ED25519, deferred.kind());
        assertThrows(IndexOutOfBoundsException.class, () -> deferred.get(1));
        assertThrows(UnsupportedOperationException.class, () -> deferred.add(deferred.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> deferred.set(0, deferred.get(0)));
    }
}
