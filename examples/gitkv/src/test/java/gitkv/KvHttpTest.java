package gitkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.core.Flow;
import mirage.gitstore.Commit;
import mirage.gitstore.GitStore;
import org.junit.jupiter.api.Test;

/** gitkv's HTTP side over an in-memory pipe, against an in-memory store. */
class KvHttpTest {
    final GitStore store = GitStore.memory(fixedClock());

    static java.time.InstantSource fixedClock() {
        return () -> Instant.parse("2026-11-27T00:00:00Z");
    }

    /** Sends {@code requests} on one connection, half-closes, and returns everything answered. */
    String exchange(String requests) throws Exception {
        Flow.Pair p = Flow.pipe(1 << 16);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> server = pool.submit(() -> {
                KvHttp.serve(p.right(), store);
                return null;
            });
            p.left().write(ByteBuffer.wrap(requests.getBytes(StandardCharsets.ISO_8859_1)));
            p.left().shutdown(Flow.Direction.WRITE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (p.left().read(b.clear()) != Flow.EOF) {
                out.write(b.array(), 0, b.position());
            }
            server.get();
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void putGetDelete_eachWriteOneCommit_byTheAuthorNamed() throws Exception {
        String out = exchange("PUT /kv/a/b HTTP/1.1\r\nHost: s\r\nX-Author: Ann <ann@example.com>\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /kv/a/b HTTP/1.1\r\nHost: s\r\n\r\n"
                + "DELETE /kv/a/b HTTP/1.1\r\nHost: s\r\n\r\n"
                + "GET /kv/a/b HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
        String[] responses = out.split("(?=HTTP/1.1 )");
        assertEquals(4, responses.length, out);
        assertTrue(responses[0].startsWith("HTTP/1.1 200 OK"), responses[0]);
        assertTrue(responses[1].startsWith("HTTP/1.1 200 OK") && responses[1].endsWith("\r\n\r\nhello"), responses[1]);
        assertTrue(responses[2].startsWith("HTTP/1.1 200 OK"), responses[2]);
        assertTrue(responses[3].startsWith("HTTP/1.1 404 Not Found") && responses[3].contains("Connection: close"), responses[3]);
        java.util.List<Commit> log = store.main().log(0, 10);
        assertEquals(2, log.size());
        assertEquals("Ann", log.get(1).author().name());
        assertEquals("ann@example.com", log.get(1).author().email());
        assertEquals(KvHttp.DEFAULT_AUTHOR, log.get(0).author());
        assertEquals("DELETE /a/b", log.get(0).message());
    }

    /** curl's uploads wait for 100 Continue (RFC 9110 section 10.1.1): without it, a second per PUT. */
    @Test
    void expectContinue_answeredBeforeTheBodyIsRead() throws Exception {
        Flow.Pair p = Flow.pipe(1 << 16);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> server = pool.submit(() -> {
                KvHttp.serve(p.right(), store);
                return null;
            });
            p.left().write(ByteBuffer.wrap("PUT /kv/e HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1)));
            String interim = "HTTP/1.1 100 Continue\r\n\r\n";
            ByteBuffer b = ByteBuffer.allocate(interim.length());
            while (b.hasRemaining()) {
                p.left().read(b); // before the body is sent: the server must answer first
            }
            assertEquals(interim, new String(b.array(), StandardCharsets.ISO_8859_1));
            p.left().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.ISO_8859_1)));
            p.left().shutdown(Flow.Direction.WRITE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer r = ByteBuffer.allocate(4096);
            while (p.left().read(r.clear()) != Flow.EOF) {
                out.write(r.array(), 0, r.position());
            }
            server.get();
            assertTrue(out.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200 OK"), out.toString());
        }
        assertEquals("hello", new String(store.main().get(mirage.kv.Key.parse("/e")).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Test
    void log_isJsonOfTheCommits() throws Exception {
        exchange("PUT /kv/x HTTP/1.1\r\nHost: s\r\nX-Author: Bob\r\nContent-Length: 1\r\n\r\n1");
        String out = exchange("GET /log HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
        assertTrue(out.contains("Content-Type: application/json"), out);
        assertTrue(out.contains("\"author\": \"Bob\", \"email\": \"gitkv@localhost\", \"message\": \"PUT /x\", \"time\": \"2026-11-27T00:00:00Z\""), out);
    }

    @Test
    void refusals_badRequestsTooLargeBodiesAndUnknownPaths() throws Exception {
        assertTrue(exchange("PUT /kv/x HTTP/1.1\r\nHost: s\r\nContent-Length: " + (KvHttp.MAX_BODY + 1) + "\r\n\r\n")
                .startsWith("HTTP/1.1 413 "));
        assertTrue(exchange("GET  /kv/x HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(exchange("GET /kv/x HTTP/3.0\r\n\r\n").startsWith("HTTP/1.1 505 "));
        assertTrue(exchange("GET /other HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 404 "));
        assertTrue(exchange("PUT /kv/x HTTP/1.1\r\nHost: s\r\nX-Author: a\nb\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 "), "a header value with a bare LF is a new line: parsed, not thrown");
        assertTrue(exchange("POST /kv/x HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 405 "));
    }

    @Test
    void chunkedBodies_taken() throws Exception {
        String out = exchange("PUT /kv/c HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                + "GET /kv/c HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 200 OK"), out);
        assertTrue(out.endsWith("\r\n\r\nabcde"), out);
    }
}
