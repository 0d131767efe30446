package mirage.tls.internal.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.tls.Handshake;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.AlertDescription;

/** The {@link Handshake} record of a completed Bouncy Castle handshake. */
final class Results {
    private Results() {}

    /** @param group12 the ECDHE group of a TLS 1.2 handshake, which Bouncy Castle does not keep; -1 if none */
    static Handshake handshake(TlsContext context, Optional<String> serverName, int group12) throws IOException {
        SecurityParameters p = context.getSecurityParametersConnection();
        if (p == null) {
            p = context.getSecurityParametersHandshake();
        }
        var version = Codes.version(p.getNegotiatedVersion())
                .orElseThrow(() -> new TlsFatalAlert(AlertDescription.protocol_version));
        var suite = Codes.suite(p.getCipherSuite())
                .orElseThrow(() -> new TlsFatalAlert(AlertDescription.handshake_failure));
        Optional<String> alpn = p.getApplicationProtocol() == null ? Optional.empty()
                : Optional.of(p.getApplicationProtocol().getUtf8Decoding());
        int group = p.getNegotiatedGroup() >= 0 ? p.getNegotiatedGroup() : group12;
        return new Handshake(version, suite, p.isResumedSession() ? Optional.empty() : Codes.group(group),
                alpn, certificates(p.getPeerCertificate()), serverName, p.isResumedSession());
    }

    static List<X509Certificate> certificates(Certificate certificate) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        if (certificate == null) {
            return out;
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certificate.getLength(); i++) {
                out.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(certificate.getCertificateAt(i).getEncoded())));
            }
        } catch (CertificateException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "unparsable certificate", e);
        }
        return out;
    }
}
