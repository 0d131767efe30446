package mirage.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a completed handshake agreed on.
 *
 * @param version          the negotiated protocol version
 * @param cipherSuite      the negotiated cipher suite
 * @param group            the key-exchange group; empty for a resumed TLS 1.2 session
 * @param alpn             the application protocol agreed through ALPN, if any
 * @param peerCertificates the peer's certificate chain, leaf first (empty for a client that
 *                         presented none)
 * @param serverName       the SNI host name: the one sent (client) or received (server)
 * @param resumed          whether an earlier session was resumed (TLS 1.2 session ID)
 */
public record Handshake(
        TlsVersion version,
        CipherSuite cipherSuite,
        Optional<NamedGroup> group,
        Optional<String> alpn,
        List<X509Certificate> peerCertificates,
        Optional<String> serverName,
        boolean resumed) {

    public Handshake {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(alpn, "alpn");
        peerCertificates = List.copyOf(peerCertificates);
        Objects.requireNonNull(serverName, "serverName");
    }
}
