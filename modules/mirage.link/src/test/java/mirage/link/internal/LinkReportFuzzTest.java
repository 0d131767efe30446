package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Any text: the link report parser returns a report that reads back the same, or refuses with a LinkException. */
class LinkReportFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) throws LinkException {
        LinkReport report;
        try {
            report = LinkReport.parse(new String(data, StandardCharsets.UTF_8));
        } catch (LinkException refused) {
            return;
        }
        assertEquals(report, LinkReport.parse(report.encode()));
    }
}
