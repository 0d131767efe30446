package mirage.tls.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.tls.Credentials;
import org.junit.jupiter.api.Test;

/**
 * What a server presents, made once per credentials ({@link Backends.Presented}): the chain as it
 * was read, Bouncy Castle's key, kept by identity and within its bound. That handshakes present
 * it correctly on every back-end is {@code TlsApiTest}'s and {@code MixedBackendsTest}'s part.
 */
class PresentedTest {
    private static final Rng RNG = Rng.drbg(new SecureRandom()::nextBytes);

    private static Credentials selfSigned(String name) {
        return Credentials.selfSigned(name, Credentials.KeyType.ECDSA_P256, RNG,
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
    }

    @Test
    void madeOncePerCredentials_andAsTheChainWasRead() throws Exception {
        Credentials credentials = selfSigned("a.example");
        Backends.Presented first = Backends.Presented.of(credentials);
        assertSame(first, Backends.Presented.of(credentials));
        assertSame(first.key(), first.key());
        assertEquals(credentials.chain().size(), first.encoded.length);
        for (int i = 0; i < first.encoded.length; i++) {
            assertArrayEquals(credentials.chain().get(i).getEncoded(), first.encoded[i]);
            assertArrayEquals(first.encoded[i], first.parsed[i].getEncoded("DER"));
        }
    }

    @Test
    void keptByIdentity_notByEquality() throws Exception {
        Credentials credentials = selfSigned("b.example");
        Credentials equal = new Credentials(credentials.chain(), credentials.key());
        assertEquals(credentials, equal);
        assertNotSame(Backends.Presented.of(credentials), Backends.Presented.of(equal));
    }

    @Test
    void boundedHowManyCredentialsAreMade() throws Exception {
        List<Credentials> many = new ArrayList<>();
        for (int i = 0; i < Backends.Presented.KEPT + 5; i++) {
            many.add(selfSigned("c" + i + ".example"));
        }
        for (Credentials c : many) {
            Backends.Presented.of(c);
            assertTrue(Backends.Presented.kept() <= Backends.Presented.KEPT, "kept " + Backends.Presented.kept());
        }
        Credentials last = many.getLast();
        assertSame(Backends.Presented.of(last), Backends.Presented.of(last));
    }
}
