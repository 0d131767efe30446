package mirage.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import mirage.tls.internal.cert.CertificateFiles;

/**
 * Which certificates a client trusts as roots when it checks a server's chain (RFC 5280 path
 * validation, no revocation checking).
 */
public sealed interface Trust permits Trust.Anchors, Trust.SystemBundle {

    /**
     * Exactly these trust anchors.
     *
     * @param certificates the anchors; a server certificate equal to one of them is trusted
     *                     directly (a self-signed development certificate, for example)
     */
    record Anchors(List<X509Certificate> certificates) implements Trust {
        /** @throws TlsConfigException if there is no anchor */
        public Anchors {
            certificates = List.copyOf(certificates);
            if (certificates.isEmpty()) {
                throw new TlsConfigException("a trust list needs at least one anchor certificate");
            }
        }
    }

    /** The JDK's bundle of public root certificates ({@code lib/security/cacerts}). */
    record SystemBundle() implements Trust {}

    /** @see Anchors */
    static Trust anchors(X509Certificate... certificates) {
        return new Anchors(Arrays.asList(certificates));
    }

    /**
     * The certificates of a PEM file as anchors.
     *
     * @throws TlsConfigException if the file cannot be read or holds no certificate
     */
    static Trust pem(Path file) {
        return new Anchors(CertificateFiles.readCertificates(file));
    }

    /** @see SystemBundle */
    static Trust system() {
        return new SystemBundle();
    }
}
