/**
 * HTTP/1.1 (RFC 9110, RFC 9112) over any {@code mirage.core.Flow}: a server
 * ({@link mirage.http.HttpServer}: bounded request parsing, persistent connections, pipelining,
 * chunked bodies both ways, {@code Expect: 100-continue}, timeouts where the flow can time its
 * reads, lingering close) and a client ({@link mirage.http.HttpClient}: one exchange, bodies
 * delimited by Content-Length, chunked coding or the close; a body cut short is an error).
 * Signatures only in {@code mirage.http}; the parsers and the connection loops live in
 * {@code mirage.http.internal}. See docs/decisions/0047-mirage-http.md.
 */
module mirage.http {
    requires transitive mirage.core;

    exports mirage.http;
}
