package gitkv;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Any bytes: the request parser returns a bounded head, asks for more, or refuses; it never throws. */
class KvHttpFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) {
        KvHttp.Parsed p = KvHttp.parse(data, data.length);
        if (p instanceof KvHttp.Parsed.Head h) {
            assertTrue(h.length() > 0 && h.length() <= data.length && h.length() <= KvHttp.MAX_HEAD);
            try {
                KvHttp.author(h.request().author());
            } catch (IllegalArgumentException e) {
                // an author the store refuses: answered 400 by handle
            }
        }
    }
}
