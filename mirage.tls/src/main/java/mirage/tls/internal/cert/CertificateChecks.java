package mirage.tls.internal.cert;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import mirage.tls.Alert;
import mirage.tls.TlsException.Failure;
import mirage.tls.Trust;

/**
 * How a client checks a server's chain, in this order so that the error says the most useful
 * thing: validity dates of every certificate sent (expired, not yet valid), the host name
 * (RFC 6125: subject alternative names only, no common-name fallback), the leaf's extended key
 * usage (serverAuth, if the extension is present), then RFC 5280 path validation to a trust
 * anchor at {@code now} (no revocation checking).
 */
public final class CertificateChecks {
    private CertificateChecks() {}

    private static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String EKU_ANY = "2.5.29.37.0";

    public static void checkServer(List<X509Certificate> chain, String host, Trust trust, Instant now)
            throws CertificateFailure {
        if (chain.isEmpty()) {
            throw new CertificateFailure(Failure.CERTIFICATE_INVALID, Alert.CERTIFICATE_REQUIRED,
                    "the server sent no certificate", null);
        }
        Date date = Date.from(now);
        for (X509Certificate c : chain) {
            try {
                c.checkValidity(date);
            } catch (CertificateExpiredException e) {
                throw new CertificateFailure(Failure.CERTIFICATE_EXPIRED, Alert.CERTIFICATE_EXPIRED,
                        "certificate " + c.getSubjectX500Principal() + " expired at " + c.getNotAfter().toInstant()
                                + " (now " + now + ")", e);
            } catch (CertificateNotYetValidException e) {
                throw new CertificateFailure(Failure.CERTIFICATE_NOT_YET_VALID, Alert.CERTIFICATE_EXPIRED,
                        "certificate " + c.getSubjectX500Principal() + " is not valid before "
                                + c.getNotBefore().toInstant() + " (now " + now + ")", e);
            }
        }
        X509Certificate leaf = chain.getFirst();
        if (!namesHost(leaf, host)) {
            throw new CertificateFailure(Failure.CERTIFICATE_WRONG_HOST, Alert.BAD_CERTIFICATE,
                    "the server's certificate does not name " + host + " (its names: " + names(leaf) + ")", null);
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(EKU_SERVER_AUTH) && !eku.contains(EKU_ANY)) {
                throw new CertificateFailure(Failure.CERTIFICATE_INVALID, Alert.UNSUPPORTED_CERTIFICATE,
                        "the server's certificate is not for TLS server authentication (extended key usage " + eku + ")",
                        null);
            }
        } catch (CertificateParsingException e) {
            throw new CertificateFailure(Failure.CERTIFICATE_INVALID, Alert.BAD_CERTIFICATE,
                    "the server's certificate has a malformed extended key usage", e);
        }
        Collection<X509Certificate> anchors = anchors(trust);
        if (anchors.contains(leaf)) {
            return;
        }
        List<X509Certificate> path = chain;
        for (int i = 1; i < chain.size(); i++) {
            if (anchors.contains(chain.get(i))) {
                path = chain.subList(0, i);
                break;
            }
        }
        try {
            Set<TrustAnchor> set = new HashSet<>();
            for (X509Certificate a : anchors) {
                set.add(new TrustAnchor(a, null));
            }
            PKIXParameters parameters = new PKIXParameters(set);
            parameters.setRevocationEnabled(false);
            parameters.setDate(date);
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
        } catch (CertPathValidatorException e) {
            throw new CertificateFailure(Failure.CERTIFICATE_UNTRUSTED, Alert.UNKNOWN_CA,
                    "the server's chain does not lead to a trusted root: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateFailure(Failure.CERTIFICATE_UNTRUSTED, Alert.UNKNOWN_CA,
                    "the server's chain cannot be validated: " + e.getMessage(), e);
        }
    }

    static boolean namesHost(X509Certificate leaf, String host) {
        Optional<InetAddress> ip = HostNames.ipLiteral(host);
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            int type = (Integer) san.getFirst();
            Object value = san.get(1);
            if (ip.isEmpty() && type == 2 && value instanceof String dns && HostNames.matches(dns, host)) {
                return true;
            }
            if (ip.isPresent() && type == 7 && value instanceof String address) {
                Optional<InetAddress> named = HostNames.ipLiteral(address);
                if (named.isPresent() && Arrays.equals(named.get().getAddress(), ip.get().getAddress())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String names(X509Certificate leaf) {
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            return sans == null ? "none" : sans.stream().map(l -> String.valueOf(l.get(1))).toList().toString();
        } catch (CertificateParsingException e) {
            return "unreadable";
        }
    }

    private static Collection<X509Certificate> anchors(Trust trust) {
        return switch (trust) {
            case Trust.Anchors a -> a.certificates();
            case Trust.SystemBundle s -> SystemAnchors.ALL;
        };
    }

    /** The JDK's default trust store, read once on first use. */
    private static final class SystemAnchors {
        static final List<X509Certificate> ALL = load();

        private static List<X509Certificate> load() {
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init((KeyStore) null);
                for (TrustManager m : factory.getTrustManagers()) {
                    if (m instanceof X509TrustManager x) {
                        return List.of(x.getAcceptedIssuers());
                    }
                }
                return List.of();
            } catch (GeneralSecurityException e) {
                return List.of();
            }
        }
    }
}
