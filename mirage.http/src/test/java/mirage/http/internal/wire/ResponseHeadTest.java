package mirage.http.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {
    static ResponseHead.Parsed parse(String s, boolean toHead) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return ResponseHead.parse(b, 0, b.length, toHead);
    }

    static ResponseHead head(String s) {
        return assertInstanceOf(ResponseHead.Parsed.Head.class, parse(s, false)).head();
    }

    static void bad(String s) {
        assertInstanceOf(ResponseHead.Parsed.Bad.class, parse(s, false), s);
    }

    @Test
    void framing_asRfc9112Section6_3Says() {
        assertEquals(new ResponseHead("HTTP/1.1 200 OK", 200, mirage.http.Headers.of("Content-Length", "7"), Framing.LENGTH, 7),
                head("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n"));
        assertEquals(Framing.CHUNKED,
                head("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").framing(),
                "Transfer-Encoding overrides Content-Length");
        assertEquals(Framing.CLOSE, head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n").framing());
        assertEquals(Framing.CLOSE, head("HTTP/1.0 200 OK\n\n").framing());
        assertEquals(Framing.NONE, head("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n").framing());
        assertEquals(Framing.NONE, head("HTTP/1.1 100 Continue\r\n\r\n").framing());
        assertEquals(Framing.NONE, assertInstanceOf(ResponseHead.Parsed.Head.class,
                parse("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", true)).head().framing(), "a response to HEAD");
        assertEquals(7, head("HTTP/1.1 200 OK\r\nContent-Length: 7, 7\r\n\r\n").contentLength(), "identical values are one");
        assertEquals(200, head("HTTP/1.1 200\r\n\r\n").status(), "no reason phrase");
    }

    @Test
    void malformed_refusedWithAReason() {
        bad("HTTP/2 200 OK\r\n\r\n");
        bad("HTTP/1.1 20 OK\r\n\r\n");
        bad("HTTP/1.1 099 X\r\n\r\n");
        bad("HTTP/1.1 200OK\r\n\r\n");
        bad("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 8\r\n\r\n");
        bad("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
        bad("HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n");
        bad("HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n");
        bad("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n");
        bad("HTTP/1.1 200 OK\r\nName : v\r\n\r\n");
    }

    @Test
    void partialHead_asksForMore_untilTheBound() {
        assertInstanceOf(ResponseHead.Parsed.More.class, parse("HTTP/1.1 200 OK\r\nContent-Len", false));
        bad("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ResponseHead.MAX) + "\r\n\r\n");
    }

    @Test
    void anyContentLength_roundTrips_andTheHeadLengthIsExact() {
        qt().forAll(longs().between(0, 999_999_999_999_999_999L), integers().between(0, 3)).checkAssert((n, pad) -> {
            String text = "HTTP/1.1 200 OK\r\n" + "X-Pad: x\r\n".repeat(pad) + "Content-Length: " + n + "\r\n\r\n";
            ResponseHead.Parsed.Head h = assertInstanceOf(ResponseHead.Parsed.Head.class, parse(text + "body", false));
            assertEquals(n, h.head().contentLength());
            assertEquals(text.length(), h.length());
        });
    }
}
