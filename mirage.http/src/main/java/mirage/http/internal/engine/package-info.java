/**
 * The chunked transfer coding (RFC 9112 section 7.1) as a sans-IO decoder fed the bytes as they
 * arrive, and the encoder's framing.
 */
package mirage.http.internal.engine;
