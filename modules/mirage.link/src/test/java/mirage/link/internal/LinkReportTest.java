package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;

/** The dead-code step's {@code _build/link-report.tsv}, as describe reads it. */
class LinkReportTest {
    static final String HEADER = "module\tclassesBefore\tbytesBefore\tclassesAfter\tbytesAfter\n";

    @Test
    void headerThenOneLinePerModule_withOrWithoutAFinalNewline_orCrLf() throws Exception {
        LinkReport r = LinkReport.parse(HEADER + "java.base\t7401\t29617657\t1200\t5000000\nhello\t3\t2048\t3\t2048");
        assertEquals(new LinkReport.Row(7401, 29617657, 1200, 5000000), r.rows().get("java.base"));
        assertEquals(new LinkReport.Row(3, 2048, 3, 2048), r.rows().get("hello"));
        assertEquals(r, LinkReport.parse(r.encode()));
        assertEquals(r, LinkReport.parse(r.encode().replace("\n", "\r\n")));
        assertEquals(Map.of(), LinkReport.parse(HEADER).rows());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| line 1: not the header",
        "module\\tclasses\\n| line 1: not the header",
        "HEADER hello\\t1\\t2\\t3\\n| line 2: 4 fields, not 5",
        "HEADER hello\\t1\\t2\\t3\\t4\\t5\\n| line 2: 6 fields, not 5",
        "HEADER hello\\t-1\\t2\\t3\\t4\\n| line 2: '-1' is not a count",
        "HEADER hello\\t1e3\\t2\\t3\\t4\\n| line 2: '1e3' is not a count",
        "HEADER hello\\t1\\t1000000000000000000\\t3\\t4\\n| line 2: '1000000000000000000' is not a count",
        "HEADER hello\\t1\\t\\t3\\t4\\n| line 2: '' is not a count",
        "HEADER 1hello\\t1\\t2\\t3\\t4\\n| line 2: '1hello' is not a module name",
        "HEADER a..b\\t1\\t2\\t3\\t4\\n| line 2: 'a..b' is not a module name",
        "HEADER \\t1\\t2\\t3\\t4\\n| line 2: '' is not a module name",
        "HEADER a\\t1\\t2\\t3\\t4\\n\\n| line 3: 1 fields, not 5",
        "HEADER a\\t1\\t2\\t3\\t4\\na\\t1\\t2\\t3\\t4\\n| line 3: module a appears twice",
    })
    void malformedReports_areRefused_namingTheLine(String text, String message) {
        String report = text.replace("HEADER ", HEADER).replace("\\t", "\t").replace("\\n", "\n");
        LinkException e = assertThrows(LinkException.class, () -> LinkReport.parse(report));
        assertTrue(e.getMessage().startsWith(LinkReport.FILE + " " + message), e.getMessage());
    }

    @Test
    void anOverlongReport_isRefused() {
        assertThrows(LinkException.class, () -> LinkReport.parse(HEADER + "x".repeat(LinkReport.MAX_LENGTH)));
    }

    static Gen<LinkReport> reports() {
        Gen<String> names = lists().of(integers().between(0, 25)).ofSizeBetween(1, 3)
                .map(parts -> {
                    StringBuilder b = new StringBuilder();
                    for (int p : parts) {
                        b.append(b.isEmpty() ? "" : ".").append((char) ('a' + p)).append(p);
                    }
                    return b.toString();
                });
        Gen<LinkReport.Row> rows = longs().between(0, 999_999_999_999_999_999L)
                .zip(longs().between(0, 999_999_999_999_999_999L), longs().between(0, 1_000_000),
                        longs().between(0, Long.MAX_VALUE / 10_000), (a, b, c, d) -> new LinkReport.Row(a, b, c, d % 1_000_000_000L));
        return lists().of(names.zip(rows, Map::entry)).ofSizeBetween(0, 40).map(entries -> {
            TreeMap<String, LinkReport.Row> m = new TreeMap<>();
            entries.forEach(e -> m.put(e.getKey(), e.getValue()));
            return new LinkReport(m);
        });
    }

    @Test
    void encodeParse_roundTrips() {
        qt().forAll(reports()).checkAssert(r -> {
            try {
                assertEquals(r, LinkReport.parse(r.encode()));
            } catch (LinkException e) {
                throw new AssertionError(r.encode(), e);
            }
        });
    }
}
