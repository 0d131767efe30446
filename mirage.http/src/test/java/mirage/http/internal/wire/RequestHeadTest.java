package mirage.http.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import mirage.http.Headers;
import org.junit.jupiter.api.Test;

/** The request head parser on examples of RFC 9112's rules (those examples/echo and gitkv had, together). */
class RequestHeadTest {
    static final int MAX = 8192;

    static RequestHead.Parsed parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return RequestHead.parse(b, 0, b.length, MAX);
    }

    static RequestHead head(String s) {
        return assertInstanceOf(RequestHead.Parsed.Head.class, parse(s), s).head();
    }

    static int bad(String s) {
        return assertInstanceOf(RequestHead.Parsed.Bad.class, parse(s), s).status();
    }

    @Test
    void http11_keepsAliveByDefault_closesWhenAsked() {
        assertEquals(new RequestHead("GET", "/bytes/5", 1, Headers.of("Host", "a"), true, Framing.NONE, 0, false),
                head("GET /bytes/5 HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertFalse(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").persistent());
        assertFalse(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n").persistent());
    }

    @Test
    void http10_closesUnlessKeepAlive_andNeedsNoHost() {
        assertFalse(head("GET / HTTP/1.0\r\n\r\n").persistent());
        assertTrue(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").persistent());
        assertEquals(1, head("GET / HTTP/1.2\r\nHost: a\r\n\r\n").minorVersion(), "a later 1.x is answered as 1.1");
    }

    @Test
    void bareLineFeeds_accepted_leadingEmptyLinesIgnored_fieldsTrimmed() {
        RequestHead h = head("\r\n\nGET / HTTP/1.1\nHost: a\nX-Author:  Ann <a@b> \t\n\n");
        assertEquals("/", h.target());
        assertEquals(List.of(new Headers.Field("Host", "a"), new Headers.Field("X-Author", "Ann <a@b>")), h.headers().fields());
    }

    @Test
    void theHeadLength_isExact_andBytesAfterItAreNotTaken() {
        String h = "PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n";
        RequestHead.Parsed.Head p = assertInstanceOf(RequestHead.Parsed.Head.class, parse(h + "abcGET"));
        assertEquals(h.length(), p.length());
        assertEquals(Framing.LENGTH, p.head().framing());
        assertEquals(3, p.head().contentLength());
        byte[] two = ("xx" + h).getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(h.length(), ((RequestHead.Parsed.Head) RequestHead.parse(two, 2, two.length, MAX)).length(),
                "parsing from an offset");
    }

    @Test
    void incompleteHead_asksForMore_untilTheLimit() {
        assertInstanceOf(RequestHead.Parsed.More.class, parse("GET / HTTP/1.1\r\nHost: a\r\n"));
        assertInstanceOf(RequestHead.Parsed.More.class, parse(""));
        assertInstanceOf(RequestHead.Parsed.More.class, parse("\r\n\r\n\r"), "empty lines before a request are skipped");
        assertEquals(431, bad("GET / HTTP/1.1\r\nX: " + "a".repeat(MAX)));
        assertEquals(431, bad("GET / HTTP/1.1\r\nX: " + "a".repeat(MAX) + "\r\n\r\n"));
    }

    @Test
    void fieldCount_100Taken_101Refused431() {
        String hundred = "GET / HTTP/1.1\r\nHost: a\r\n" + "X: 1\r\n".repeat(RequestHead.MAX_FIELDS - 1) + "\r\n";
        assertInstanceOf(RequestHead.Parsed.Head.class, parse(hundred));
        assertEquals(431, bad("GET / HTTP/1.1\r\nHost: a\r\n" + "X: 1\r\n".repeat(RequestHead.MAX_FIELDS) + "\r\n"));
    }

    @Test
    void malformedRequests_refusedWithTheRightStatus() {
        assertEquals(400, bad("GET / HTTP/1.1\r\n\r\n")); // no Host
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals(400, bad("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost : a\r\n\r\n")); // space before the colon
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")); // obsolete line folding
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n")); // a bare CR in a value
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1234567890123456789\r\n\r\n"));
        assertEquals(505, bad("GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
        assertEquals(400, bad("GET / HTTP/1.10\r\nHost: a\r\n\r\n"));
        assertEquals(400, bad("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    @Test
    void transferCodings_onlyChunkedLast_neverWithContentLengthOrHttp10() {
        RequestHead h = head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
        assertEquals(Framing.CHUNKED, h.framing());
        assertEquals(501, bad("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
        assertEquals(400, bad("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"));
        assertEquals(400, bad("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"));
        assertEquals(400, bad("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }

    @Test
    void expectations_100ContinueOnlyWithABody_othersRefused() {
        assertTrue(head("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n").expectContinue());
        assertFalse(head("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").expectContinue(), "no body");
        assertFalse(head("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").expectContinue(),
                "an HTTP/1.0 client waits for nothing");
        assertEquals(417, bad("PUT / HTTP/1.1\r\nHost: a\r\nExpect: later\r\n\r\n"));
    }
}
