package mirage.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/** The server on scripted clients: what it answers, how it writes, when it closes. */
class ServerTest {
    static final String GET = "GET /x HTTP/1.1\r\nHost: h\r\n\r\n";

    /** Answers {@code ok:<method> <target> <body>} with the body read whole. */
    static final Handler ECHO = r -> Response.text(200, "OK",
            "ok:" + r.method() + " " + r.target() + " " + new String(r.body().readAll(), StandardCharsets.ISO_8859_1));

    static ScriptedFlow serve(Handler h, ServerOptions o, String... pieces) throws FlowException {
        ScriptedFlow f = ScriptedFlow.of(pieces);
        HttpServer.serve(f, o, h);
        return f;
    }

    static ScriptedFlow serve(Handler h, String... pieces) throws FlowException {
        return serve(h, ServerOptions.DEFAULT, pieces);
    }

    static List<String> statuses(String out) {
        List<String> s = new ArrayList<>();
        for (String part : out.split("(?=HTTP/1.1 )")) {
            if (!part.isEmpty()) {
                s.add(part.substring(9, 12));
            }
        }
        return s;
    }

    @Test
    void oneRequest_oneWritevOfHeadAndBody_thenTheClientsEndIsAnswered() throws Exception {
        ScriptedFlow f = serve(ECHO, GET);
        String out = f.output();
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\nServer: mirage-java\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 10\r\n\r\nok:GET /x "), out);
        assertFalse(out.contains("Connection: close"), out);
        assertEquals(List.of("writev " + (out.length() - 10) + "+10", "shutdown WRITE"), f.writes());
    }

    @Test
    void pipelinedRequests_answeredInOrder_corkedUntilAllReadAreAnswered() throws Exception {
        ScriptedFlow f = serve(ECHO, GET + GET.replace("/x", "/y") + GET.replace("/x", "/z"), GET.replace("/x", "/w"));
        String out = f.output();
        assertEquals(List.of("200", "200", "200", "200"), statuses(out));
        assertTrue(out.indexOf("ok:GET /x") < out.indexOf("ok:GET /y") && out.indexOf("ok:GET /y") < out.indexOf("ok:GET /z"));
        List<String> w = f.writes();
        assertEquals("cork", w.get(1), w.toString());
        assertEquals("uncork", w.get(4), "uncorked once the three read are answered, before reading on: " + w);
        assertTrue(w.get(5).startsWith("writev "), "the fourth, alone, uncorked: " + w);
    }

    @Test
    void aLongBodyInPieces_corkedWithItsHead() throws Exception {
        byte[] piece = new byte[1000];
        Handler h = r -> new Response(200, "OK", Headers.EMPTY, new Content.Sized(3000, sink -> {
            for (int i = 0; i < 3; i++) {
                sink.write(ByteBuffer.wrap(piece));
            }
        }));
        ScriptedFlow f = serve(h, GET);
        List<String> w = f.writes();
        assertEquals("cork", w.get(0));
        assertTrue(w.get(1).matches("writev \\d+\\+1000"), w.toString());
        assertEquals(List.of("write 1000", "write 1000", "uncork"), w.subList(2, 5));
        assertTrue(f.output().contains("Content-Length: 3000\r\n"));
    }

    @Test
    void aSizedBodyInOnePiece_isOneWritev() throws Exception {
        Handler h = r -> new Response(200, "OK", Headers.EMPTY, new Content.Sized(5, sink -> sink.write(ByteBuffer.wrap("hello".getBytes()))));
        ScriptedFlow f = serve(h, GET);
        assertTrue(f.writes().get(0).matches("writev \\d+\\+5"), f.writes().toString());
        assertTrue(f.output().endsWith("\r\n\r\nhello"));
    }

    @Test
    void aSizedBodyShorterThanItsLength_endsTheConnection() throws Exception {
        Handler h = r -> new Response(200, "OK", Headers.EMPTY, new Content.Sized(10, sink -> sink.write(ByteBuffer.wrap("hi".getBytes()))));
        ScriptedFlow f = serve(h, GET + GET);
        assertEquals(List.of("200"), statuses(f.output()), "the second request is not served on a broken message");
        assertTrue(f.writes().contains("shutdown WRITE"));
    }

