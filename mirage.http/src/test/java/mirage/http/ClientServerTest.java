package mirage.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.core.Flow;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/** The client against the server over an in-memory pipe: both directions of every framing. */
class ClientServerTest {
    /** Echoes the request body back: in memory, of known length in pieces, or chunked, as the target says. */
    static final Handler MIRROR = r -> {
        byte[] body = r.body().readAll();
        return switch (r.path()) {
            case "/sized" -> new Response(200, "OK", Headers.EMPTY, new Content.Sized(body.length, sink -> {
                for (int at = 0; at < body.length; at += 1000) {
                    sink.write(ByteBuffer.wrap(body, at, Math.min(1000, body.length - at)));
                }
            }));
            case "/chunked" -> new Response(200, "OK", Headers.EMPTY, new Content.Chunked(sink -> {
                for (int at = 0; at < body.length; at += 777) {
                    sink.write(ByteBuffer.wrap(body, at, Math.min(777, body.length - at)));
                }
            }));
            default -> new Response(200, "OK", Headers.of("X-Method", r.method()), Content.of(body));
        };
    };

    record Got(ClientResponse response, byte[] body) {}

    static Got exchange(ClientRequest request, Handler handler) throws Exception {
        Flow.Pair p = Flow.pipe(4096);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> server = pool.submit(() -> {
                HttpServer.serve(p.right(), handler);
                return null;
            });
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            ClientResponse r;
            try {
                r = HttpClient.exchange(p.left(), request, data -> {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    body.writeBytes(b);
                });
            } finally {
                p.left().close(); // the client leaves, whatever happened: the server sees its end
            }
            server.get();
            return new Got(r, body.toByteArray());
        }
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new SplittableRandom(n).nextBytes(b);
        return b;
    }

    static ClientRequest put(String target, Content content, boolean expect) {
        return new ClientRequest("PUT", target, Headers.of("Host", "h"), content, expect);
    }

    @Test
    void uploadsAndDownloads_inEveryFraming_arriveWhole() throws Exception {
        byte[] body = random(100_000);
        Content[] uploads = {
            Content.of(body),
            new Content.Sized(body.length, sink -> sink.write(ByteBuffer.wrap(body))),
            new Content.Sized(body.length, sink -> {
                for (int at = 0; at < body.length; at += 333) {
                    sink.write(ByteBuffer.wrap(body, at, Math.min(333, body.length - at)));
                }
            }),
            new Content.Chunked(sink -> {
                sink.write(ByteBuffer.wrap(body, 0, 50_000));
                sink.write(ByteBuffer.wrap(body, 50_000, 50_000));
            }),
        };
        for (Content up : uploads) {
            for (String target : new String[] {"/bytes", "/sized", "/chunked"}) {
                for (boolean expect : new boolean[] {false, true}) {
                    Got g = exchange(put(target, up, expect), MIRROR);
                    assertEquals(200, g.response().status(), target + " " + up + " " + expect);
                    assertEquals(body.length, g.response().bodyLength());
                    assertArrayEquals(body, g.body(), target + " " + up.getClass().getSimpleName() + " " + expect);
                }
            }
        }
    }

    @Test
    void get_noBody_headersComeBack() throws Exception {
        Got g = exchange(ClientRequest.get("h", "/"), MIRROR);
        assertEquals("HTTP/1.1 200 OK", g.response().statusLine());
        assertEquals("GET", g.response().headers().first("X-Method").orElseThrow());
        assertEquals(0, g.body().length);
    }

    @Test
    void expectContinue_refused_theBodyIsNeverSent() throws Exception {
        boolean[] written = {false};
        Got g = exchange(put("/refuse", new Content.Sized(5, sink -> {
            written[0] = true;
            sink.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
        }), true), r -> Response.text(403, "Forbidden", "not you"));
        assertEquals(403, g.response().status());
        assertEquals(false, written[0]);
    }

    @Test
    void aBodyNotOfItsDeclaredLength_isTheCallersError() {
        assertThrows(IllegalStateException.class, () -> exchange(put("/", new Content.Sized(5,
                sink -> sink.write(ByteBuffer.wrap("toolong".getBytes(StandardCharsets.US_ASCII)))), false), MIRROR));
    }

    @Test
    void aResponseCutShort_isAProtocolError() throws Exception {
        Flow.Pair p = Flow.pipe(4096);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> {
                ByteBuffer b = ByteBuffer.allocate(4096);
                p.right().read(b);
                p.right().write(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII)));
                p.right().close();
                return null;
            });
            FlowException e = assertThrows(FlowException.class,
                    () -> HttpClient.exchange(p.left(), ClientRequest.get("h", "/"), data -> { }));
            assertEquals(FlowException.Reason.PROTOCOL, e.reason());
            assertTrue(e.getMessage().contains("cut short"), e.getMessage());
        }
    }
}
