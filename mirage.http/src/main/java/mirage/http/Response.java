package mirage.http;

import java.util.Objects;

/**
 * A response to send. The server adds the framing fields ({@code Content-Length} or
 * {@code Transfer-Encoding}) and {@code Connection: close} when it will close; {@code headers}
 * must hold neither framing field. A response to {@code HEAD} is sent without its body.
 *
 * @param status the status code, 200-599 (interim 1xx responses are the server's)
 * @param reason the reason phrase (may be empty)
 * @param headers other header fields (e.g. {@code Content-Type})
 * @param content the body
 */
public record Response(int status, String reason, Headers headers, Content content) {
    public Response {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("a final status code is 200-599: " + status);
        }
        Objects.requireNonNull(reason, "reason");
        if (reason.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("a reason phrase holds no CR, LF or NUL");
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(content, "content");
        if (headers.has("Content-Length") || headers.has("Transfer-Encoding")) {
            throw new IllegalArgumentException("the server frames the body: give no Content-Length or Transfer-Encoding");
        }
    }

    /** A response with a {@code Content-Type} and a body in memory. */
    public static Response of(int status, String reason, String contentType, byte[] body) {
        return new Response(status, reason, Headers.of("Content-Type", contentType), Content.of(body));
    }

    /** A plain-text (UTF-8) response. */
    public static Response text(int status, String reason, String body) {
        return new Response(status, reason, Headers.of("Content-Type", "text/plain; charset=utf-8"), Content.of(body));
    }
}
