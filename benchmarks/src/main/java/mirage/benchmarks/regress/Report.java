package mirage.benchmarks.regress;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mirage.benchmarks.regress.Comparison.Row;
import mirage.benchmarks.regress.Regress.AbRow;

/** The table {@code regress} prints and the JSON it writes beside it. */
final class Report {

    private Report() {
    }

    static void table(PrintStream out, String suite, Map<String, Object> about, List<Row> rows, Baseline baseline) {
        out.printf(Locale.ROOT, "%nregress: suite %s, %d round(s), JMH %s%n", suite, ((Double) about.get("rounds")).intValue(), about.get("jmh"));
        out.printf(Locale.ROOT, "  %d cores, load %s before, %s after (1/5/15 min)%n", ((Double) about.get("cores")).intValue(),
                about.get("loadBefore"), about.get("loadAfter"));
        if (baseline != null) {
            out.printf("  baseline: %s, commit %s, load %s..%s, JMH %s%n", baseline.about().get("recorded"),
                    baseline.about().get("commit"), baseline.about().get("loadBefore"), baseline.about().get("loadAfter"),
                    baseline.about().get("jmh"));
        }
        out.printf(Locale.ROOT, "%n%-26s %-7s %12s %8s %12s %8s %8s %9s  %s%n",
                "entry", "kind", "now", "+-", "baseline", "+-", "change", "tolerance", "verdict");
        for (Row r : rows) {
            String kind = kind(r.entry());
            if (r.problem() != null) {
                out.printf(Locale.ROOT, "%-26s %-7s %12s %8s %12s %8s %8s %9s  %s%n", r.entry().name(), kind, "-", "", "", "", "", "",
                        "NOT MEASURED: " + r.problem());
                continue;
            }
            boolean zero = r.entry() instanceof Suite.Zero;
            String now = zero ? String.format(Locale.ROOT, "%.3f B/op", r.now().value()) : String.format(Locale.ROOT, "%.3fx", r.now().value());
            String base = r.baseline() == null ? "-" : zero ? String.format(Locale.ROOT, "%.3f B/op", r.baseline().value())
                    : String.format(Locale.ROOT, "%.3fx", r.baseline().value());
            String noise = zero ? "" : String.format(Locale.ROOT, "%.1f%%", r.now().noise() * 100);
            String baseNoise = zero || r.baseline() == null ? "" : String.format(Locale.ROOT, "%.1f%%", r.baseline().noise() * 100);
            String change = zero || r.baseline() == null ? "" : Regress.percent(r.change());
            String tolerance = zero ? String.format(Locale.ROOT, "<%s B", trim(r.tolerance())) : String.format(Locale.ROOT, "%.1f%%", r.tolerance() * 100);
            out.printf(Locale.ROOT, "%-26s %-7s %12s %8s %12s %8s %8s %9s  %s%n", r.entry().name(), kind, now, noise, base, baseNoise,
                    change, tolerance, verdict(r));
        }
        out.println();
        out.println("  ratio/process: speed of the subject over its in-run reference (above 1: faster); +- is the 95%");
        out.println("  interval's relative half-width; a regression is a drop beyond the tolerance, the larger of the");
        out.println("  entry's minimum and the 95% interval of the difference of the two runs (Welch, over rounds).");
        out.println("  zero: largest gc.alloc.rate.norm of any round, checked against the limit.");
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String verdict(Row r) {
        return switch (r.verdict()) {
            case SAME -> "same";
            case REGRESSION -> r.entry() instanceof Suite.Zero ? "REGRESSION (allocates)" : "REGRESSION";
            case IMPROVEMENT -> r.entry() instanceof Suite.Zero ? "improved (no longer allocates)" : "improved";
            case NEW -> "new (not in the baseline)";
        };
    }

    static String kind(Suite.Entry e) {
        return switch (e) {
            case Suite.Ratio r -> "ratio";
            case Suite.Zero z -> "zero";
            case Suite.Process p -> "process";
        };
    }

    private static String detail(Suite.Entry e) {
        return switch (e) {
            case Suite.Ratio r -> r.subject() + " / " + r.reference();
            case Suite.Zero z -> z.bench().toString();
            case Suite.Process p -> p.subjectKey() + " / " + p.referenceKey() + " of " + p.command();
        };
    }

    static String json(Map<String, Object> about, List<Row> rows, boolean update) {
        Map<String, Object> root = new LinkedHashMap<>(about);
        root.put("update", update);
        List<Object> entries = new ArrayList<>();
        int failing = 0;
        for (Row r : rows) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", r.entry().name());
            e.put("kind", kind(r.entry()));
            e.put("measures", detail(r.entry()));
            if (r.problem() != null) {
                e.put("problem", r.problem());
            } else {
                e.put("value", r.now().value());
                e.put("noise", r.now().noise());
                e.put("rounds", new ArrayList<Object>(r.now().rounds()));
                e.put("tolerance", r.tolerance());
                e.put("verdict", r.verdict().name().toLowerCase(Locale.ROOT));
            }
            if (r.baseline() != null) {
                e.put("baseline", r.baseline().value());
                e.put("baselineNoise", r.baseline().noise());
                if (r.now() != null) {
                    e.put("change", r.change());
                }
            }
            if (r.fails()) {
                failing++;
            }
            entries.add(e);
        }
        root.put("entries", entries);
        root.put("failing", (double) failing);
        return Json.write(root) + "\n";
    }

