package mirage.tls.internal.crypto;

import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import mirage.core.Rng;

/**
 * A {@link SecureRandom} that draws every byte from a given {@link Rng}: how the randomness a
 * configuration was given reaches Bouncy Castle and the JCA, which take {@code SecureRandom}s.
 * Seeding it does nothing. As thread-safe as the {@code Rng} (calls are also synchronized on
 * this object by {@code SecureRandom} itself).
 */
public final class RngSecureRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    public RngSecureRandom(Rng rng) {
        super(new Spi(rng), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final transient Rng rng;

        Spi(Rng rng) {
            this.rng = rng;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            // The Rng is seeded by whoever made it.
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            rng.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] b = new byte[numBytes];
            rng.nextBytes(b);
            return b;
        }
    }
}
