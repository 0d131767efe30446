package gitkv;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.gitstore.Author;
import mirage.gitstore.Branch;
import mirage.gitstore.Commit;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.http.HttpServer;
import mirage.http.Request;
import mirage.http.Response;
import mirage.http.ServerOptions;
import mirage.kv.Key;
import mirage.net.Tcp;

/**
 * The HTTP/1.1 side of gitkv (RFC 9110, RFC 9112), over the branch {@code main}:
 * {@code GET /kv/KEY} (200 and the value, or 404), {@code PUT /kv/KEY} with a body (one
 * commit; 200 and the commit id), {@code DELETE /kv/KEY} (one commit, or 404),
 * {@code GET /log} (the last 100 commits as JSON). The commit's author is the request's
 * {@code X-Author: Name <email>} (or a bare name), else {@link #DEFAULT_AUTHOR}.
 *
 * <p>Served by {@code mirage.http}'s {@link HttpServer}: request heads of at most 8 KiB, bodies
 * (by Content-Length or chunked) of at most {@value #MAX_BODY} bytes (else 413),
 * {@code Expect: 100-continue} answered when a PUT reads its body.
 */
public final class KvHttp {
    public static final int MAX_BODY = 1 << 20;
    public static final Author DEFAULT_AUTHOR = new Author("gitkv", "gitkv@localhost");
    /** The server's options: gitkv's name and body limit. */
    static final ServerOptions OPTIONS = ServerOptions.DEFAULT.withServerName("mirage-java gitkv").withMaxBodyBytes(MAX_BODY);

    private KvHttp() {}

    /**
     * The TCP options of the HTTP listener (issue 19): a connection on which nothing moves for
     * 75 s is reset (longer than the server's own 60 s idle wait, which closes politely first).
     */
    public static final Tcp.Options TCP_OPTIONS = Tcp.Options.DEFAULT.withIdleTimeout(Duration.ofSeconds(75));

    /** Serves requests on {@code c} over {@code store} until the client is done; each head's wait bounded per read. */
    public static void serve(Flow c, GitStore store) throws FlowException {
        HttpServer.serve(c, OPTIONS, r -> respond(r, store));
    }

    /** As {@link #serve(Flow, GitStore)}, each request head within the head timeout by {@code clock}. */
    public static void serve(Flow c, GitStore store, InstantSource clock) throws FlowException {
        HttpServer.serve(c, OPTIONS.withClock(clock), r -> respond(r, store));
    }

    /** The response to {@code r}: its body read for a PUT, the answer of {@link #handle} framed. */
    static Response respond(Request r, GitStore store) throws FlowException {
        byte[] body = r.method().equals("PUT") ? r.body().readAll() : new byte[0];
        Answer a = handle(r.method(), r.path(), r.headers().first("X-Author"), body, store);
        String type = a.status() == 200 && a.body().length > 0 && a.body()[0] == '[' ? "application/json" : "application/octet-stream";
        return Response.of(a.status(), a.reason(), type, a.body());
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

    /** An answer: status, reason, body. */
    public record Answer(int status, String reason, byte[] body) {
        static Answer text(int status, String reason, String body) {
            return new Answer(status, reason, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers {@code method path} with its body over {@code store}'s branch {@code main}. */
    public static Answer handle(String method, String path, Optional<String> author, byte[] body, GitStore store) {
        try {
            Branch main = store.main();
            if (path.equals("/log")) {
                if (!method.equals("GET")) {
                    return Answer.text(405, "Method Not Allowed", "GET /log\n");
                }
                return new Answer(200, "OK", json(main.log(0, 100)).getBytes(StandardCharsets.UTF_8));
            }
            if (!path.startsWith("/kv/") || path.length() == 4) {
                return Answer.text(404, "Not Found", "not found\n");
            }
            Key key;
            try {
                key = Key.parse(path.substring(3));
            } catch (IllegalArgumentException e) {
                return Answer.text(400, "Bad Request", "bad key: " + e.getMessage() + "\n");
            }
            return switch (method) {
                case "GET" -> main.get(key).map(v -> new Answer(200, "OK", v))
                        .orElse(Answer.text(404, "Not Found", "no key " + key + "\n"));
                case "PUT" -> {
                    Commit c = main.set(key, body, CommitInfo.of(author(author), "PUT " + key));
                    yield Answer.text(200, "OK", c.id().hex() + "\n");
                }
                case "DELETE" -> {
                    if (main.get(key).isEmpty()) {
                        yield Answer.text(404, "Not Found", "no key " + key + "\n");
                    }
                    Commit c = main.remove(key, CommitInfo.of(author(author), "DELETE " + key));
                    yield Answer.text(200, "OK", c.id().hex() + "\n");
                }
                default -> Answer.text(405, "Method Not Allowed", "GET, PUT or DELETE\n");
            };
        } catch (IllegalArgumentException e) {
            return Answer.text(400, "Bad Request", e.getMessage() + "\n");
        } catch (GitStoreException e) {
            return Answer.text(500, "Internal Server Error", e.getMessage() + "\n");
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
}
