package fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.core.Flow;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/** Fetch's HTTP exchange against a scripted server on an in-memory pipe. */
class FetchTest {
    /**
     * Reads one request (its head, then Content-Length bytes of body) without waiting for the
     * client's end of stream, answers {@code response}, and closes; returns the request.
     */
    static String serve(Flow server, String response) throws FlowException {
        StringBuilder request = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(1024);
        while (!complete(request)) {
            if (server.read(b.clear()) == Flow.EOF) {
                throw new AssertionError("the client half-closed or left before its request was whole: " + request);
            }
            request.append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
        }
        server.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        server.close();
        return request.toString();
    }

    private static boolean complete(StringBuilder r) {
        int end = r.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        int at = r.indexOf("Content-Length: ");
        long body = at < 0 || at > end ? 0 : Long.parseLong(r.substring(at + 16, r.indexOf("\r\n", at)));
        return r.length() >= end + 4 + body;
    }

    static Fetch.Result exchange(String response) throws Exception {
        Flow.Pair p = Flow.pipe(64);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> serve(p.right(), response));
            return Fetch.get(p.left(), "h", "/");
        }
    }

    static String sha(String body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static FlowException.Reason failure(String response) {
        return assertThrows(FlowException.class, () -> exchange(response)).reason();
    }

    @Test
    void get_sendsOneRequestWithoutHalfClosing_hashesTheBodyOnly() throws Exception {
        Flow.Pair p = Flow.pipe(64);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> request = pool.submit(() -> serve(p.right(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
            Fetch.Result r = Fetch.get(p.left(), "10.0.0.1", "/x");
            assertEquals(new Fetch.Result("HTTP/1.1 200 OK", 5,
                    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), r);
            assertEquals("GET /x HTTP/1.1\r\nHost: 10.0.0.1\r\nConnection: close\r\nUser-Agent: mirage-java fetch\r\n\r\n",
                    request.get());
        }
    }

    @Test
    void put_sendsContentLengthAndThePattern() throws Exception {
        Flow.Pair p = Flow.pipe(4096);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> request = pool.submit(() -> serve(p.right(), "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
            Fetch.Result r = Fetch.exchange(p.left(), "h", "PUT", "/up", 100_000);
            assertEquals("HTTP/1.1 201 Created", r.status());
            String sent = request.get();
            assertTrue(sent.startsWith("PUT /up HTTP/1.1\r\nHost: h\r\nConnection: close\r\nUser-Agent: mirage-java fetch\r\n"
                    + "Content-Length: 100000\r\n\r\n"), sent);
            String body = sent.substring(sent.indexOf("\r\n\r\n") + 4);
            assertEquals(100_000, body.length());
            for (int i = 0; i < body.length(); i++) {
                assertEquals(i % 251, body.charAt(i), "byte " + i);
            }
        }
    }

    @Test
    void contentLength_bytesAfterItAreNotBody() throws Exception {
        assertEquals(new Fetch.Result("HTTP/1.1 200 OK", 5, sha("hello")),
                exchange("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello and more"));
    }

    @Test
    void chunked_decoded() throws Exception {
        assertEquals(new Fetch.Result("HTTP/1.1 200 OK", 11, sha("hello world")), exchange(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"));
    }

    @Test
    void noLength_bodyEndsWithTheConnection() throws Exception {
        assertEquals(new Fetch.Result("HTTP/1.0 200 OK", 3, sha("abc")), exchange("HTTP/1.0 200 OK\r\n\r\nabc"));
    }

    @Test
    void interimResponse_skipped() throws Exception {
        assertEquals(new Fetch.Result("HTTP/1.1 200 OK", 2, sha("ok")),
                exchange("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    }

    @Test
    void noContent_hasNoBody() throws Exception {
        assertEquals(new Fetch.Result("HTTP/1.1 204 No Content", 0, sha("")), exchange("HTTP/1.1 204 No Content\r\n\r\n"));
    }

    @Test
    void fewerBytesThanContentLength_anErrorNotAResult() {
        assertEquals(FlowException.Reason.PROTOCOL, failure("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"));
    }

    @Test
    void chunkedWithoutItsLastChunk_anErrorNotAResult() {
        assertEquals(FlowException.Reason.PROTOCOL, failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
        assertEquals(FlowException.Reason.PROTOCOL, failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"));
    }

    @Test
    void malformedChunkSize_anError() {
        assertEquals(FlowException.Reason.PROTOCOL, failure("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
    }

    @Test
    void serverClosesBeforeAHead_protocolError() {
        assertEquals(FlowException.Reason.PROTOCOL, failure("HTTP/1.1 200"));
    }

    @Test
    void notHttp_protocolError() {
        assertEquals(FlowException.Reason.PROTOCOL, failure("SSH-2.0-OpenSSH\r\n\r\n"));
    }
}
