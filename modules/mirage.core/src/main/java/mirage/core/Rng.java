package mirage.core;

import java.util.Objects;
import mirage.core.internal.DrbgRng;
import mirage.core.internal.SeededRng;

/**
 * A random number generator, given to whatever needs randomness as a parameter.
 *
 * <p>Engines and services never reach a global generator (no {@code new SecureRandom()}, no
 * {@code ThreadLocalRandom}): they take an {@code Rng}. A unikernel gets a cryptographic one,
 * {@link #drbg(Entropy)} over the platform's {@link Entropy}; a deterministic simulation gets
 * {@link #seeded(long)}, so that a failing seed reproduces. See
 * {@code docs/decisions/0008-randomness.md}.
 *
 * <p>Named {@code Rng}, not {@code Random}, so as not to be mistaken for
 * {@link java.util.Random}, which this is not related to.
 *
 * <h2>Threading</h2>
 * Each factory says whether its generator is thread-safe: {@link #drbg(Entropy)}'s is;
 * {@link #seeded(long)}'s is not (give each thread its own {@link #fork()}).
 */
public interface Rng {

    /**
     * Fills {@code dst} entirely with random bytes.
     *
     * @throws NullPointerException if {@code dst} is null
     */
    default void nextBytes(byte[] dst) {
        nextBytes(dst, 0, dst.length);
    }

    /**
     * Writes {@code len} random bytes to {@code dst[off]} to {@code dst[off + len - 1]}, and
     * nothing else of {@code dst}. The caller keeps ownership of {@code dst}.
     *
     * @throws NullPointerException if {@code dst} is null
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of
     *     {@code dst}
     */
    void nextBytes(byte[] dst, int off, int len);

    /** Returns a random 64-bit value, every value equally likely. */
    long nextLong();

    /**
     * Returns a random int in {@code [0, bound)}, every value equally likely (no modulo bias:
     * draws that would bias the result are rejected and drawn again).
     *
     * @throws IllegalArgumentException if {@code bound <= 0}
     */
    int nextInt(int bound);

    /**
     * Returns a new generator, independent of this one, of the same kind: for a
     * {@linkplain #drbg(Entropy) DRBG}, a new DRBG instantiated from the same entropy source; for a
     * {@linkplain #seeded(long) seeded} generator, a seeded generator whose seed is drawn from this
     * one (so the fork, and this generator after it, are both determined by this one's seed).
     */
    Rng fork();

    /**
     * A cryptographically secure generator: HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1,
     * §10.1.2) at 256-bit security strength, without prediction resistance, seeded and
     * periodically reseeded from {@code source}.
     *
     * <ul>
     *   <li>Instantiated on first use, not here (so linking one into a unikernel costs nothing at
     *       boot): 32 bytes of entropy input and a 16-byte nonce are read from {@code source} in
     *       one request, with a fixed personalization string naming this library.
     *   <li>Reseeded from {@code source} (32 bytes) after every 2<sup>20</sup> generate requests
     *       (SP 800-90A allows up to 2<sup>48</sup>).
     *   <li>A request for more than 65536 bytes (SP 800-90A's limit of 2<sup>19</sup> bits per
     *       generate request) is split into several generate requests, each counted toward
     *       reseeding.
     *   <li>If {@code source} throws, the exception propagates and no bytes are produced; the
     *       instantiation or reseed is tried again on the next call.
     *   <li>Thread-safe: each call holds the generator's lock for its whole duration, reads from
     *       {@code source} included.
     * </ul>
     *
     * @param source where seed material comes from, usually the platform's {@link Entropy};
     *     it must be thread-safe if the generator is shared between threads
     */
    static Rng drbg(Entropy source) {
        return new DrbgRng(Objects.requireNonNull(source, "source"));
    }

    /**
     * <strong>NOT CRYPTOGRAPHIC: never use for keys, nonces, sequence numbers an attacker must
     * not guess, or anything else security depends on.</strong> A deterministic generator for
     * simulations and tests: the same seed gives the same sequence, on every run, JVM and JDK
     * version, and its output is easily predicted from a few values.
     *
     * <p>The algorithm is fixed: xoshiro256** (Blackman and Vigna), its 256-bit state set from
     * {@code seed} by SplitMix64. {@link #nextLong()} is one step; {@link #nextBytes(byte[], int,
     * int)} takes one step per 8 bytes, little-endian, discarding the unused bytes of the last
     * step; {@link #nextInt(int)} uses Lemire's multiply-and-reject method on 64-bit steps.
     *
     * <p>Not thread-safe: confine it to one thread (the simulator's), or give each thread its own
     * {@link #fork()}. Same as {@code seeded(seed, 0)}.
     */
    static Rng seeded(long seed) {
        return new SeededRng(seed, 0);
    }

    /**
     * <strong>NOT CRYPTOGRAPHIC</strong> (see {@link #seeded(long)}): the deterministic stream
     * number {@code stream} of {@code seed}, for a simulator that gives each simulated host or
     * link its own stream. Distinct streams of one seed are independent for any practical
     * purpose; {@code seeded(seed, 0)} is {@code seeded(seed)}.
     */
    static Rng seeded(long seed, long stream) {
        return new SeededRng(seed, stream);
    }
}