    static void abTable(PrintStream out, Map<String, Object> about, List<AbRow> rows) {
        out.printf(Locale.ROOT, "%nregress --ab: A = %s, B = %s, %d round(s) alternating, JMH %s%n", about.get("a"), about.get("b"),
                ((Double) about.get("rounds")).intValue(), about.get("jmh"));
        out.printf(Locale.ROOT, "  %d cores, load %s before, %s after (1/5/15 min)%n%n", ((Double) about.get("cores")).intValue(),
                about.get("loadBefore"), about.get("loadAfter"));
        out.printf(Locale.ROOT, "%-58s %12s %12s %-8s %7s %17s %11s %11s  %s%n", "benchmark", "A", "B", "unit", "B/A", "95% interval",
                "A B/op", "B B/op", "");
        for (AbRow r : rows) {
            double[] ci = r.speed().interval();
            String verdict = ci[0] > 1 ? "B faster" : ci[1] < 1 ? "B SLOWER" : "same within the interval";
            out.printf(Locale.ROOT, "%-58s %12s %12s %-8s %6.3fx %8.3f..%-8.3f %11s %11s  %s%n", r.id(), number(r.a()), number(r.b()), r.unit(),
                    r.speed().value(), ci[0], ci[1], alloc(r.allocA()), alloc(r.allocB()), verdict);
        }
        out.println();
        out.println("  B/A: B's speed over A's (above 1: B faster; time scores inverted), geometric mean of the");
        out.println("  paired rounds; the interval is Student's t over the rounds (one round: over its iterations).");
    }

    /** Four significant digits, without an exponent. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String alloc(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String abJson(Map<String, Object> about, List<AbRow> rows) {
        Map<String, Object> root = new LinkedHashMap<>(about);
        List<Object> list = new ArrayList<>();
        for (AbRow r : rows) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("benchmark", r.id().toString());
            e.put("unit", r.unit());
            e.put("a", r.a());
            e.put("b", r.b());
            e.put("speed", r.speed().value());
            double[] ci = r.speed().interval();
            e.put("low", ci[0]);
            e.put("high", ci[1]);
            e.put("rounds", new ArrayList<Object>(r.speed().rounds()));
            e.put("allocA", r.allocA());
            e.put("allocB", r.allocB());
            list.add(e);
        }
        root.put("benchmarks", list);
        return Json.write(root) + "\n";
    }
}
