package mirage.benchmarks.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's errors (exit 2, one line naming the problem), A/B pairing and RESULT lines. */
class RegressTest {

    static int run(ByteArrayOutputStream err, String... args) {
        return new Regress(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void badUsageExitsTwoWithOneLine(@TempDir Path dir) throws IOException {
        Path suite = Files.writeString(dir.resolve("s.suite"), "ratio a A.b A.c\n");
        Map<List<String>, String> cases = Map.of(
                List.of(), "compare or ab expected",
                List.of("frob"), "unknown command 'frob'",
                List.of("compare", "--what"), "unknown option '--what'",
                List.of("compare", "--suite"), "--suite needs a value",
                List.of("compare", "--suite", suite.toString()), "--baseline is required",
                List.of("compare", "--suite", suite.toString(), "--baseline", dir.resolve("none.json").toString(), "--jar", "x.jar",
                        "--out", dir.toString()), "no baseline at",
                List.of("compare", "--suite", suite.toString(), "--baseline", "b", "--jar", "x", "--out", dir.toString(), "--rounds", "0"),
                "--rounds wants a positive number");
        cases.forEach((args, message) -> {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, run(err, args.toArray(String[]::new)), args.toString());
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("regress: ") && text.contains(message), text);
        });
        Path badSuite = Files.writeString(dir.resolve("bad.suite"), "ratio a\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "compare", "--suite", badSuite.toString(), "--baseline", "b", "--jar", "x", "--out", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("suite line 1"));
    }

    static JmhResult r(String method, double median) {
        return new JmhResult(method, Map.of(), "avgt", "ns/op", median, Double.NaN, List.of(median), Double.NaN);
    }

    @Test
    void abPairsRoundsAndLeavesOutWhatOneSideLacks() {
        List<List<JmhResult>> a = List.of(List.of(r("A.x", 100), r("A.old", 5)), List.of(r("A.x", 110), r("A.old", 5)));
        List<List<JmhResult>> b = List.of(List.of(r("A.x", 50)), List.of(r("A.x", 55)));
        List<Regress.AbRow> rows = Regress.abRows(a, b);
        assertEquals(1, rows.size());
        Regress.AbRow x = rows.getFirst();
        assertEquals("A.x", x.id().toString());
        assertEquals(105.0, x.a());
        assertEquals(52.5, x.b());
        assertEquals(2.0, x.speed().value(), 1e-12, "B takes half the time: twice as fast");
        assertEquals(0.0, x.speed().noise(), 1e-12);
    }

    @Test
    void numbersInTheAbTableHaveFourDigitsAndNoExponent() {
        assertEquals("16110", Report.number(16106.3));
        assertEquals("0.9101", Report.number(0.910149));
        assertEquals("1234000", Report.number(1_234_321));
        assertEquals("NaN", Report.number(Double.NaN));
    }

    @Test
    void theLastResultLineCounts() {
        assertEquals(Map.of("a", "2", "b", "x=y"), Runner.resultLine("noise\nRESULT a=1\nRESULT a=2 b=x=y junk\n"));
        assertEquals(Map.of(), Runner.resultLine("no result here\n"));
    }
}
