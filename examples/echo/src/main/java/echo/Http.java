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
import mirage.net.DirectStack;
import mirage.net.Stack;
import mirage.net.Tcp;

/**
 * The echo unikernel's HTTP/1.1 pages, served by {@code mirage.http}: {@code GET /} is a short
 * text page, {@code GET /bytes/N} answers N bytes whose byte at offset i is {@code i mod 251},
 * {@code GET /stats} the network stack's counters, one line per layer ({@code tcp
 * activeOpens=0 passiveOpens=2 ...}); {@code HEAD} of each. Parsing, persistent connections, pipelining and closing are
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

    /** Serves the pages on {@code c} until the client is done; each head's wait bounded per read; no counters. */
    public static void serve(Flow c) throws FlowException {
        serve(c, null, null);
    }

    /**
     * Serves the pages on {@code c} until the client is done, each request head within the head
     * timeout by {@code clock} (a client trickling its head is answered 408 then; null: each
     * wait bounded, not the whole head), {@code /stats} from {@code stack}'s counters (null: 404).
     */
    public static void serve(Flow c, InstantSource clock, Stack stack) throws FlowException {
        HttpServer.serve(c, clock == null ? OPTIONS : OPTIONS.withClock(clock), r -> route(r, stack));
    }

    /** The response to {@code r}; {@code /stats} from {@code stack} (null: not found). */
    static Response route(Request r, Stack stack) {
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
        if (path.equals("/stats") && stack != null) {
            return Response.of(200, "OK", "text/plain; charset=utf-8", counters(stack));
        }
        return Response.of(404, "Not Found", "text/plain", "not found\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * {@code stack}'s counters: a line per layer, its name then {@code counter=value} pairs (the
     * Ethernet-to-ICMP layers on the direct stack only).
     */
    static byte[] counters(Stack stack) {
        StringBuilder b = new StringBuilder();
        if (stack instanceof DirectStack d) {
            line(b, "netif", d.netif().stats());
            line(b, "ethernet", d.ethernet().stats());
            line(b, "arp", d.arp().stats());
            line(b, "ipv4", d.ipv4().stats());
            line(b, "icmpv4", d.icmpv4().stats());
            line(b, "ipv6", d.ipv6().stats());
        }
        line(b, "udp", stack.udp().stats());
        line(b, "tcp", stack.tcp().stats());
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code layer} and the components of {@code stats} as {@code name=value}, space-separated (a record's text, unbracketed). */
    private static void line(StringBuilder b, String layer, Record stats) {
        String s = stats.toString();
        b.append(layer).append(' ').append(s.substring(s.indexOf('[') + 1, s.length() - 1).replace(", ", " ")).append('\n');
    }

    private static final byte[] INDEX = """
            echo: a unikernel of mirage-java
              GET /bytes/N   N bytes, byte i being i mod 251
              GET /stats     the network stack's counters
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
