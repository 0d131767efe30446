package mirage.tls.internal.engine;

import java.security.cert.CertificateParsingException;
import java.util.Collection;
import java.util.List;
import mirage.tls.Credentials;
import mirage.tls.internal.cert.HostNames;

/** Which credential a server presents for an SNI host name. */
final class Sni {
    private Sni() {}

    /** The first credential whose leaf has a DNS name matching {@code host}, else the first. */
    static Credentials choose(List<Credentials> credentials, String host) {
        for (Credentials c : credentials) {
            try {
                Collection<List<?>> sans = c.leaf().getSubjectAlternativeNames();
                if (sans == null) {
                    continue;
                }
                for (List<?> san : sans) {
                    if ((Integer) san.getFirst() == 2 && san.get(1) instanceof String dns && HostNames.matches(dns, host)) {
                        return c;
                    }
                }
            } catch (CertificateParsingException e) {
                // a certificate we cannot read names nothing
            }
        }
        return credentials.getFirst();
    }
}
