package mirage.http;

import java.util.Objects;

/**
 * The final response of an exchange, its body already consumed.
 *
 * @param statusLine the status line without its line end, e.g. {@code HTTP/1.1 200 OK}
 * @param status the status code, 200-599 (or 100-199 never: interim responses are skipped)
 * @param headers the header fields
 * @param bodyLength how many body bytes were read (de-chunked)
 */
public record ClientResponse(String statusLine, int status, Headers headers, long bodyLength) {
    public ClientResponse {
        Objects.requireNonNull(statusLine, "statusLine");
        Objects.requireNonNull(headers, "headers");
    }
}
