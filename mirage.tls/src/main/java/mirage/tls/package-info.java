/**
 * TLS client and server configuration, credentials and trust, the TLS flow, and its typed
 * errors. Start with {@link mirage.tls.Tls#client} or {@link mirage.tls.Tls#server}.
 *
 * <p>Errors come in three kinds, by who can act: {@link mirage.tls.TlsConfigException} (the
 * operator, when a configuration or credential is built), {@link mirage.tls.TlsException.Fatal}
 * (this side refused the peer and sent an alert), and
 * {@link mirage.tls.TlsException.AlertReceived} (the peer refused us).
 */
package mirage.tls;
