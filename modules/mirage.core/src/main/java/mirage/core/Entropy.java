package mirage.core;

/**
 * A source of cryptographically strong random bytes provided by the platform.
 *
 * <p>Thread-safe. Engines never create their own; they take an {@code Entropy} (or bytes
 * drawn from one) as a parameter, so simulations can substitute a seeded source.
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
