package mirage.tls.internal.engine;

import java.util.List;
import java.util.Optional;
import java.util.Vector;
import mirage.tls.CipherSuite;
import mirage.tls.NamedGroup;
import mirage.tls.TlsVersion;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;

/** Conversions between this module's enums and Bouncy Castle's code points. */
final class Codes {
    private Codes() {}

    static ProtocolVersion[] versions(List<TlsVersion> versions) {
        // Bouncy Castle wants them newest first.
        return versions.stream().sorted((a, b) -> b.code() - a.code())
                .map(v -> v == TlsVersion.TLS_1_3 ? ProtocolVersion.TLSv13 : ProtocolVersion.TLSv12)
                .toArray(ProtocolVersion[]::new);
    }

    static int[] suites(List<CipherSuite> suites) {
        return suites.stream().mapToInt(CipherSuite::code).toArray();
    }

    static Optional<TlsVersion> version(ProtocolVersion v) {
        if (ProtocolVersion.TLSv13.equals(v)) {
            return Optional.of(TlsVersion.TLS_1_3);
        }
        if (ProtocolVersion.TLSv12.equals(v)) {
            return Optional.of(TlsVersion.TLS_1_2);
        }
        return Optional.empty();
    }

    static Optional<CipherSuite> suite(int code) {
        for (CipherSuite s : CipherSuite.values()) {
            if (s.code() == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    static Optional<NamedGroup> group(int code) {
        for (NamedGroup g : NamedGroup.values()) {
            if (g.code() == code) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** The signature schemes a client offers: no SHA-1, no DSA. */
    static Vector<SignatureAndHashAlgorithm> signatureSchemes() {
        int[] schemes = {
            SignatureScheme.ed25519,
            SignatureScheme.ecdsa_secp256r1_sha256,
            SignatureScheme.ecdsa_secp384r1_sha384,
            SignatureScheme.ecdsa_secp521r1_sha512,
            SignatureScheme.rsa_pss_rsae_sha256,
            SignatureScheme.rsa_pss_rsae_sha384,
            SignatureScheme.rsa_pss_rsae_sha512,
            SignatureScheme.rsa_pss_pss_sha256,
            SignatureScheme.rsa_pss_pss_sha384,
            SignatureScheme.rsa_pss_pss_sha512,
            SignatureScheme.rsa_pkcs1_sha256,
            SignatureScheme.rsa_pkcs1_sha384,
            SignatureScheme.rsa_pkcs1_sha512,
        };
        Vector<SignatureAndHashAlgorithm> out = new Vector<>();
        for (int s : schemes) {
            out.add(SignatureScheme.getSignatureAndHashAlgorithm(s));
        }
        return out;
    }
}
