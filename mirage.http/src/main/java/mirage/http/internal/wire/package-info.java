/**
 * HTTP/1.1 message heads as bytes (RFC 9112 sections 2-6): the request head parser, the
 * response head parser and the head writers. Stateless: every parser takes the bytes received
 * so far and answers a head, "more", or a refusal; none throws for any bytes.
 */
package mirage.http.internal.wire;
