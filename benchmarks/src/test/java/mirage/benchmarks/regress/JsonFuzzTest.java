package mirage.benchmarks.regress;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** The JSON reader, JMH's result rows and the stored baseline on any text (the input as UTF-8): a value or a {@link JsonException}, nothing else. */
class JsonFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void json(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Json.parse(text);
        } catch (JsonException expected) {
            // the one failure allowed
        }
    }

    @FuzzTest(maxDuration = "10s")
    void jmhResults(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            JmhResult.parseAll(text);
        } catch (JsonException expected) {
            // the one failure allowed
        }
    }

    @FuzzTest(maxDuration = "10s")
    void baseline(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Baseline.parse(text);
        } catch (JsonException expected) {
            // the one failure allowed
        }
    }
}
