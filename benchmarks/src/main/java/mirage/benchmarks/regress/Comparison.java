package mirage.benchmarks.regress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mirage.benchmarks.regress.Stats.Measure;
import mirage.benchmarks.regress.Stats.Verdict;

/**
 * A suite's results over rounds held against a baseline: one {@link Row} per entry. Pure: the
 * measurements come in as values, so every rule here is tested without running JMH.
 */
public final class Comparison {

    private Comparison() {
    }

    /**
     * What one round measured.
     *
     * @param jmh     every JMH row of the round
     * @param process each whole-process command's RESULT line, key to value
     */
    public record Round(List<JmhResult> jmh, Map<String, Map<String, String>> process) {

        public Round {
            jmh = List.copyOf(jmh);
            process = Map.copyOf(process);
        }
    }

    /**
     * One entry's outcome.
     *
     * @param entry      the suite's entry
     * @param now        this run's value (a speed ratio, or the largest bytes/op of any round); null if missing
     * @param unit       {@code x} for ratios, {@code B/op} for allocation
     * @param baseline   the stored value, null if the baseline has none
     * @param tolerance  relative change that counts (ratios), or the bytes/op limit (zero)
     * @param verdict    what the comparison found; null with {@code problem}
     * @param problem    why the entry could not be measured, null if it was
     */
    public record Row(Suite.Entry entry, Measure now, String unit, Baseline.Stored baseline, double tolerance,
                      Verdict verdict, String problem) {

        /** Whether this row makes the run fail: a regression, or an entry that could not be measured. */
        public boolean fails() {
            return problem != null || verdict == Verdict.REGRESSION;
        }

        /** now / baseline - 1, NaN without both. */
        public double change() {
            return now == null || baseline == null ? Double.NaN : now.value() / baseline.value() - 1;
        }
    }

    /** Every entry of {@code suite} measured over {@code rounds} and compared with {@code baseline} (may be null). */
    public static List<Row> evaluate(Suite suite, List<Round> rounds, Baseline baseline) {
        List<Row> rows = new ArrayList<>();
        for (Suite.Entry e : suite.entries()) {
            Baseline.Stored stored = baseline == null ? null : baseline.entries().get(e.name());
            try {
                rows.add(evaluate(e, rounds, stored));
            } catch (IllegalStateException | IllegalArgumentException ex) {
                // not measured, or measured as 0 or infinity (a score no ratio can be taken of)
                rows.add(new Row(e, null, "", stored, Double.NaN, null, ex.getMessage()));
            }
        }
        return rows;
    }

    private static Row evaluate(Suite.Entry e, List<Round> rounds, Baseline.Stored stored) {
        switch (e) {
            case Suite.Ratio r -> {
                List<Double> values = new ArrayList<>();
                List<Double> errors = new ArrayList<>();
                for (Round round : rounds) {
                    JmhResult s = find(round.jmh(), r.subject());
                    JmhResult ref = find(round.jmh(), r.reference());
                    if (!s.mode().equals(ref.mode())) {
                        throw new IllegalStateException(r.subject() + " is " + s.mode() + " but " + r.reference() + " is " + ref.mode());
                    }
                    values.add(Stats.speed(s.median(), ref.median(), s.higherIsBetter()));
                    errors.add(Stats.quotientError(Stats.relativeError(s.iterations()), Stats.relativeError(ref.iterations())));
                }
                return ratioRow(e, Stats.combine(values, errors), stored, r.tolerance());
            }
            case Suite.Process p -> {
                List<Double> values = new ArrayList<>();
                List<Double> errors = new ArrayList<>();
                for (Round round : rounds) {
                    Map<String, String> result = round.process().get(p.command());
                    if (result == null) {
                        throw new IllegalStateException("'" + p.command() + "' gave no RESULT line");
                    }
                    values.add(Stats.speed(positive(result, p.subjectKey(), p), positive(result, p.referenceKey(), p), false));
                    errors.add(Double.NaN);
                }
                return ratioRow(e, Stats.combine(values, errors), stored, p.tolerance());
            }
            case Suite.Zero z -> {
                List<Double> values = new ArrayList<>();
                double max = 0;
                for (Round round : rounds) {
                    double alloc = find(round.jmh(), z.bench()).allocPerOp();
                    if (Double.isNaN(alloc)) {
                        throw new IllegalStateException(z.bench() + " has no gc.alloc.rate.norm (run without -prof gc?)");
                    }
                    values.add(alloc);
                    max = Math.max(max, alloc);
                }
                Measure now = new Measure(max, 0, values);
                Verdict v = stored == null ? Verdict.NEW : Stats.allocationVerdict(max, stored.value(), z.limit());
                return new Row(e, now, "B/op", stored, z.limit(), v, null);
            }
        }
    }

    private static Row ratioRow(Suite.Entry e, Measure now, Baseline.Stored stored, double minimum) {
        if (stored == null) {
            return new Row(e, now, "x", null, minimum, Verdict.NEW, null);
        }
        double tolerance = Stats.tolerance(minimum, new Measure(stored.value(), stored.noise(), stored.rounds()), now);
        return new Row(e, now, "x", stored, tolerance, Stats.verdict(now.value(), stored.value(), tolerance), null);
    }

    private static double positive(Map<String, String> result, String key, Suite.Process p) {
        String v = result.get(key);
        if (v == null) {
            throw new IllegalStateException("'" + p.command() + "' gave no " + key);
        }
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalStateException("'" + p.command() + "' gave " + key + "=" + v + ", not a positive number");
    }

    /** The one row of {@code results} that {@code id} names; throws {@link IllegalStateException} for none or several. */
    public static JmhResult find(List<JmhResult> results, BenchId id) {
        JmhResult found = null;
        for (JmhResult r : results) {
            if (id.matches(r.method(), r.params())) {
                if (found != null) {
                    throw new IllegalStateException(id + " matches more than one result (" + found.params() + ", " + r.params() + "): name its parameters");
                }
                found = r;
            }
        }
        if (found == null) {
            throw new IllegalStateException(id + " was not measured");
        }
        return found;
    }

    /** The baseline {@code --update} writes for these rows (rows that could not be measured are left out). */
    public static Baseline toBaseline(List<Row> rows, Map<String, Object> about) {
        Map<String, Baseline.Stored> entries = new LinkedHashMap<>();
        for (Row row : rows) {
            if (row.now() == null) {
                continue;
            }
            String kind = switch (row.entry()) {
                case Suite.Ratio r -> "ratio";
                case Suite.Zero z -> "zero";
                case Suite.Process p -> "process";
            };
            entries.put(row.entry().name(), new Baseline.Stored(kind, row.now().value(), row.now().noise(), row.now().rounds()));
        }
        return new Baseline(about, entries);
    }
}
