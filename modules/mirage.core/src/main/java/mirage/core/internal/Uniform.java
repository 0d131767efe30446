package mirage.core.internal;

import mirage.core.Rng;

/** Unbiased bounded integers from a generator's 64-bit values. */
final class Uniform {
    private Uniform() {}

    /**
     * A value in {@code [0, bound)}, every value equally likely: Lemire's multiply-and-reject
     * method ("Fast Random Integer Generation in an Interval", ACM TOMACS 2019) on 64-bit draws.
     * The high 64 bits of {@code x * bound} lie in {@code [0, bound)}; the draw is rejected when
     * its low 64 bits fall below {@code 2^64 mod bound}, which removes the bias exactly.
     */
    static int below(Rng rng, int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, not " + bound);
        }
        long b = bound;
        long x = rng.nextLong();
        long low = x * b;
        if (Long.compareUnsigned(low, b) < 0) {
            long threshold = Long.remainderUnsigned(-b, b);
            while (Long.compareUnsigned(low, threshold) < 0) {
                x = rng.nextLong();
                low = x * b;
            }
        }
        return (int) Math.unsignedMultiplyHigh(x, b);
    }
}
