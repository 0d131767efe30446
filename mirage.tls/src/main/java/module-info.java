/**
 * TLS 1.2 and 1.3, client and server, over any {@code mirage.core.Flow}: a sans-IO engine over
 * Bouncy Castle's non-blocking TLS protocol (docs/decisions/0018). Exports only the signature,
 * package {@code mirage.tls}.
 */
module mirage.tls {
    requires transitive mirage.core;
    requires transitive mirage.kv; // ServerConfig.fromStore reads credentials from a KvRo
    requires org.bouncycastle.tls;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;

    exports mirage.tls;
}
