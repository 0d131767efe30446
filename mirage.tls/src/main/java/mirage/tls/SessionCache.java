package mirage.tls;

import mirage.tls.internal.session.MemorySessionCache;

/**
 * Where sessions are kept for resumption. A client keeps the last session per server name; a
 * server keeps sessions by session ID. Bouncy Castle 1.84 resumes TLS 1.2 sessions by session
 * ID only: it ignores TLS 1.3 tickets as a client and issues none as a server, so TLS 1.3
 * connections always run a full handshake (docs/decisions/0018).
 *
 * <p>Thread-safe: one cache may serve many connections at once. Not for users to implement.
 */
public sealed interface SessionCache permits MemorySessionCache {

    /** A cache holding up to {@code capacity} sessions, least recently used evicted first. */
    static SessionCache memory(int capacity) {
        if (capacity < 1) {
            throw new TlsConfigException("a session cache needs room for at least 1 session, not " + capacity);
        }
        return new MemorySessionCache(capacity);
    }

    /** A cache that keeps nothing: every handshake is a full one. */
    static SessionCache none() {
        return MemorySessionCache.NONE;
    }

    /** How many sessions are kept now. */
    int size();
}
