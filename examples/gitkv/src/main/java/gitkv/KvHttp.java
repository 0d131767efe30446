package gitkv;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.gitstore.Author;
import mirage.gitstore.Branch;
import mirage.gitstore.Commit;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.kv.Key;

/**
 * The HTTP/1.1 side of gitkv (RFC 9110, RFC 9112), over the branch {@code main}:
 * {@code GET /kv/KEY} (200 and the value, or 404), {@code PUT /kv/KEY} with a body (one
 * commit; 200 and the commit id), {@code DELETE /kv/KEY} (one commit, or 404),
 * {@code GET /log} (the last 100 commits as JSON). The commit's author is the request's
 * {@code X-Author: Name <email>} (or a bare name), else {@link #DEFAULT_AUTHOR}.
 *
 * <p>Bounded: a request head of at most {@value #MAX_HEAD} bytes (else 431), a body of at most
 * {@value #MAX_BODY} bytes (else 413), both then closing the connection; a malformed request
 * gets 400 and the connection is closed. Chunked bodies are not taken (411).
 */
public final class KvHttp {
    public static final int MAX_HEAD = 8192;
    public static final int MAX_BODY = 1 << 20;
    public static final Author DEFAULT_AUTHOR = new Author("gitkv", "gitkv@localhost");

    private KvHttp() {}

    /**
     * A request head. {@code contentLength} is -1 when absent; {@code expectContinue} when the
     * client waits for {@code 100 Continue} before it sends its body (RFC 9110 section 10.1.1:
     * curl does for uploads).
     */
    public record Request(String method, String target, boolean keepAlive, long contentLength, boolean chunked,
            Optional<String> author, boolean expectContinue) {}

    /** What {@link #parse} found. */
    public sealed interface Parsed {
        record Head(Request request, int length) implements Parsed {}

        record More() implements Parsed {}

        record Bad(int status, String reason) implements Parsed {}
    }

