package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import mirage.core.spi.Manifest;
import mirage.core.spi.ManifestException;

class ManifestFuzzTest {

    /** Any text: parses to a manifest that re-encodes to the same text, or is refused with a ManifestException. */
    @FuzzTest(maxDuration = "10s")
    void parse(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        Manifest m;
        try {
            m = Manifest.parse(text);
        } catch (ManifestException e) {
            assertTrue(e.line() >= 1, "line is 1-based");
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line: " + e.getMessage());
            return;
        }
        assertEquals(text, m.encode());
        assertTrue(m.devices().size() <= Manifest.MAX_DEVICES);
    }
}
