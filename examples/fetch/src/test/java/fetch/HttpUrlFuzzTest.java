package fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Any text: {@link HttpUrl#parse} returns a URL or throws {@code IllegalArgumentException} with a
 * one-line message starting {@code --url}, nothing else; a URL it returns, written again from
 * its parts, parses to the same.
 */
class HttpUrlFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void url(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        HttpUrl u;
        try {
            u = HttpUrl.parse(text);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().startsWith("--url"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            return;
        }
        assertTrue(u.target().startsWith("/") && u.port() >= 1 && u.port() <= 65535);
        assertEquals(u, HttpUrl.parse("http://" + u.hostHeader() + u.target()));
    }
}
