package echo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * A small HTTP/1.1 responder (RFC 9110, RFC 9112) for the echo unikernel: {@code GET /} is a
 * short text page, {@code GET /bytes/N} answers N bytes whose byte at offset i is
 * {@code i mod 251}; {@code HEAD} of both; persistent connections and pipelined requests.
 *
 * <p>Requests are parsed from the bytes as received, with limits: a request head (request line
 * and fields) of at most {@value #MAX_HEAD} bytes, else 431; a malformed one gets 400 and the
 * connection is closed; a version other than 1.0 or 1.1, 505; request bodies are not read
 * (such a request gets its answer and the connection is closed, since its body would be taken
 * for the next request).
 */
public final class Http {
    /** The longest request head accepted. */
    public static final int MAX_HEAD = 8192;
    /** The largest N of {@code /bytes/N}: 1 TiB. */
    public static final long MAX_BYTES = 1L << 40;
    /** The body's period. */
    static final int PERIOD = 251;

    private Http() {}

    /** A parsed request head. */
    public record Request(String method, String target, int minorVersion, boolean keepAlive, boolean hasBody) {}

    /** What {@link #parse} found in the bytes so far. */
    public sealed interface Parsed {
        /** A whole request head of {@code length} bytes. */
        record Head(Request request, int length) implements Parsed {}

        /** Not a whole head yet: read more. */
        record More() implements Parsed {}

        /** A request that cannot be served: answer {@code status} and close. */
        record Bad(int status, String reason) implements Parsed {}
    }

    private static final Parsed.More MORE = new Parsed.More();

    /**
     * Parses the request head at the start of {@code buf[0, length)}. Never throws for any
     * bytes. Line ends are CRLF, or a bare LF (RFC 9112 section 2.2 lets a recipient accept it).
     */
    public static Parsed parse(byte[] buf, int length) {
        int end = headEnd(buf, Math.min(length, MAX_HEAD + 4));
        if (end < 0) {
            return length >= MAX_HEAD ? new Parsed.Bad(431, "Request Header Fields Too Large") : MORE;
        }
        if (end > MAX_HEAD) {
            return new Parsed.Bad(431, "Request Header Fields Too Large");
        }
        String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isEmpty()) {
            first++; // RFC 9112 section 2.2: ignore at least one empty line before the request line
        }
        if (first >= lines.length) {
            return new Parsed.Bad(400, "Bad Request");
        }
        String[] parts = lines[first].split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !visible(parts[1])) {
            return new Parsed.Bad(400, "Bad Request");
        }
        String version = parts[2];
        if (!version.matches("HTTP/[0-9]\\.[0-9]")) {
            return new Parsed.Bad(400, "Bad Request");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            return new Parsed.Bad(505, "HTTP Version Not Supported");
        }
        int minor = version.charAt(7) - '0';
        boolean close = false;
        boolean keepAliveToken = false;
        boolean host = false;
        long contentLength = -1;
        boolean chunked = false;
        for (int i = first + 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue; // the blank lines that end the head
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                return new Parsed.Bad(400, "Bad Request"); // also no space before the colon (RFC 9112 section 5.1)
            }
            String name = line.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "host" -> {
                    if (host) {
                        return new Parsed.Bad(400, "Bad Request"); // RFC 9112 section 3.2: exactly one
                    }
                    host = true;
                }
                case "connection" -> {
                    for (String option : value.split(",")) {
                        String o = option.strip().toLowerCase(java.util.Locale.ROOT);
                        close |= o.equals("close");
                        keepAliveToken |= o.equals("keep-alive");
                    }
                }
                case "content-length" -> {
                    if (!value.matches("[0-9]{1,18}")) {
                        return new Parsed.Bad(400, "Bad Request");
                    }
                    long n = Long.parseLong(value);
                    if (contentLength >= 0 && contentLength != n) {
                        return new Parsed.Bad(400, "Bad Request"); // RFC 9112 section 6.3
                    }
                    contentLength = n;
                }
                case "transfer-encoding" -> chunked = true;
                default -> { }
            }
        }
        if (minor == 1 && !host) {
            return new Parsed.Bad(400, "Bad Request");
        }
        boolean keepAlive = !close && (minor == 1 || keepAliveToken);
        boolean hasBody = chunked || contentLength > 0;
        return new Parsed.Head(new Request(parts[0], parts[1], minor, keepAlive && !hasBody, hasBody), end);
    }

    /** Index just after the blank line ending the head, or -1. */
    private static int headEnd(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                if (i + 1 < n && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The response's status, headers and body length for {@code r}, or -1 as length for no body. */
    record Response(int status, String reason, String contentType, long length, byte[] fixedBody) {}

    static Response route(Request r) {
        boolean head = r.method().equals("HEAD");
        if (!head && !r.method().equals("GET")) {
            return new Response(405, "Method Not Allowed", "text/plain", -1, "only GET and HEAD\n".getBytes(StandardCharsets.US_ASCII));
        }
        String path = r.target();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (path.equals("/")) {
            return new Response(200, "OK", "text/plain; charset=utf-8", -1, INDEX);
        }
        if (path.startsWith("/bytes/")) {
            String n = path.substring("/bytes/".length());
            if (n.matches("[0-9]{1,13}") && Long.parseLong(n) <= MAX_BYTES) {
                return new Response(200, "OK", "application/octet-stream", Long.parseLong(n), null);
            }
            return new Response(400, "Bad Request", "text/plain", -1,
                    ("N in /bytes/N is a decimal number up to " + MAX_BYTES + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return new Response(404, "Not Found", "text/plain", -1, "not found\n".getBytes(StandardCharsets.US_ASCII));
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

    /**
     * Serves requests on {@code c} until the client closes, asks to close, or sends something
     * this responder will not take.
     */
    public static void serve(Flow c) throws FlowException {
        byte[] buf = new byte[MAX_HEAD + 1024];
        int have = 0;
        ByteBuffer in = ByteBuffer.wrap(buf);
        boolean corked = false;
        while (true) {
            Parsed p = parse(buf, have);
            switch (p) {
                case Parsed.More m -> {
                    if (have == buf.length) {
                        respondError(c, 431, "Request Header Fields Too Large");
                        return;
                    }
                    uncorkIf(c, corked);
                    corked = false;
                    int n = c.read(in.limit(buf.length).position(have));
                    if (n == Flow.EOF) {
                        return;
                    }
                    have += n;
                }
                case Parsed.Bad b -> {
                    uncorkIf(c, corked);
                    respondError(c, b.status(), b.reason());
                    return;
                }
                case Parsed.Head h -> {
                    Request r = h.request();
                    respond(c, r, route(r));
                    if (!r.keepAlive()) {
                        uncorkIf(c, corked);
                        c.shutdown(Flow.Direction.WRITE);
                        drain(c);
                        return;
                    }
                    System.arraycopy(buf, h.length(), buf, 0, have - h.length());
                    have -= h.length();
                    // Pipelined requests already here: their responses leave together, once
                    // every request read so far is answered (no response waits behind another).
                    if (have > 0 && !corked) {
                        c.cork();
                        corked = true;
                    }
                }
            }
        }
    }

    private static void uncorkIf(Flow c, boolean corked) throws FlowException {
        if (corked) {
            c.uncork();
        }
    }

    private static void respondError(Flow c, int status, String reason) throws FlowException {
        byte[] body = (status + " " + reason + "\n").getBytes(StandardCharsets.US_ASCII);
        write(c, head(status, reason, "text/plain", body.length, false), body);
        c.shutdown(Flow.Direction.WRITE);
        drain(c);
    }

    private static void respond(Flow c, Request r, Response resp) throws FlowException {
        boolean head = r.method().equals("HEAD");
        long length = resp.fixedBody() != null ? resp.fixedBody().length : resp.length();
        byte[] h = head(resp.status(), resp.reason(), resp.contentType(), length, r.keepAlive());
        if (resp.fixedBody() != null) {
            write(c, h, head ? new byte[0] : resp.fixedBody());
            return;
        }
        if (head) {
            c.write(ByteBuffer.wrap(h));
            return;
        }
        ByteBuffer chunk = ByteBuffer.wrap(PATTERN);
        if (length <= PATTERN.length) {
            c.writev(ByteBuffer.wrap(h), chunk.limit((int) length)); // one message: one segment when it fits
            return;
        }
        // a body in pieces: corked, so that no piece's short tail waits for the client's ACK
        c.cork();
        c.write(ByteBuffer.wrap(h));
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(left, PATTERN.length);
            c.write(chunk.clear().limit(n));
            left -= n;
        }
        c.uncork();
    }

    private static byte[] head(int status, String reason, String type, long length, boolean keepAlive) {
        return ("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Server: mirage-java echo\r\n"
                + "Content-Type: " + type + "\r\n"
                + "Content-Length: " + length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(Flow c, byte[] head, byte[] body) throws FlowException {
        c.writev(ByteBuffer.wrap(head), ByteBuffer.wrap(body));
    }

    /** Reads what the client still sends until it closes (a lingering close, RFC 9112 section 9.6), at most 1 MiB. */
    private static void drain(Flow c) {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long total = 0;
        try {
            while (total < (1 << 20)) {
                int n = c.read(sink.clear());
                if (n == Flow.EOF) {
                    return;
                }
                total += n;
            }
        } catch (FlowException e) {
            // the client went: nothing more to do
        }
    }
}
