package mirage.http;

import java.util.Objects;

/**
 * A request for {@link HttpClient#exchange}. The client adds the framing field
 * ({@code Content-Length}, or {@code Transfer-Encoding: chunked} for {@link Content.Chunked}) and
 * {@code Expect: 100-continue} when asked; {@code headers} must hold neither framing field and
 * should hold {@code Host}.
 *
 * @param method the method token
 * @param target the request target, e.g. {@code /path}
 * @param headers other header fields
 * @param content the body; {@link Content.Empty} sends none (and no Content-Length, except for
 *     {@code PUT} and {@code POST}, which send {@code Content-Length: 0})
 * @param expectContinue send {@code Expect: 100-continue} and the body only after the server's
 *     {@code 100 Continue} (RFC 9110 section 10.1.1); a final response instead ends the exchange
 *     with the body unsent
 */
public record ClientRequest(String method, String target, Headers headers, Content content, boolean expectContinue) {
    public ClientRequest {
        Objects.requireNonNull(method, "method");
        if (method.isEmpty() || !method.chars().allMatch(Headers.Field::tokenChar)) {
            throw new IllegalArgumentException("a method is a token: \"" + method + "\"");
        }
        Objects.requireNonNull(target, "target");
        if (target.isEmpty() || !target.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException("a request target is visible ASCII: \"" + target + "\"");
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(content, "content");
        if (headers.has("Content-Length") || headers.has("Transfer-Encoding")) {
            throw new IllegalArgumentException("the client frames the body: give no Content-Length or Transfer-Encoding");
        }
    }

    /** A {@code GET} of {@code target} on {@code host}. */
    public static ClientRequest get(String host, String target) {
        return new ClientRequest("GET", target, Headers.of("Host", host), Content.empty(), false);
    }
}
