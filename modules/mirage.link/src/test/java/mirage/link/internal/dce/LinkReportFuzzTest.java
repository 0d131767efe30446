package mirage.link.internal.dce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

class LinkReportFuzzTest {

    /** Any text: a report that re-reads as itself, or an IllegalArgumentException of one line. */
    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        LinkReport r;
        try {
            r = LinkReport.parse(text);
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return;
        }
        assertEquals(r, LinkReport.parse(r.encode()));
    }
}
