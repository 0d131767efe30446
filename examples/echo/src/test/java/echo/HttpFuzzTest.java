package echo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any bytes: the request parser returns a head no longer than its input, asks for more, or refuses; it never throws. */
class HttpFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) {
        Http.Parsed p = Http.parse(data, data.length);
        if (p instanceof Http.Parsed.Head h) {
            assertTrue(h.length() > 0 && h.length() <= data.length && h.length() <= Http.MAX_HEAD);
            Http.route(h.request()); // routing any parsed request is defined too
        }
        if (p instanceof Http.Parsed.More) {
            assertTrue(data.length < Http.MAX_HEAD);
        }
    }
}
