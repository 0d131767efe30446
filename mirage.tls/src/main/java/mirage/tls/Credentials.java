package mirage.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import mirage.core.Rng;
import mirage.tls.internal.cert.CertificateFiles;
import mirage.tls.internal.cert.Keys;
import mirage.tls.internal.cert.SelfSigned;

/**
 * A certificate chain and the private key of its first certificate: what a server presents.
 *
 * <p>Checked when built: the chain is not empty, the key is an ECDSA (P-256, P-384, P-521),
 * Ed25519 or RSA (at least 2048 bits) key, and it belongs to the leaf certificate (a test
 * signature made with the key verifies with the certificate's public key). Validity dates are
 * not checked here: an expired certificate is a peer's problem, reported on connection.
 *
 * @param chain the chain, leaf first, each certificate issued by the next (not checked)
 * @param key   the leaf's private key
 */
public record Credentials(List<X509Certificate> chain, PrivateKey key) {

    /** Key types for {@link #selfSigned}. */
    public enum KeyType {
        ECDSA_P256,
        ECDSA_P384,
        ED25519,
        RSA_2048
    }

    /** @throws TlsConfigException if the chain is empty or the key is unusable or does not match */
    public Credentials {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new TlsConfigException("a certificate chain needs at least one certificate");
        }
        Keys.checkPair(chain.getFirst(), key);
    }

    /** The leaf certificate, the one the key belongs to. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /**
     * Reads a PEM certificate chain (one or more {@code CERTIFICATE} blocks, leaf first) and a
     * PEM private key ({@code PRIVATE KEY} (PKCS#8), {@code EC PRIVATE KEY} or
     * {@code RSA PRIVATE KEY}; not encrypted).
     *
     * @throws TlsConfigException if a file cannot be read or parsed, or the pair is unusable
     */
    public static Credentials pem(Path chainFile, Path keyFile) {
        return new Credentials(CertificateFiles.readCertificates(chainFile), CertificateFiles.readPrivateKey(keyFile));
    }

    /** As {@link #pem(Path, Path)}, from PEM text. */
    public static Credentials pem(String chainPem, String keyPem) {
        return new Credentials(CertificateFiles.parseCertificates(chainPem, "the certificate text"),
                CertificateFiles.parsePrivateKey(keyPem, "the key text"));
    }

    /**
     * Reads the one private-key entry of a PKCS#12 file and its chain.
     *
     * @throws TlsConfigException if the file cannot be read, the password is wrong, or it does not
     *     hold exactly one private-key entry
     */
    public static Credentials pkcs12(Path file, char[] password) {
        return CertificateFiles.readPkcs12(file, password);
    }

    /**
     * A new key pair and a self-signed certificate for {@code hostName} (subject CN and a DNS
     * subject alternative name; an IP address literal becomes an IP address name), for
     * development. Serial number and key come from {@code rng}.
     *
     * @param notBefore start of validity; the end is {@code notBefore + validity}
     * @throws TlsConfigException if the host name is not a valid DNS name or IP literal, or the
     *     validity is not positive
     */
    public static Credentials selfSigned(String hostName, KeyType keyType, Rng rng, Instant notBefore, Duration validity) {
        return SelfSigned.generate(hostName, keyType, rng, notBefore, validity);
    }
}
