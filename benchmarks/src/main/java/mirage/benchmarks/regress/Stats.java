package mirage.benchmarks.regress;

import java.util.List;

/**
 * The arithmetic of {@code regress}: speed ratios, their noise over rounds, and the verdict of
 * a comparison with a baseline. Speeds are oriented so that larger is better; ratios are
 * combined in log space (a 2x speed-up and a 2x slow-down are symmetric).
 */
public final class Stats {

    private Stats() {
    }

    /** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom. */
    private static final double[] T975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    /** Two-sided 95% quantile of Student's t with {@code df} >= 1 degrees of freedom (1.96 above 30). */
    public static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom " + df);
        }
        return df <= T975.length ? T975[df - 1] : 1.960;
    }

    /**
     * How much faster {@code subject} is than {@code reference} (above 1: faster), from two
     * scores of one mode: for throughput subject/reference, for a time per op reference/subject.
     */
    public static double speed(double subject, double reference, boolean higherIsBetter) {
        return higherIsBetter ? subject / reference : reference / subject;
    }

    /**
     * A value measured over rounds: the geometric mean of the rounds' values and its noise, the
     * relative half-width of a 95% interval.
     *
     * @param value  geometric mean, > 0
     * @param noise  relative half-width (0.05: the interval is value / 1.05 .. value x 1.05)
     * @param rounds each round's value
     */
    public record Measure(double value, double noise, List<Double> rounds) {

        public Measure {
            rounds = List.copyOf(rounds);
        }

        /** The interval's ends, low then high. */
        public double[] interval() {
            return new double[] {value / (1 + noise), value * (1 + noise)};
        }
    }

    /**
     * The rounds' values combined: their geometric mean and its noise. With two or more rounds
     * the noise is Student's t interval of the mean of the logs over the rounds (the rounds'
     * spread includes the machine's load changing between them); with one round it is the
     * relative error the round itself gives ({@link #relativeError}), NaN counting as 0.
     *
     * @param values         each round's value, all > 0 and finite
     * @param relativeErrors each round's relative 95% error, the same length
     */
    public static Measure combine(List<Double> values, List<Double> relativeErrors) {
        if (values.isEmpty() || values.size() != relativeErrors.size()) {
            throw new IllegalArgumentException(values.size() + " values, " + relativeErrors.size() + " errors");
        }
        int n = values.size();
        double mean = 0;
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("not a positive finite value: " + v);
            }
            mean += Math.log(v);
        }
        mean /= n;
        double noise;
        if (n >= 2) {
            double ss = 0;
            for (double v : values) {
                ss += (Math.log(v) - mean) * (Math.log(v) - mean);
            }
            noise = Math.expm1(t975(n - 1) * Math.sqrt(ss / (n - 1)) / Math.sqrt(n));
        } else {
            double e = relativeErrors.getFirst();
            noise = Double.isNaN(e) ? 0 : e;
        }
        return new Measure(Math.exp(mean), noise, values);
    }

    /**
     * The relative half-width of a 95% interval of the mean of one side's iteration scores
     * (Student's t); NaN with fewer than two iterations or a mean of 0.
     */
    public static double relativeError(List<Double> iterations) {
        int k = iterations.size();
        if (k < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (double x : iterations) {
            mean += x;
        }
        mean /= k;
        double ss = 0;
        for (double x : iterations) {
            ss += (x - mean) * (x - mean);
        }
        return mean == 0 ? Double.NaN : t975(k - 1) * Math.sqrt(ss / (k - 1)) / Math.sqrt(k) / Math.abs(mean);
    }

    /** Relative error of a quotient of two values with the given relative errors (NaN if either is unknown). */
    public static double quotientError(double relativeA, double relativeB) {
        return Math.hypot(relativeA, relativeB);
    }

    /** What a comparison with the baseline found. */
    public enum Verdict {
        /** Within the tolerance. */
        SAME,
        /** Slower than the baseline beyond the tolerance, or allocating where it did not. */
        REGRESSION,
        /** Faster than the baseline beyond the tolerance, or no longer allocating. */
        IMPROVEMENT,
        /** Not in the baseline. */
        NEW
    }

    /**
     * The tolerance of a comparison: the larger of the entry's smallest reported change and
     * the noise of the difference between the two runs. With two or more rounds on both sides
     * that is the half-width of Welch's 95% interval of the difference of the mean logs (the
     * rounds' spread on both sides, Welch-Satterthwaite degrees of freedom); otherwise the sum
     * of the two runs' noise.
     */
    public static double tolerance(double minimum, Measure baseline, Measure now) {
        int nb = baseline.rounds().size();
        int nn = now.rounds().size();
        if (nb < 2 || nn < 2) {
            return Math.max(minimum, baseline.noise() + now.noise());
        }
        double a = logVariance(baseline.rounds()) / nb;
        double b = logVariance(now.rounds()) / nn;
        if (a + b == 0) {
            return minimum;
        }
        double df = (a + b) * (a + b) / (a * a / (nb - 1) + b * b / (nn - 1));
        return Math.max(minimum, Math.expm1(t975((int) Math.max(1, Math.floor(df))) * Math.sqrt(a + b)));
    }

    private static double logVariance(List<Double> values) {
        double mean = 0;
        for (double v : values) {
            mean += Math.log(v);
        }
        mean /= values.size();
        double ss = 0;
        for (double v : values) {
            ss += (Math.log(v) - mean) * (Math.log(v) - mean);
        }
        return ss / (values.size() - 1);
    }

    /** {@code now} against {@code baseline} (both speeds, larger is better) with {@code tolerance}. */
    public static Verdict verdict(double now, double baseline, double tolerance) {
        double change = now / baseline;
        if (change < 1 / (1 + tolerance)) {
            return Verdict.REGRESSION;
        }
        if (change > 1 + tolerance) {
            return Verdict.IMPROVEMENT;
        }
        return Verdict.SAME;
    }

    /** An allocation per op against the baseline's: only crossing {@code limit} counts. */
    public static Verdict allocationVerdict(double now, double baseline, double limit) {
        boolean wasZero = baseline < limit;
        boolean isZero = now < limit;
        if (wasZero && !isZero) {
            return Verdict.REGRESSION;
        }
        if (!wasZero && isZero) {
            return Verdict.IMPROVEMENT;
        }
        return Verdict.SAME;
    }
}
