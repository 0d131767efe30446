package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any bytes as a Properties-format configuration file: without its comment and blank lines it
 * loads to the same properties (or is refused the same way), and stripping twice changes nothing more.
 */
class PropertiesTextFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void strip(byte[] data) {
        byte[] stripped = PropertiesText.withoutComments(data);
        assertEquals(PropertiesTextTest.load(new String(data, StandardCharsets.ISO_8859_1)),
                PropertiesTextTest.load(new String(stripped, StandardCharsets.ISO_8859_1)));
        assertArrayEquals(stripped, PropertiesText.withoutComments(stripped));
    }
}
