package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import mirage.core.Rng;
import mirage.tls.Credentials;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/** The two Bouncy Castle crypto back-ends, made over an {@link Rng}, and signers for each. */
public final class Backends {
    private Backends() {}

    /**
     * JCA back-end: the JDK's providers for everything, ChaCha20-Poly1305 and RSA-PSS included
     * (JdkJcaJceHelper maps Bouncy Castle's RSA-PSS names to the JDK's RSASSA-PSS).
     */
    private static final JcaTlsCryptoProvider JCA_PROVIDER = new JcaTlsCryptoProvider() {
        private final JdkJcaJceHelper helper = new JdkJcaJceHelper();

        @Override
        public org.bouncycastle.jcajce.util.JcaJceHelper getHelper() {
            return helper;
        }

        @Override
        public JcaTlsCrypto create(java.security.SecureRandom keyRandom, java.security.SecureRandom nonceRandom) {
            return new MirageJcaTlsCrypto(helper, keyRandom, nonceRandom);
        }
    };

    /** A crypto back-end whose randomness is all drawn from {@code rng}. */
    public static TlsCrypto create(mirage.tls.Crypto kind, Rng rng) {
        RngSecureRandom random = new RngSecureRandom(rng);
        return switch (kind) {
            case JCA -> JCA_PROVIDER.create(random);
            case BOUNCY_CASTLE -> new BcTlsCrypto(random);
            case HYBRID -> new HybridTlsCrypto(random);
        };
    }

    /**
     * A signer presenting {@code credentials}, signing with {@code scheme}.
     *
     * @param tls13 whether the certificate message is TLS 1.3's (with a context and entries)
     */
    public static TlsCredentialedSigner signer(TlsCrypto crypto, TlsCryptoParameters parameters,
            Credentials credentials, SignatureAndHashAlgorithm scheme, boolean tls13) throws IOException {
        List<X509Certificate> chain = credentials.chain();
        TlsCertificate[] certificates = new TlsCertificate[chain.size()];
        try {
            for (int i = 0; i < certificates.length; i++) {
                certificates[i] = crypto.createCertificate(chain.get(i).getEncoded());
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode a certificate of our own chain", e);
        }
        Certificate certificate;
        if (tls13) {
            CertificateEntry[] entries = new CertificateEntry[certificates.length];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = new CertificateEntry(certificates[i], null);
            }
            certificate = new Certificate(new byte[0], entries);
        } else {
            certificate = new Certificate(certificates);
        }
        if (crypto instanceof JcaTlsCrypto jca) {
            java.security.PrivateKey key = credentials.key();
            if (key instanceof java.security.interfaces.EdECPrivateKey ed && !"Ed25519".equals(key.getAlgorithm())) {
                key = new Ed25519Key(ed); // Bouncy Castle picks its Ed25519 signer by this name; the JDK says "EdDSA"
            }
            return new JcaDefaultTlsCredentialedSigner(parameters, jca, key, certificate, scheme);
        }
        AsymmetricKeyParameter key = PrivateKeyFactory.createKey(credentials.key().getEncoded());
        return new BcDefaultTlsCredentialedSigner(parameters, (BcTlsCrypto) crypto, key, certificate, scheme);
    }
}
