package mirage.http;

import java.util.Objects;

/**
 * A request as the server hands it to a {@link Handler}.
 *
 * @param method the method token, case as sent ({@code GET}, {@code PUT}, ...)
 * @param target the request target as sent (origin form {@code /path?query} for most)
 * @param minorVersion 1 for HTTP/1.1, 0 for HTTP/1.0
 * @param headers the header fields, in order
 * @param body the request body (an empty one when the request has none); readable while the
 *     handler runs, not after
 */
public record Request(String method, String target, int minorVersion, Headers headers, Body body) {
    public Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** The target's path: the target up to a {@code ?}, if any. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
