package mirage.http.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import mirage.http.internal.engine.ChunkedDecoder;
import mirage.http.internal.wire.ResponseHead;

/**
 * Any bytes: the response head parser returns a head no longer than its input, asks for more,
 * or refuses; the chunked decoder consumes what it is given or refuses it; neither throws
 * anything else.
 */
class ResponseFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void head(byte[] data) {
        ResponseHead.Parsed p = ResponseHead.parse(data, 0, data.length, data.length % 2 == 0);
        if (p instanceof ResponseHead.Parsed.Head h) {
            assertTrue(h.length() > 0 && h.length() <= data.length && h.length() <= ResponseHead.MAX + 4);
            assertTrue(h.head().status() >= 100 && h.head().status() <= 599);
        }
        if (p instanceof ResponseHead.Parsed.More) {
            assertTrue(data.length < ResponseHead.MAX);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void chunked(byte[] data) {
        ChunkedDecoder d = new ChunkedDecoder();
        ByteBuffer in = ByteBuffer.wrap(data);
        long[] body = {0};
        try {
            d.feed(in, b -> {
                body[0] += b.remaining();
                b.position(b.limit());
            });
            assertTrue(!in.hasRemaining() || d.done(), "stops early only at the body's end");
            assertTrue(body[0] <= data.length);
        } catch (ChunkedDecoder.MalformedException e) {
            // refused, with a reason
        }
    }
}
