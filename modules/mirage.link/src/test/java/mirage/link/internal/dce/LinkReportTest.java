package mirage.link.internal.dce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class LinkReportTest {
    @Test
    void the_text_is_a_header_then_one_line_per_module_in_name_order() {
        LinkReport r = new LinkReport(List.of(new LinkReport.Row("mirage.core", 46, 86000, 45, 85000),
                new LinkReport.Row("java.base", 7392, 57000000, 4000, 52000000)));
        assertEquals("""
                module\tclassesBefore\tbytesBefore\tclassesAfter\tbytesAfter
                java.base\t7392\t57000000\t4000\t52000000
                mirage.core\t46\t86000\t45\t85000
                """, r.encode());
        assertEquals(r, LinkReport.parse(r.encode()));
    }

    @Test
    void what_is_not_a_report_is_refused_naming_the_line() {
        assertEquals("not a link report: the first line is not the header",
                assertThrows(IllegalArgumentException.class, () -> LinkReport.parse("module\tclasses\n")).getMessage());
        assertEquals("link report line 2: expected 5 fields, not 3", assertThrows(IllegalArgumentException.class,
                () -> LinkReport.parse(LinkReport.HEADER + "\nx\t1\t2\n")).getMessage());
        assertEquals("link report line 2: counts of x are not a removal: 1 2 3 4", assertThrows(IllegalArgumentException.class,
                () -> LinkReport.parse(LinkReport.HEADER + "\nx\t1\t2\t3\t4\n")).getMessage());
    }

    @Test
    void any_report_reads_back_as_itself() {
        qt().forAll(rows()).checkAssert(rows -> {
            LinkReport r = new LinkReport(rows);
            assertEquals(r, LinkReport.parse(r.encode()));
        });
    }

    private static Gen<List<LinkReport.Row>> rows() {
        Gen<LinkReport.Row> row = integers().between(0, 10_000).zip(longs().between(0, 1L << 40),
                integers().between(0, 99), (classes, bytes, keep) -> new LinkReport.Row("m" + classes + "." + bytes,
                        classes, bytes, classes * keep / 100, bytes * keep / 100));
        return lists().of(row).ofSizeBetween(0, 8).map(l -> l.stream()
                .collect(java.util.stream.Collectors.toMap(LinkReport.Row::module, x -> x, (a, b) -> a))
                .values().stream().toList());
    }
}
