package mirage.http.internal.wire;

/** How a message body is delimited (RFC 9112 section 6.3). */
public enum Framing {
    /** No body. */
    NONE,
    /** Exactly Content-Length bytes. */
    LENGTH,
    /** The chunked coding: the body ends with its last (zero-size) chunk. */
    CHUNKED,
    /** The body ends when the connection does (responses only). */
    CLOSE
}
