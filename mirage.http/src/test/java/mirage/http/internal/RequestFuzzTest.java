package mirage.http.internal;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.Handler;
import mirage.http.HttpServer;
import mirage.http.Response;
import mirage.http.ServerOptions;
import mirage.http.internal.wire.RequestHead;
import mirage.http.internal.wire.ResponseHead;

/**
 * Any bytes: the request head parser returns a bounded head, asks for more, or refuses, and never
 * throws; the whole server, fed the bytes in two pieces, ends, and every byte it writes is a
 * sequence of well-formed responses.
 */
class RequestFuzzTest {
    static final int MAX = 512;

    @FuzzTest(maxDuration = "10s")
    void head(byte[] data) {
        RequestHead.Parsed p = RequestHead.parse(data, 0, data.length, MAX);
        if (p instanceof RequestHead.Parsed.Head h) {
            assertTrue(h.length() > 0 && h.length() <= data.length && h.length() <= MAX);
            assertTrue(h.head().contentLength() >= 0);
        }
        if (p instanceof RequestHead.Parsed.More) {
            assertTrue(data.length < MAX);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void server(byte[] data) throws FlowException {
        int cut = data.length == 0 ? 0 : (data[0] & 0xff) % data.length;
        Flow.Pair p = Flow.pipe(1 << 20);
        p.left().write(ByteBuffer.wrap(data, 0, cut));
        p.left().write(ByteBuffer.wrap(data, cut, data.length - cut));
        p.left().shutdown(Flow.Direction.WRITE);
        Handler h = r -> Response.text(200, "OK", r.method() + " " + r.body().readAll().length);
        try {
            HttpServer.serve(p.right(), ServerOptions.DEFAULT.withMaxHeadBytes(MAX).withMaxBodyBytes(4096), h);
        } catch (FlowException e) {
            throw new AssertionError("a client's bytes are answered, not thrown", e);
        }
        p.right().shutdown(Flow.Direction.WRITE);
        ByteBuffer out = ByteBuffer.allocate(1 << 20);
        while (p.left().read(out) != Flow.EOF) {
            // all of it
        }
        byte[] b = out.array();
        int at = 0;
        while (at < out.position()) {
            ResponseHead.Parsed.Head head = assertInstanceOf(ResponseHead.Parsed.Head.class,
                    ResponseHead.parse(b, at, out.position(), false), new String(b, 0, out.position(), StandardCharsets.ISO_8859_1));
            at += head.length() + (int) Math.max(0, head.head().contentLength());
        }
    }
}
