package mirage.tls.internal.cert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import mirage.tls.CipherSuite;
import mirage.tls.TlsConfigException;

/** Kinds of keys this module signs with, and the check that a key belongs to a certificate. */
public final class Keys {
    private Keys() {}

    /** What a key can sign, as TLS sees it. */
    public enum Kind {
        ECDSA_P256,
        ECDSA_P384,
        ECDSA_P521,
        ED25519,
        RSA
    }

    /**
     * The kind of a public key.
     *
     * @throws TlsConfigException for any other key (DSA, Ed448, short RSA, other curves)
     */
    public static Kind kind(PublicKey key) {
        String algorithm = key.getAlgorithm();
        if (key instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256 -> Kind.ECDSA_P256;
                case 384 -> Kind.ECDSA_P384;
                case 521 -> Kind.ECDSA_P521;
                default -> throw new TlsConfigException("ECDSA keys must be on P-256, P-384 or P-521, not a "
                        + bits + "-bit curve");
            };
        }
        if (key instanceof RSAKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < 2048) {
                throw new TlsConfigException("RSA keys must have at least 2048 bits, not " + bits);
            }
            return Kind.RSA;
        }
        if (algorithm.equals("Ed25519") || (algorithm.equals("EdDSA") && key.getEncoded().length == 44)) {
            return Kind.ED25519;
        }
        throw new TlsConfigException("unsupported key algorithm " + algorithm
                + ": use ECDSA (P-256, P-384, P-521), Ed25519 or RSA (2048 bits or more)");
    }

    /** Whether a TLS 1.2 suite can authenticate with a key of this kind (always true for TLS 1.3). */
    public static boolean suits(Kind kind, CipherSuite suite) {
        return switch (suite) {
            case TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 -> kind != Kind.RSA;
            case TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 -> kind == Kind.RSA;
            default -> true;
        };
    }

    /**
     * Checks that {@code key} is the private half of {@code certificate}'s public key, by signing
     * a fixed message and verifying the signature.
     *
     * @throws TlsConfigException if it is not, or the key is of an unsupported kind
     */
    public static void checkPair(X509Certificate certificate, PrivateKey key) {
        Kind kind = kind(certificate.getPublicKey());
        String algorithm = switch (kind) {
            case ECDSA_P256, ECDSA_P384, ECDSA_P521 -> "SHA256withECDSA";
            case ED25519 -> "Ed25519";
            case RSA -> "SHA256withRSA";
        };
        byte[] message = "mirage.tls key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(message);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsConfigException("the private key (" + key.getAlgorithm()
                    + ") cannot sign for the certificate of " + certificate.getSubjectX500Principal()
                    + " (" + certificate.getPublicKey().getAlgorithm() + "): " + e.getMessage(), e);
        }
        if (!matches) {
            throw new TlsConfigException("the private key does not belong to the certificate of "
                    + certificate.getSubjectX500Principal());
        }
    }
}
