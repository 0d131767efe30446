package mirage.benchmarks.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.Collections;
import java.util.List;
import mirage.benchmarks.regress.Stats.Measure;
import mirage.benchmarks.regress.Stats.Verdict;
import org.junit.jupiter.api.Test;

/** Speed ratios, their noise, and the thresholds of a verdict. */
class StatsTest {

    @Test
    void speedIsOrientedSoThatLargerIsFaster() {
        assertEquals(2.0, Stats.speed(200, 100, true), "throughput: twice the ops/s");
        assertEquals(2.0, Stats.speed(50, 100, false), "time per op: half the ns/op");
    }

    @Test
    void oneRoundHasItsOwnErrorAsNoise() {
        Measure m = Stats.combine(List.of(0.8), List.of(0.05));
        assertEquals(0.8, m.value(), 1e-12);
        assertEquals(0.05, m.noise(), 1e-12);
        assertEquals(0.0, Stats.combine(List.of(0.8), List.of(Double.NaN)).noise());
    }

    @Test
    void roundsCombineAsAGeometricMeanWithStudentsInterval() {
        Measure m = Stats.combine(List.of(0.5, 2.0), List.of(Double.NaN, Double.NaN));
        assertEquals(1.0, m.value(), 1e-12, "geometric mean: 2x slower and 2x faster cancel");
        // logs -ln2, +ln2: s = ln2 * sqrt(2), half-width = 12.706 * s / sqrt(2) = 12.706 * ln2
        assertEquals(Math.expm1(12.706 * Math.log(2)), m.noise(), 1e-9);
        Measure same = Stats.combine(List.of(1.3, 1.3, 1.3), List.of(0.5, 0.5, 0.5));
        assertEquals(1.3, same.value(), 1e-12);
        assertEquals(0.0, same.noise(), 1e-12, "identical rounds: no spread");
        double[] ci = Stats.combine(List.of(0.9, 1.0, 1.1), List.of(0.0, 0.0, 0.0)).interval();
        assertTrue(ci[0] < 1 && ci[1] > 1);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Stats.combine(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Stats.combine(List.of(1.0), List.of()));
        assertThrows(IllegalArgumentException.class, () -> Stats.combine(List.of(0.0), List.of(0.0)));
        assertThrows(IllegalArgumentException.class, () -> Stats.combine(List.of(Double.NaN), List.of(0.0)));
        assertThrows(IllegalArgumentException.class, () -> Stats.t975(0));
        assertEquals(1.96, Stats.t975(1000));
    }

    @Test
    void relativeErrorOfIterations() {
        assertTrue(Double.isNaN(Stats.relativeError(List.of(5.0))));
        assertEquals(0.0, Stats.relativeError(List.of(5.0, 5.0, 5.0)));
        // mean 2, s = 1, k = 3: t(2) * 1 / sqrt(3) / 2
        assertEquals(4.303 / Math.sqrt(3) / 2, Stats.relativeError(List.of(1.0, 2.0, 3.0)), 1e-12);
        assertEquals(Math.hypot(0.3, 0.4), Stats.quotientError(0.3, 0.4), 1e-12);
    }

    @Test
    void verdictThresholdsAreSymmetricInLogSpace() {
        assertEquals(Verdict.SAME, Stats.verdict(1.0, 1.0, 0.1));
        assertEquals(Verdict.SAME, Stats.verdict(1 / 1.1 + 1e-9, 1.0, 0.1));
        assertEquals(Verdict.REGRESSION, Stats.verdict(1 / 1.1 - 1e-9, 1.0, 0.1));
        assertEquals(Verdict.SAME, Stats.verdict(1.1 - 1e-9, 1.0, 0.1));
        assertEquals(Verdict.IMPROVEMENT, Stats.verdict(1.1 + 1e-9, 1.0, 0.1));
        assertEquals(Verdict.REGRESSION, Stats.verdict(0.4, 0.8, 0.5), "relative to the baseline's ratio");
        Measure one = new Measure(1, 0.1, List.of(1.0));
        assertEquals(0.25, Stats.tolerance(0.1, one, new Measure(1, 0.15, List.of(1.0))), 1e-12, "one round: the noises add");
        assertEquals(0.1, Stats.tolerance(0.1, new Measure(1, 0.01, List.of(1.0)), new Measure(1, 0.02, List.of(1.0))), 1e-12,
                "never below the minimum");
        Measure flat = new Measure(1, 0, List.of(1.0, 1.0, 1.0));
        assertEquals(0.05, Stats.tolerance(0.05, flat, flat), 1e-12, "no spread: the minimum");
        // baseline logs {-l, 0, l}, now flat: a = l^2/3, b = 0, df = 2; half-width t(2) * l / sqrt(3)
        double l = Math.log(1.2);
        Measure spread = new Measure(1, 0, List.of(1 / 1.2, 1.0, 1.2));
        assertEquals(Math.expm1(4.303 * l / Math.sqrt(3)), Stats.tolerance(0.01, spread, flat), 1e-9);
        // both spread alike: a = b, df = 4; narrower than the sum of the two runs' own intervals
        double both = Stats.tolerance(0.01, spread, spread);
        assertEquals(Math.expm1(2.776 * Math.sqrt(2 * l * l / 3)), both, 1e-9);
        assertTrue(both < 2 * Math.expm1(4.303 * l / Math.sqrt(3)));
    }

    @Test
    void allocationCountsOnlyWhenItCrossesTheLimit() {
        assertEquals(Verdict.REGRESSION, Stats.allocationVerdict(16, 0.01, 1));
        assertEquals(Verdict.SAME, Stats.allocationVerdict(0.5, 0.01, 1));
        assertEquals(Verdict.SAME, Stats.allocationVerdict(96, 48, 1), "an allocating benchmark is not checked");
        assertEquals(Verdict.IMPROVEMENT, Stats.allocationVerdict(0.0, 48, 1));
    }

    @Test
    void theIntervalHoldsTheMeanAndNoiseIgnoresOrder() {
        qt().forAll(lists().of(doubles().between(0.01, 100)).ofSizeBetween(1, 12)).checkAssert(values -> {
            List<Double> errors = Collections.nCopies(values.size(), 0.01);
            Measure m = Stats.combine(values, errors);
            double min = Collections.min(values);
            double max = Collections.max(values);
            assertTrue(m.value() >= min * (1 - 1e-9) && m.value() <= max * (1 + 1e-9), "the mean lies between the rounds");
            assertTrue(m.noise() >= 0);
            List<Double> reversed = new java.util.ArrayList<>(values);
            Collections.reverse(reversed);
            assertEquals(m.noise(), Stats.combine(reversed, errors).noise(), 1e-9 * (1 + m.noise()));
            Measure scaled = Stats.combine(values.stream().map(v -> v * 3).toList(), errors);
            assertEquals(m.value() * 3, scaled.value(), 1e-9 * scaled.value());
            assertEquals(m.noise(), scaled.noise(), 1e-6 * (1 + m.noise()), "noise is relative");
        });
    }
}