    @Test
    void head_getsTheHeadOnly_withTheLengthGetWouldHave() throws Exception {
        ScriptedFlow f = serve(ECHO, "HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertTrue(f.output().endsWith("Content-Length: 11\r\n\r\n"), f.output());
    }

    @Test
    void closeAsked_answeredWithConnectionClose_thenLingers() throws Exception {
        ScriptedFlow f = serve(ECHO, "GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", "late bytes", "more");
        assertTrue(f.output().contains("Connection: close\r\n"));
        List<String> w = f.writes();
        assertEquals("shutdown WRITE", w.get(w.size() - 1));
        assertTrue(f.ops.contains("timeout " + Timeouts.DEFAULT.linger()), f.ops.toString());
    }

    @Test
    void http10_closesUnlessKeepAlive() throws Exception {
        assertTrue(serve(ECHO, "GET / HTTP/1.0\r\n\r\n").output().contains("Connection: close"));
        ScriptedFlow f = serve(ECHO, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + GET);
        assertEquals(List.of("200", "200"), statuses(f.output()));
    }

    @Test
    void contentLengthBody_inPieces_readWhole_andTheNextRequestFollows() throws Exception {
        ScriptedFlow f = serve(ECHO, "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhel", "lo wo", "rld" + GET);
        String out = f.output();
        assertTrue(out.contains("ok:PUT /k hello world"), out);
        assertTrue(out.contains("ok:GET /x "), out);
    }

    @Test
    void chunkedBody_dechunked_extensionsAndTrailersIgnored() throws Exception {
        ScriptedFlow f = serve(ECHO, "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhel",
                "lo\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n" + GET);
        assertTrue(f.output().contains("ok:POST /c hello world"), f.output());
        assertEquals(List.of("200", "200"), statuses(f.output()));
    }

    @Test
    void unreadBody_droppedAndTheConnectionGoesOn() throws Exception {
        Handler h = r -> Response.text(200, "OK", "ignored");
        ScriptedFlow f = serve(h, "PUT /k HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd" + GET);
        assertEquals(List.of("200", "200"), statuses(f.output()));
        assertFalse(f.output().contains("Connection: close"));
    }

    @Test
    void expectContinue_answeredWhenTheBodyIsRead() throws Exception {
        ScriptedFlow f = serve(ECHO, "PUT /k HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", "hello");
        assertTrue(f.output().startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), f.output());
        assertTrue(f.output().contains("ok:PUT /k hello"));
    }

