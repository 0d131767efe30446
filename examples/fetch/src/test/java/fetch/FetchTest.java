package fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mirage.core.Flow;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/** Fetch's HTTP exchange against a scripted server on an in-memory pipe. */
class FetchTest {
    static String serve(Flow server, String response) throws FlowException {
        StringBuilder request = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(1024);
        while (server.read(b.clear()) != Flow.EOF) {
            request.append(new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
        }
        server.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1)));
        server.close();
        return request.toString();
    }

    @Test
    void get_sendsOneRequest_hashesTheBodyOnly() throws Exception {
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
    void get_serverClosesBeforeAHead_protocolError() throws Exception {
        Flow.Pair p = Flow.pipe(64);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            pool.submit(() -> serve(p.right(), "HTTP/1.1 200"));
            FlowException e = assertThrows(FlowException.class, () -> Fetch.get(p.left(), "h", "/"));
            assertEquals(FlowException.Reason.PROTOCOL, e.reason());
        }
    }
}
