/**
 * HTTP/1.1 signatures: {@link mirage.http.HttpServer} serves one connection with a
 * {@link mirage.http.Handler}; {@link mirage.http.HttpClient} makes one exchange. Requests and
 * responses are values ({@link mirage.http.Request}, {@link mirage.http.Response},
 * {@link mirage.http.Headers}); bodies stream ({@link mirage.http.Body} in,
 * {@link mirage.http.Content} out).
 *
 * <h2>Writes</h2>
 * A response or request whose body is in memory leaves as one {@code Flow.writev} of head and
 * body (one segment, one TLS record, when it fits); a body written in pieces is corked with its
 * head; responses to pipelined requests already received stay corked until every one of them is
 * answered (docs/decisions/0030).
 */
package mirage.http;
