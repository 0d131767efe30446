package mirage.core.internal;

import java.util.Objects;
import mirage.core.Rng;

/**
 * {@link Rng#seeded(long, long)}: xoshiro256** (David Blackman and Sebastiano Vigna, "Scrambled
 * linear pseudorandom number generators", ACM TOMS 2021), its state set by SplitMix64 (Steele,
 * Lea and Flood, OOPSLA 2014). Not cryptographic; not thread-safe.
 *
 * <p>Everything here is part of the output's definition, which simulations and golden tests
 * depend on: changing any of it changes every seeded run.
 */
public final class SeededRng implements Rng {
    /** SplitMix64's increment: 2^64 divided by the golden ratio, made odd. */
    static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long s0;
    private long s1;
    private long s2;
    private long s3;

    /**
     * Stream {@code stream} of {@code seed}: SplitMix64 started at {@code seed ^ mix64(stream)}
     * gives the four state words ({@code mix64(0) == 0}, so stream 0 starts at {@code seed}).
     */
    public SeededRng(long seed, long stream) {
        long c = seed ^ mix64(stream);
        c += GOLDEN_GAMMA;
        s0 = mix64(c);
        c += GOLDEN_GAMMA;
        s1 = mix64(c);
        c += GOLDEN_GAMMA;
        s2 = mix64(c);
        c += GOLDEN_GAMMA;
        s3 = mix64(c);
        avoidZero();
    }

    /** The generator whose state is exactly these words (for the reference test vectors). */
    static SeededRng ofState(long s0, long s1, long s2, long s3) {
        SeededRng r = new SeededRng(0, 0);
        r.s0 = s0;
        r.s1 = s1;
        r.s2 = s2;
        r.s3 = s3;
        r.avoidZero();
        return r;
    }

    /** SplitMix64's output function (Stafford's variant 13 of MurmurHash3's finalizer): a bijection. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The all-zero state is xoshiro's one fixed point; no seed maps to it but a state could be given. */
    private void avoidZero() {
        if ((s0 | s1 | s2 | s3) == 0) {
            s0 = GOLDEN_GAMMA;
        }
    }

    /** One xoshiro256** step. */
    @Override
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** One step per 8 bytes, least significant byte first; the rest of the last step is dropped. */
    @Override
    public void nextBytes(byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        int end = off + len;
        int at = off;
        while (at < end) {
            long x = nextLong();
            int n = Math.min(Long.BYTES, end - at);
            for (int i = 0; i < n; i++) {
                dst[at++] = (byte) x;
                x >>>= 8;
            }
        }
    }

    @Override
    public int nextInt(int bound) {
        return Uniform.below(this, bound);
    }

    /** A generator whose four state words are {@code mix64} of this one's next four values. */
    @Override
    public Rng fork() {
        long a = mix64(nextLong());
        long b = mix64(nextLong());
        long c = mix64(nextLong());
        long d = mix64(nextLong());
        return ofState(a, b, c, d);
    }

    @Override
    public String toString() {
        return "seeded xoshiro256** (not cryptographic)";
    }
}
