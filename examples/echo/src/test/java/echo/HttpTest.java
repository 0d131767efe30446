package echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.core.Flow;
import org.junit.jupiter.api.Test;

/** Echo's pages, through the server over an in-memory pipe. */
class HttpTest {
    /** Sends {@code requests} on one connection, half-closes, and returns everything answered. */
    static String exchange(String requests) throws Exception {
        Flow.Pair p = Flow.pipe(1 << 20);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> server = pool.submit(() -> {
                Http.serve(p.right());
                return null;
            });
            p.left().write(ByteBuffer.wrap(requests.getBytes(StandardCharsets.ISO_8859_1)));
            p.left().shutdown(Flow.Direction.WRITE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (p.left().read(b.clear()) != Flow.EOF) {
                out.write(b.array(), 0, b.position());
            }
            server.get();
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String get(String target) throws Exception {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    @Test
    void routes() throws Exception {
        assertTrue(get("/").startsWith("HTTP/1.1 200 OK\r\nServer: mirage-java echo\r\n"));
        assertTrue(get("/").contains("GET /bytes/N"));
        assertTrue(get("/bytes/1234").contains("Content-Length: 1234\r\n"));
        assertTrue(get("/bytes/-3").startsWith("HTTP/1.1 400 "));
        assertTrue(get("/bytes/99999999999999").startsWith("HTTP/1.1 400 "));
        assertTrue(get("/nothing").startsWith("HTTP/1.1 404 "));
        assertTrue(get("/stats").startsWith("HTTP/1.1 404 "), "no stack, no counters");
        assertTrue(exchange("DELETE / HTTP/1.1\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 405 "));
    }

    @Test
    void bytes_followThePattern_inOnePieceAndInMany() throws Exception {
        for (int n : new int[] {0, 1, 1000, Http.PERIOD * 256, Http.PERIOD * 256 + 1, 200_000}) {
            String out = get("/bytes/" + n);
            String body = out.substring(out.indexOf("\r\n\r\n") + 4);
            assertEquals(n, body.length(), "N=" + n);
            for (int i = 0; i < n; i++) {
                if (body.charAt(i) != i % Http.PERIOD) {
                    throw new AssertionError("N=" + n + ": byte " + i);
                }
            }
        }
    }

    @Test
    void requestsWithBodies_answered_theirBodiesSkipped() throws Exception {
        String out = exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /bytes/2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 405 "), out);
        assertTrue(out.contains("HTTP/1.1 200 OK"), "the next request is served: " + out);
    }
}
