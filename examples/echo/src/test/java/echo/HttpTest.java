package echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpTest {
    static Http.Parsed parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Http.parse(b, b.length);
    }

    static Http.Request head(String s) {
        return assertInstanceOf(Http.Parsed.Head.class, parse(s)).request();
    }

    static int bad(String s) {
        return assertInstanceOf(Http.Parsed.Bad.class, parse(s)).status();
    }

    @Test
    void http11_keepsAliveByDefault_closesWhenAsked() {
        assertEquals(new Http.Request("GET", "/bytes/5", 1, true, false), head("GET /bytes/5 HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(false, head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").keepAlive());
    }

    @Test
    void http10_closesUnlessKeepAlive_andNeedsNoHost() {
        assertEquals(false, head("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertEquals(true, head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
    }

    @Test
    void bareLineFeeds_accepted_andLeadingEmptyLinesIgnored() {
        assertEquals("/", head("\r\nGET / HTTP/1.1\nHost: a\n\n").target());
    }

    @Test
    void incompleteHead_asksForMore_untilTheLimit() {
        assertInstanceOf(Http.Parsed.More.class, parse("GET / HTTP/1.1\r\nHost: a\r\n"));
        assertEquals(431, bad("GET / HTTP/1.1\r\nX: " + "a".repeat(Http.MAX_HEAD)));
    }

    @Test
    void malformedRequests_refusedWithTheRightStatus() {
        assertEquals(400, bad("GET / HTTP/1.1\r\n\r\n")); // no Host
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals(400, bad("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost : a\r\n\r\n")); // space before the colon
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"));
        assertEquals(400, bad("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(505, bad("GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
        assertEquals(400, bad("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    @Test
    void requestsWithBodies_answeredThenClosed() {
        Http.Request r = head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
        assertEquals(true, r.hasBody());
        assertEquals(false, r.keepAlive());
        assertEquals(405, Http.route(r).status());
    }

    @Test
    void routes() {
        assertEquals(200, Http.route(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).status());
        assertEquals(1234, Http.route(head("GET /bytes/1234 HTTP/1.1\r\nHost: a\r\n\r\n")).length());
        assertEquals(400, Http.route(head("GET /bytes/-3 HTTP/1.1\r\nHost: a\r\n\r\n")).status());
        assertEquals(400, Http.route(head("GET /bytes/99999999999999 HTTP/1.1\r\nHost: a\r\n\r\n")).status());
        assertEquals(404, Http.route(head("GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n")).status());
    }
}
