package mirage.benchmarks.regress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of JMH's JSON result file: a benchmark method with its parameters, its primary score
 * and, when the run had {@code -prof gc}, its allocation per operation.
 *
 * @param method        {@code Class.method} (the {@code mirage.benchmarks.} prefix taken off)
 * @param params        all of the row's parameters
 * @param mode          JMH's short mode name: {@code thrpt}, {@code avgt}, {@code sample}, {@code ss}
 * @param unit          the score's unit, e.g. {@code ns/op}
 * @param score         the primary score
 * @param error         JMH's 99.9% confidence half-width; {@code NaN} with fewer than two iterations
 * @param iterations    the measured iterations' scores, all forks
 * @param allocPerOp    {@code gc.alloc.rate.norm} in bytes per operation; {@code NaN} without {@code -prof gc}
 */
public record JmhResult(String method, Map<String, String> params, String mode, String unit, double score,
                        double error, List<Double> iterations, double allocPerOp) {

    public JmhResult {
        params = Map.copyOf(params);
        iterations = List.copyOf(iterations);
    }

    /**
     * The median of the measured iterations ({@link #score} when the row has none): what
     * {@code regress} compares, because on a shared machine one iteration slowed down by
     * another process moves the mean but not the median.
     */
    public double median() {
        if (iterations.isEmpty()) {
            return score;
        }
        double[] sorted = iterations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int k = sorted.length;
        return k % 2 == 1 ? sorted[k / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
    }

    /** Whether a larger score is better (throughput), as opposed to a time per operation. */
    public boolean higherIsBetter() {
        return mode.equals("thrpt");
    }

    /**
     * The rows of a JMH JSON result file. Throws {@link JsonException} when the text is not JSON
     * or a row lacks the benchmark's name, mode or primary score; optional members (parameters,
     * error, raw data, secondary metrics) may be missing.
     */
    public static List<JmhResult> parseAll(String json) {
        List<JmhResult> out = new ArrayList<>();
        for (Object row : Json.array(Json.parse(json), "a JMH result file")) {
            out.add(parse(Json.object(row, "a JMH result row")));
        }
        return out;
    }

    private static JmhResult parse(Map<String, Object> row) {
        String benchmark = Json.string(row.get("benchmark"), "'benchmark'");
        String method = benchmark.startsWith(BenchId.PACKAGE) ? benchmark.substring(BenchId.PACKAGE.length()) : benchmark;
        Map<String, String> params = new LinkedHashMap<>();
        if (row.get("params") != null) {
            Json.object(row.get("params"), "'params'").forEach((k, v) -> params.put(k, Json.string(v, "parameter " + k)));
        }
        Map<String, Object> primary = Json.object(row.get("primaryMetric"), "'primaryMetric'");
        double score = Json.number(primary.get("score"));
        if (Double.isNaN(score)) {
            throw new JsonException(benchmark + " has no score");
        }
        List<Double> iterations = new ArrayList<>();
        if (primary.get("rawData") != null) {
            for (Object fork : Json.array(primary.get("rawData"), "'rawData'")) {
                for (Object it : Json.array(fork, "a fork's raw data")) {
                    iterations.add(Json.number(it));
                }
            }
        }
        double alloc = Double.NaN;
        if (row.get("secondaryMetrics") != null) {
            Object norm = Json.object(row.get("secondaryMetrics"), "'secondaryMetrics'").get("gc.alloc.rate.norm");
            if (norm != null) {
                alloc = Json.number(Json.object(norm, "'gc.alloc.rate.norm'").get("score"));
            }
        }
        return new JmhResult(method, params, Json.string(row.get("mode"), "'mode'"),
                primary.get("scoreUnit") == null ? "" : Json.string(primary.get("scoreUnit"), "'scoreUnit'"),
                score, Json.number(primary.get("scoreError")), iterations, alloc);
    }
}
