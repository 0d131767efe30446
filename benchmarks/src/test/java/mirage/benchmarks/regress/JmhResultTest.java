package mirage.benchmarks.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JMH 1.37's JSON result files (two written by JMH on this project's benchmarks) read into rows. */
class JmhResultTest {

    static String resource(String name) throws IOException {
        try (InputStream in = JmhResultTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRowWithTheGcProfiler() throws IOException {
        List<JmhResult> rows = JmhResult.parseAll(resource("jmh-gc.json"));
        assertEquals(1, rows.size());
        JmhResult r = rows.getFirst();
        assertEquals("NetEngineBench.receive", r.method());
        assertEquals(Map.of("payloadBytes", "1472"), r.params());
        assertEquals("avgt", r.mode());
        assertEquals("ns/op", r.unit());
        assertFalse(r.higherIsBetter());
        assertEquals(606.0116025541193, r.score());
        assertTrue(Double.isNaN(r.error()), "one iteration: JMH writes \"NaN\"");
        assertEquals(List.of(606.0116025541193), r.iterations());
        assertEquals(0.004133723042970679, r.allocPerOp());
        assertTrue(BenchId.parse("NetEngineBench.receive(payloadBytes=1472)").matches(r.method(), r.params()));
        assertFalse(BenchId.parse("NetEngineBench.receive(payloadBytes=64)").matches(r.method(), r.params()));
    }

    @Test
    void aRowWithIterationsAndNoParameters() throws IOException {
        JmhResult r = JmhResult.parseAll(resource("jmh-iterations.json")).getFirst();
        assertEquals("RegressFixtureBench.reference", r.method());
        assertEquals(Map.of(), r.params());
        assertEquals(4195.8954414305645, r.error());
        assertEquals(5, r.iterations().size());
        assertEquals(7789.9149106124005, r.median(), "the middle of the five iterations");
        assertTrue(Double.isNaN(r.allocPerOp()), "no -prof gc");
    }

    @Test
    void medianOfAnEvenCountAndOfNone() {
        JmhResult even = new JmhResult("A.b", Map.of(), "thrpt", "ops/s", 9, Double.NaN, List.of(4.0, 1.0, 100.0, 2.0), Double.NaN);
        assertEquals(3.0, even.median());
        assertTrue(even.higherIsBetter());
        JmhResult none = new JmhResult("A.b", Map.of(), "avgt", "ns/op", 9, Double.NaN, List.of(), Double.NaN);
        assertEquals(9.0, none.median());
    }

    @Test
    void rowsWithoutWhatIsNeededAreRejected() {
        for (String bad : List.of("{}", "[1]", "[{}]", "[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\"}]",
                "[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"primaryMetric\":{\"score\":\"NaN\"}}]",
                "[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"primaryMetric\":{\"score\":true}}]",
                "[{\"benchmark\":\"a.B.c\",\"mode\":\"avgt\",\"params\":{\"x\":1},\"primaryMetric\":{\"score\":1}}]",
                "[{\"benchmark\":\"a.B.c\",\"primaryMetric\":{\"score\":1}}]")) {
            assertThrows(JsonException.class, () -> JmhResult.parseAll(bad), bad);
        }
        assertEquals(List.of(), JmhResult.parseAll("[]"));
    }
}
