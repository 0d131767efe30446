package mirage.time.internal;

import java.time.Duration;

/** Checked conversions between {@link Duration}s and monotonic nanoseconds. */
public final class Durations {
    private Durations() {}

    /**
     * The duration in nanoseconds.
     *
     * @throws IllegalArgumentException if it is negative or longer than {@link Long#MAX_VALUE}
     *     nanoseconds (about 292 years): no clock of this system reaches that far
     */
    public static long nanos(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration);
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration " + duration + " is longer than 292 years in nanoseconds", e);
        }
    }

    /**
     * {@code now} plus {@code duration}, saturating at {@link Long#MAX_VALUE} (which deadlines
     * read as "never").
     *
     * @throws IllegalArgumentException as {@link #nanos}
     */
    public static long deadline(long now, Duration duration) {
        long nanos = nanos(duration);
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }
}
