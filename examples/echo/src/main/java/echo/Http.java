package echo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.Content;
import mirage.http.Headers;
import mirage.http.HttpServer;
import mirage.http.Request;
import mirage.http.Response;
import mirage.http.ServerOptions;
import mirage.net.Tcp;

/**
 * The echo unikernel's HTTP/1.1 pages, served by {@code mirage.http}: {@code GET /} is a short
 * text page, {@code GET /bytes/N} answers N bytes whose byte at offset i is {@code i mod 251};
 * {@code HEAD} of both. Parsing, persistent connections, pipelining and closing are
 * {@link HttpServer}'s.
 */
public final class Http {
    /** The largest N of {@code /bytes/N}: 1 TiB. */
    public static final long MAX_BYTES = 1L << 40;
    /** The body's period. */
    static final int PERIOD = 251;
    /** The server's options: its name; the defaults otherwise (heads in 30 s, 60 s idle). */
    static final ServerOptions OPTIONS = ServerOptions.DEFAULT.withServerName("mirage-java echo");

    /**
     * The TCP options of the HTTP and HTTPS listeners (issue 19): a connection on which nothing
     * moves for 75 s (a silent client, one that stops reading a response, a TLS handshake that
     * stalls) is reset. Longer than the server's own 60 s idle wait, which closes politely first.
     */
    public static final Tcp.Options TCP_OPTIONS = Tcp.Options.DEFAULT.withIdleTimeout(Duration.ofSeconds(75));

    private Http() {}

    /** Serves the pages on {@code c} until the client is done; each head's wait bounded per read. */
    public static void serve(Flow c) throws FlowException {
        HttpServer.serve(c, OPTIONS, Http::route);
    }

    /**
     * Serves the pages on {@code c} until the client is done, each request head within the head
     * timeout by {@code clock} (a client trickling its head is answered 408 then).
     */
    public static void serve(Flow c, InstantSource clock) throws FlowException {
        HttpServer.serve(c, OPTIONS.withClock(clock), Http::route);
    }

    /** The response to {@code r}. */
    static Response route(Request r) {
        boolean head = r.method().equals("HEAD");
        if (!head && !r.method().equals("GET")) {
            return new Response(405, "Method Not Allowed", Headers.of("Content-Type", "text/plain", "Allow", "GET, HEAD"),
                    Content.of("only GET and HEAD\n"));
        }
        String path = r.path();
        if (path.equals("/")) {
            return Response.of(200, "OK", "text/plain; charset=utf-8", INDEX);
        }
        if (path.startsWith("/bytes/")) {
            String n = path.substring("/bytes/".length());
            if (n.matches("[0-9]{1,13}") && Long.parseLong(n) <= MAX_BYTES) {
                long length = Long.parseLong(n);
                return new Response(200, "OK", Headers.of("Content-Type", "application/octet-stream"),
                        new Content.Sized(length, sink -> pattern(sink, length)));
            }
            return Response.of(400, "Bad Request", "text/plain",
                    ("N in /bytes/N is a decimal number up to " + MAX_BYTES + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return Response.of(404, "Not Found", "text/plain", "not found\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static final byte[] INDEX = """
            echo: a unikernel of mirage-java
              GET /bytes/N   N bytes, byte i being i mod 251
              UDP and TCP port 7: echo
            """.getBytes(StandardCharsets.UTF_8);

    /** 256 periods of the body pattern: any chunk of it starting at a multiple of 251 continues the pattern. */
    private static final byte[] PATTERN = new byte[PERIOD * 256];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % PERIOD);
        }
    }

    /** {@code length} pattern bytes: one piece if they fit in the pattern block (one writev with the head), else block by block. */
    private static void pattern(mirage.http.BodySink sink, long length) throws FlowException {
        ByteBuffer chunk = ByteBuffer.wrap(PATTERN);
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(left, PATTERN.length);
            sink.write(chunk.clear().limit(n));
            left -= n;
        }
    }
}