    /** Parses the request head at the start of {@code buf[0, length)}; never throws. */
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static Parsed parse(byte[] buf, int length) {
        int end = -1;
        int n = Math.min(length, MAX_HEAD + 4);
        for (int i = 0; i + 1 < n && end < 0; i++) {
            if (buf[i] == '\n' && buf[i + 1] == '\n') {
                end = i + 2;
            } else if (buf[i] == '\n' && i + 2 < n && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                end = i + 3;
            }
        }
        if (end < 0) {
            return length >= MAX_HEAD ? new Parsed.Bad(431, "Request Header Fields Too Large") : new Parsed.More();
        }
        if (end > MAX_HEAD) {
            return new Parsed.Bad(431, "Request Header Fields Too Large");
        }
        String[] lines = new String(buf, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3 || !token(parts[0]) || !parts[1].startsWith("/") || !visible(parts[1])) {
            return new Parsed.Bad(400, "Bad Request");
        }
        if (!parts[2].equals("HTTP/1.1") && !parts[2].equals("HTTP/1.0")) {
            return new Parsed.Bad(parts[2].matches("HTTP/[0-9]\\.[0-9]") ? 505 : 400, "Bad Request");
        }
        boolean http11 = parts[2].equals("HTTP/1.1");
        boolean close = false;
        boolean keepAlive = false;
        long contentLength = -1;
        boolean chunked = false;
        Optional<String> author = Optional.empty();
        boolean expectContinue = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !token(line.substring(0, colon))) {
                return new Parsed.Bad(400, "Bad Request");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "connection" -> {
                    for (String o : value.toLowerCase(Locale.ROOT).split(",")) {
                        close |= o.strip().equals("close");
                        keepAlive |= o.strip().equals("keep-alive");
                    }
                }
                case "content-length" -> {
                    if (!value.matches("[0-9]{1,18}") || (contentLength >= 0 && contentLength != Long.parseLong(value))) {
                        return new Parsed.Bad(400, "Bad Request");
                    }
                    contentLength = Long.parseLong(value);
                }
                case "transfer-encoding" -> chunked = true;
                case "x-author" -> author = Optional.of(value);
                case "expect" -> expectContinue |= value.equalsIgnoreCase("100-continue");
                default -> { }
            }
        }
        return new Parsed.Head(new Request(parts[0], parts[1], !close && (http11 || keepAlive), contentLength, chunked, author,
                expectContinue && http11), end);
    }

    private static boolean token(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(String s) {
        return s.chars().allMatch(c -> c > ' ' && c < 0x7f);
    }

    /** The author an {@code X-Author} value names: {@code Name <email>} or a bare name. */
    static Author author(Optional<String> header) {
        if (header.isEmpty() || header.get().isBlank()) {
            return DEFAULT_AUTHOR;
        }
        String v = header.get().strip();
        int lt = v.indexOf('<');
        if (lt >= 0 && v.endsWith(">")) {
            return new Author(v.substring(0, lt).strip(), v.substring(lt + 1, v.length() - 1));
        }
        return new Author(v, DEFAULT_AUTHOR.email());
    }

    /** A response: status, reason, body. */
    public record Response(int status, String reason, byte[] body) {
        static Response text(int status, String reason, String body) {
            return new Response(status, reason, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers one request with its body over {@code store}'s branch {@code main}. */
    public static Response handle(Request r, byte[] body, GitStore store) {
        try {
            Branch main = store.main();
            if (r.target().equals("/log")) {
                if (!r.method().equals("GET")) {
                    return Response.text(405, "Method Not Allowed", "GET /log\n");
                }
                return new Response(200, "OK", json(main.log(0, 100)).getBytes(StandardCharsets.UTF_8));
            }
            if (!r.target().startsWith("/kv/") || r.target().length() == 4) {
                return Response.text(404, "Not Found", "not found\n");
            }
            Key key;
            try {
                key = Key.parse(r.target().substring(3));
            } catch (IllegalArgumentException e) {
                return Response.text(400, "Bad Request", "bad key: " + e.getMessage() + "\n");
            }
            return switch (r.method()) {
                case "GET" -> main.get(key).map(v -> new Response(200, "OK", v))
                        .orElse(Response.text(404, "Not Found", "no key " + key + "\n"));
                case "PUT" -> {
                    Commit c = main.set(key, body, CommitInfo.of(author(r.author()), "PUT " + key));
                    yield Response.text(200, "OK", c.id().hex() + "\n");
                }
                case "DELETE" -> {
                    if (main.get(key).isEmpty()) {
                        yield Response.text(404, "Not Found", "no key " + key + "\n");
                    }
                    Commit c = main.remove(key, CommitInfo.of(author(r.author()), "DELETE " + key));
                    yield Response.text(200, "OK", c.id().hex() + "\n");
                }
                default -> Response.text(405, "Method Not Allowed", "GET, PUT or DELETE\n");
            };
        } catch (IllegalArgumentException e) {
            return Response.text(400, "Bad Request", e.getMessage() + "\n");
        } catch (GitStoreException e) {
            return Response.text(500, "Internal Server Error", e.getMessage() + "\n");
        }
    }

    static String json(List<Commit> commits) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < commits.size(); i++) {
            Commit c = commits.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("  {\"id\": \"").append(c.id().hex())
                    .append("\", \"author\": ").append(string(c.author().name()))
                    .append(", \"email\": ").append(string(c.author().email()))
                    .append(", \"message\": ").append(string(c.message()))
                    .append(", \"time\": \"").append(c.time()).append("\"}");
        }
        return b.append(commits.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Serves requests on {@code c} until the client closes its half or a request is refused or
     * asks to close, then shuts down this side's half.
     */
    public static void serve(Flow c, GitStore store) throws FlowException {
        byte[] buf = new byte[MAX_HEAD + 1024];
        int have = 0;
        ByteBuffer in = ByteBuffer.wrap(buf);
        boolean corked = false;
        while (true) {
            Parsed p = parse(buf, have);
            if (p instanceof Parsed.More && corked) {
                c.uncork(); // every request read so far is answered: the responses leave together
                corked = false;
            }
            if (p instanceof Parsed.More) {
                if (have == buf.length) {
                    finish(c, Response.text(431, "Request Header Fields Too Large", "request head too large\n"));
                    return;
                }
                int n = c.read(in.limit(buf.length).position(have));
                if (n == Flow.EOF) {
                    c.shutdown(Flow.Direction.WRITE); // the client is done, and so are we
                    return;
                }
                have += n;
                continue;
            }
            if (p instanceof Parsed.Bad bad) {
                finish(c, Response.text(bad.status(), bad.reason(), bad.reason() + "\n"));
                return;
            }
            Parsed.Head h = (Parsed.Head) p;
            Request r = h.request();
            if (r.chunked()) {
                finish(c, Response.text(411, "Length Required", "give the body's Content-Length\n"));
                return;
            }
            if (r.contentLength() > MAX_BODY) {
                finish(c, Response.text(413, "Content Too Large", "at most " + MAX_BODY + " bytes\n"));
                return;
            }
            int bodyLength = (int) Math.max(0, r.contentLength());
            ByteArrayOutputStream body = new ByteArrayOutputStream(bodyLength);
            int fromBuffer = Math.min(bodyLength, have - h.length());
            body.write(buf, h.length(), fromBuffer);
            int consumed = h.length() + fromBuffer;
            System.arraycopy(buf, consumed, buf, 0, have - consumed);
            have -= consumed;
            if (r.expectContinue() && body.size() < bodyLength) {
                c.write(ByteBuffer.wrap(CONTINUE)); // else the client waits (curl: 1 s) before it sends the body
            }
            ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
            while (body.size() < bodyLength) {
                int n = c.read(chunk.clear().limit(Math.min(chunk.capacity(), bodyLength - body.size())));
                if (n == Flow.EOF) {
                    c.shutdown(Flow.Direction.WRITE); // the client went before its body: nothing to answer
                    return;
                }
                body.write(chunk.array(), 0, n);
            }
            respond(c, handle(r, body.toByteArray(), store), r.keepAlive());
            if (!r.keepAlive()) {
                c.shutdown(Flow.Direction.WRITE);
                drain(c);
                return;
            }
            if (have > 0 && !corked) {
                c.cork(); // pipelined requests already here: no response waits behind another's ACK
                corked = true;
            }
        }
    }

    private static void finish(Flow c, Response r) throws FlowException {
        respond(c, r, false);
        c.shutdown(Flow.Direction.WRITE);
        drain(c);
    }

    /**
     * Reads what the client still sends until it closes, at most {@value #MAX_BODY} bytes: a
     * lingering close (RFC 9112 section 9.6), so that the answer is not lost to a reset.
     */
    private static void drain(Flow c) {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long total = 0;
        try {
            while (total < MAX_BODY) {
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

    private static void respond(Flow c, Response r, boolean keepAlive) throws FlowException {
        byte[] head = ("HTTP/1.1 " + r.status() + " " + r.reason() + "\r\nServer: mirage-java gitkv\r\n"
                + "Content-Type: " + (r.status() == 200 && r.body().length > 0 && r.body()[0] == '[' ? "application/json" : "application/octet-stream")
                + "\r\nContent-Length: " + r.body().length + "\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        c.writev(ByteBuffer.wrap(head), ByteBuffer.wrap(r.body()));
    }
}
