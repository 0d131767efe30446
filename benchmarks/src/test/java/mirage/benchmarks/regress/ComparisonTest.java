package mirage.benchmarks.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mirage.benchmarks.regress.Comparison.Round;
import mirage.benchmarks.regress.Comparison.Row;
import mirage.benchmarks.regress.Stats.Verdict;
import org.junit.jupiter.api.Test;

/** A suite's measured rounds against a baseline, and the baseline --update writes, without running JMH. */
class ComparisonTest {

    static final Suite SUITE = Suite.parse("""
            ratio tls  TlsBench.handshake1_3(impl=mirage) TlsBench.handshake1_3(impl=jdk) tolerance=0.1
            ratio time NetEngineBench.receive(payloadBytes=64) NetEngineBench.send(payloadBytes=64)
            zero  alloc NetEngineBench.receive(payloadBytes=64)
            process start mirage_ms floor_ms -- ./start-time.sh
            """);

    static JmhResult row(String method, Map<String, String> params, String mode, double score, double alloc) {
        return new JmhResult(method, params, mode, mode.equals("thrpt") ? "ops/s" : "ns/op", score, Double.NaN,
                List.of(score * 0.99, score, score * 1.01), alloc);
    }

    /** One round: mirage at {@code tls} of SunJSSE's handshakes/s, receive at 1/{@code time} of send's speed. */
    static Round round(double tls, double time, double alloc, double startRatio) {
        return new Round(List.of(
                row("TlsBench.handshake1_3", Map.of("impl", "mirage"), "thrpt", 1000 * tls, Double.NaN),
                row("TlsBench.handshake1_3", Map.of("impl", "jdk"), "thrpt", 1000, Double.NaN),
                row("NetEngineBench.receive", Map.of("payloadBytes", "64"), "avgt", 300 * time, alloc),
                row("NetEngineBench.send", Map.of("payloadBytes", "64"), "avgt", 300, 0.002)),
                Map.of("./start-time.sh", Map.of("mirage_ms", Double.toString(100 * startRatio), "floor_ms", "100")));
    }

    static Baseline baseline() {
        List<Row> rows = Comparison.evaluate(SUITE, List.of(round(0.8, 2, 0.003, 1.2), round(0.82, 2.02, 0.002, 1.21),
                round(0.79, 1.98, 0.004, 1.19)), null);
        rows.forEach(r -> assertEquals(Verdict.NEW, r.verdict()));
        return Comparison.toBaseline(rows, Map.of("suite", "test"));
    }

    static Map<String, Row> byName(List<Row> rows) {
        Map<String, Row> m = new LinkedHashMap<>();
        rows.forEach(r -> m.put(r.entry().name(), r));
        return m;
    }

    @Test
    void theBaselineHoldsRatiosOrientedSoThatLargerIsFaster() {
        Baseline b = baseline();
        assertEquals(0.803, b.entries().get("tls").value(), 0.001, "thrpt: mirage / jdk");
        assertEquals(0.5, b.entries().get("time").value(), 0.01, "avgt: send's ns over receive's ns");
        assertEquals(1 / 1.2, b.entries().get("start").value(), 0.01, "floor ms over mirage ms");
        assertEquals(0.004, b.entries().get("alloc").value(), 1e-12, "the largest round");
        assertEquals("zero", b.entries().get("alloc").kind());
        assertEquals(3, b.entries().get("tls").rounds().size());
    }

    @Test
    void anUnchangedRunPasses() {
        List<Row> rows = Comparison.evaluate(SUITE, List.of(round(0.81, 2.01, 0.003, 1.2), round(0.8, 1.99, 0.001, 1.2)), baseline());
        rows.forEach(r -> assertEquals(Verdict.SAME, r.verdict(), r.entry().name()));
        assertFalse(rows.stream().anyMatch(Row::fails));
    }

    @Test
    void aSlowerSubjectAndANewAllocationFail() {
        Map<String, Row> rows = byName(Comparison.evaluate(SUITE,
                List.of(round(0.6, 3, 48, 1.5), round(0.61, 3.02, 48, 1.51), round(0.59, 2.98, 48, 1.49)), baseline()));
        assertEquals(Verdict.REGRESSION, rows.get("tls").verdict());
        assertEquals(-0.25, rows.get("tls").change(), 0.01);
        assertEquals(Verdict.REGRESSION, rows.get("time").verdict());
        assertEquals(Verdict.REGRESSION, rows.get("alloc").verdict());
        assertEquals(Verdict.REGRESSION, rows.get("start").verdict());
        assertTrue(rows.values().stream().allMatch(Row::fails));
    }

