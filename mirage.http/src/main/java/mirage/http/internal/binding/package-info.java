/**
 * HTTP over a {@code mirage.core.Flow}: the server's connection loop and the client's exchange.
 * They own the flow's reads and writes; the parsers and the chunked coding come from
 * {@code wire} and {@code engine}.
 */
package mirage.http.internal.binding;
