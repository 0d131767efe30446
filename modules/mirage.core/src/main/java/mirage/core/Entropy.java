package mirage.core;

/**
 * A source of cryptographically strong random bytes provided by the platform.
 *
 * <p>Thread-safe. Engines never create their own; they take an {@link Rng} (usually
 * {@link Rng#drbg(Entropy)} over the platform's {@code Entropy}) or an {@code Entropy} as a
 * parameter, so simulations can substitute a seeded source.
 */
public interface Entropy {

    /** Fills {@code dst} entirely with random bytes. */
    void nextBytes(byte[] dst);

    /** Returns a random 64-bit value. */
    default long nextLong() {
        byte[] b = new byte[Long.BYTES];
        nextBytes(b);
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }
}
