package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any text as {@code aot-training.requests}: the parser returns only http URLs with a host and
 * no query, fragment or user, one per request line, each reading back the same; or refuses with
 * a LinkException naming the file.
 */
class TrainingRequestsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) throws Exception {
        List<String> lines = new String(data, StandardCharsets.UTF_8).lines().toList();
        List<URI> requests;
        try {
            requests = AotCache.trainingRequests("aot-training.requests", lines);
        } catch (LinkException refused) {
            assertTrue(refused.getMessage().startsWith("aot-training.requests line "), refused.getMessage());
            return;
        }
        long requestLines = lines.stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
        assertEquals(requestLines, requests.size());
        for (URI r : requests) {
            assertEquals("http", r.getScheme());
            assertNotNull(r.getHost());
            assertEquals(null, r.getRawQuery());
            assertEquals(null, r.getRawFragment());
            assertEquals(List.of(r), AotCache.trainingRequests("again", List.of(r.toString())));
        }
    }
}