    @Test
    void expectContinue_notAnsweredWhenTheBodyIsNotRead_andTheConnectionCloses() throws Exception {
        Handler refuse = r -> Response.text(403, "Forbidden", "no");
        ScriptedFlow f = serve(refuse, "PUT /k HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        assertTrue(f.output().startsWith("HTTP/1.1 403 Forbidden\r\n"), f.output());
        assertTrue(f.output().contains("Connection: close"), "the body may still come: not a next request");
    }

    @Test
    void chunkedResponse_encoded_andRawForHttp10() throws Exception {
        Handler h = r -> new Response(200, "OK", Headers.EMPTY, new Content.Chunked(sink -> {
            sink.write(ByteBuffer.wrap("hello".getBytes()));
            sink.write(ByteBuffer.allocate(0));
            sink.write(ByteBuffer.wrap(" world".getBytes()));
        }));
        String out = serve(h, GET).output();
        assertTrue(out.contains("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), out);
        String old = serve(h, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").output();
        assertTrue(old.endsWith("Connection: close\r\n\r\nhello world"), old);
    }

    @Test
    void refusals_withTheirStatus_thenClose() throws Exception {
        ServerOptions small = ServerOptions.DEFAULT.withMaxBodyBytes(10).withMaxHeadBytes(100);
        assertEquals("431", statuses(serve(ECHO, small, "GET / HTTP/1.1\r\nX: " + "a".repeat(200)).output()).get(0));
        assertEquals("413", statuses(serve(ECHO, small, "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n").output()).get(0));
        assertEquals("413", statuses(serve(ECHO, small,
                "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n").output()).get(0));
        assertEquals("400", statuses(serve(ECHO, "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").output()).get(0));
        assertEquals("400", statuses(serve(ECHO, "GET / HTTP/1.1\r\n\r\n").output()).get(0));
        assertEquals("505", statuses(serve(ECHO, "GET / HTTP/2.0\r\nHost: h\r\n\r\n").output()).get(0));
        assertEquals("501", statuses(serve(ECHO, "PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").output()).get(0));
        assertEquals("417", statuses(serve(ECHO, "PUT / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n").output()).get(0));
        assertEquals("400", statuses(serve(ECHO, "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab").output()).get(0),
                "a body cut short by the client's end");
        ScriptedFlow f = serve(ECHO, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + GET);
        assertEquals(List.of("400"), statuses(f.output()), "nothing after a refusal is served");
        assertTrue(f.output().contains("Connection: close"));
    }

    @Test
    void aHandlerThatThrows_gets500_andTheConnectionCloses() throws Exception {
        ScriptedFlow f = serve(r -> {
            throw new IllegalStateException("bug");
        }, GET + GET);
        assertEquals(List.of("500"), statuses(f.output()));
    }

    @Test
    void idleTimeout_closesQuietly_headTimeout_408_bodyTimeout_408() throws Exception {
        ScriptedFlow idle = serve(ECHO, GET, null, GET);
        assertEquals(List.of("200"), statuses(idle.output()), "after an idle timeout nothing more is served");
        assertTrue(idle.ops.contains("timeout " + Timeouts.DEFAULT.idle()), idle.ops.toString());
        ScriptedFlow head = serve(ECHO, "GET / HTTP/1.1\r\nHo", null);
        assertEquals(List.of("408"), statuses(head.output()));
        assertTrue(head.ops.contains("timeout " + Timeouts.DEFAULT.head()), head.ops.toString());
        ScriptedFlow body = serve(ECHO, "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab", null);
        assertEquals(List.of("408"), statuses(body.output()));
        assertTrue(body.ops.contains("timeout " + Timeouts.DEFAULT.body()), body.ops.toString());
    }

    /** A clock that moves one second each time it is read: each read of the server one second apart. */
    static java.time.InstantSource ticking() {
        java.util.concurrent.atomic.AtomicLong seconds = new java.util.concurrent.atomic.AtomicLong();
        return () -> java.time.Instant.ofEpochSecond(seconds.getAndIncrement());
    }

    /**
     * Slowloris (issue 19 item 3): a head sent a byte a second is refused with 408 once the head
     * timeout has passed since its first byte, with each read's wait what is left of it; without
     * a clock each read's wait is the whole head timeout.
     */
    @Test
    void withClock_headTrickledAByteASecond_408AtTheHeadTimeout() throws Exception {
        String head = "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: " + "a".repeat(100) + "\r\n\r\n";
        String[] bytes = head.split("");
        ServerOptions o = ServerOptions.DEFAULT.withTimeouts(new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(2))).withClock(ticking());
        ScriptedFlow f = serve(ECHO, o, bytes);
        assertEquals(List.of("408"), statuses(f.output()));
        assertTrue(f.ops.contains("timeout PT9S"), "each wait is what is left of the head's 10 s: " + f.ops);
        assertTrue(f.ops.contains("timeout PT1S"), f.ops.toString());
        ScriptedFlow normal = serve(ECHO, o.withClock(ticking()), GET.substring(0, 5),
                GET.substring(5));
        assertEquals(List.of("200"), statuses(normal.output()), "a head in two reads, 1 s apart, is served");
    }

    @Test
    void aFlowWithoutTimeouts_isServedAlike() throws Exception {
        ScriptedFlow f = new ScriptedFlow(false, (GET + GET).getBytes(StandardCharsets.ISO_8859_1));
        HttpServer.serve(f, ECHO);
        assertEquals(List.of("200", "200"), statuses(f.output()));
        assertTrue(f.ops.stream().noneMatch(o -> o.startsWith("timeout")));
    }

    @Test
    void timeoutsNone_setsNoBound() throws Exception {
        ScriptedFlow f = serve(ECHO, ServerOptions.DEFAULT.withTimeouts(Timeouts.NONE), GET);
        assertEquals(List.of("timeout " + Duration.ZERO), f.ops.stream().filter(o -> o.startsWith("timeout")).distinct().toList());
    }
}