    @Test
    void aFasterSubjectIsReportedNotFailed() {
        Map<String, Row> rows = byName(Comparison.evaluate(SUITE, List.of(round(1.2, 1, 0.001, 1.0), round(1.21, 1.01, 0.001, 1.0)), baseline()));
        assertEquals(Verdict.IMPROVEMENT, rows.get("tls").verdict());
        assertEquals(Verdict.IMPROVEMENT, rows.get("time").verdict());
        assertFalse(rows.get("tls").fails());
    }

    @Test
    void noiseWidensTheTolerance() {
        // rounds 0.6 and 1.0 (mean 0.77, -4% from the baseline) with t(1) = 12.7: too noisy to call
        Row tls = byName(Comparison.evaluate(SUITE, List.of(round(0.6, 2, 0, 1.2), round(1.0, 2, 0, 1.2)), baseline())).get("tls");
        assertEquals(Verdict.SAME, tls.verdict());
        assertTrue(tls.tolerance() > 1, "tolerance " + tls.tolerance());
    }

    @Test
    void whatWasNotMeasuredFailsWithAReason() {
        Round missing = new Round(round(0.8, 2, 0.001, 1.2).jmh().subList(0, 1), Map.of("./start-time.sh", Map.of("floor_ms", "100")));
        Map<String, Row> rows = byName(Comparison.evaluate(SUITE, List.of(missing), baseline()));
        assertEquals("TlsBench.handshake1_3(impl=jdk) was not measured", rows.get("tls").problem());
        assertEquals("'./start-time.sh' gave no mirage_ms", rows.get("start").problem());
        assertTrue(rows.get("alloc").problem().contains("not measured"));
        rows.values().forEach(r -> assertTrue(r.fails()));
        assertNull(rows.get("tls").verdict());
        Baseline partial = Comparison.toBaseline(List.copyOf(rows.values()), Map.of());
        assertTrue(partial.entries().isEmpty(), "unmeasured rows are not stored");

        Round noGc = new Round(List.of(row("NetEngineBench.receive", Map.of("payloadBytes", "64"), "avgt", 1, Double.NaN)), Map.of());
        assertTrue(Comparison.evaluate(SUITE, List.of(noGc), null).get(2).problem().contains("-prof gc"));
        Round ambiguous = new Round(List.of(row("TlsBench.handshake1_3", Map.of("impl", "mirage", "suite", "A"), "thrpt", 1, Double.NaN),
                row("TlsBench.handshake1_3", Map.of("impl", "mirage", "suite", "B"), "thrpt", 1, Double.NaN)), Map.of());
        assertTrue(Comparison.evaluate(SUITE, List.of(ambiguous), null).get(0).problem().contains("more than one"));
        Round zero = new Round(List.of(row("TlsBench.handshake1_3", Map.of("impl", "mirage"), "thrpt", 0, Double.NaN),
                row("TlsBench.handshake1_3", Map.of("impl", "jdk"), "thrpt", 1000, Double.NaN)), Map.of());
        assertTrue(Comparison.evaluate(SUITE, List.of(zero), null).get(0).problem().contains("not a positive finite value"));
        Round bad = new Round(List.of(), Map.of("./start-time.sh", Map.of("mirage_ms", "-1", "floor_ms", "100")));
        assertTrue(Comparison.evaluate(SUITE, List.of(bad), null).get(3).problem().contains("not a positive number"));
    }

    @Test
    void baselinesReadBackAsWritten() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            Map<String, Baseline.Stored> entries = new LinkedHashMap<>();
            for (int i = r.nextInt(6); i > 0; i--) {
                List<Double> rounds = new ArrayList<>();
                for (int k = r.nextInt(1, 5); k > 0; k--) {
                    rounds.add(r.nextDouble(0.001, 1000));
                }
                entries.put(JsonPropertyTest.text(r) + i, new Baseline.Stored(List.of("ratio", "zero", "process").get(r.nextInt(3)),
                        r.nextDouble(0.001, 1000), r.nextDouble(0, 5), rounds));
            }
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("suite", JsonPropertyTest.text(r));
            about.put("cores", (double) r.nextInt(1, 64));
            about.put("load", List.of(r.nextDouble(), "x"));
            Baseline b = new Baseline(about, entries);
            assertEquals(b, Baseline.parse(b.toJson()));
        });
    }
}
