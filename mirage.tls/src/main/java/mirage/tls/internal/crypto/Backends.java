package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;
import mirage.core.Rng;
import mirage.tls.Credentials;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.DefaultTlsCredentialedSigner;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
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
     * A server's crypto back-end: as {@link #create}, and for {@link mirage.tls.Crypto#HYBRID}
     * with the {@link Reserve} of {@code rng}, whose precomputed X25519 key share and P-256
     * signing nonce its handshakes take when ready (decision 0081). The other back-ends compute
     * everything inline, as before.
     */
    public static TlsCrypto server(mirage.tls.Crypto kind, Rng rng) {
        if (kind == mirage.tls.Crypto.HYBRID) {
            return new HybridTlsCrypto(new RngSecureRandom(rng), Reserve.of(rng));
        }
        return create(kind, rng);
    }

    /** The reserve a server back-end of {@link #server} takes precomputed values from, or null. */
    public static Reserve reserve(TlsCrypto crypto) {
        return crypto instanceof HybridTlsCrypto hybrid ? hybrid.reserve() : null;
    }

    /**
     * A signer presenting {@code credentials}, signing with {@code scheme}. The chain's encodings
     * and Bouncy Castle's form of the chain and the key are made once per credentials (see
     * {@link Presented}), not per handshake.
     *
     * @param tls13 whether the certificate message is TLS 1.3's (with a context and entries)
     */
    public static TlsCredentialedSigner signer(TlsCrypto crypto, TlsCryptoParameters parameters,
            Credentials credentials, SignatureAndHashAlgorithm scheme, boolean tls13) throws IOException {
        Presented presented = Presented.of(credentials);
        List<X509Certificate> chain = credentials.chain();
        TlsCertificate[] certificates = new TlsCertificate[chain.size()];
        for (int i = 0; i < certificates.length; i++) {
            certificates[i] = crypto instanceof JcaTlsCrypto jca
                    ? new JcaTlsCertificate(jca, chain.get(i))
                    : new EncodedBcCertificate((BcTlsCrypto) crypto, presented.parsed[i], presented.encoded[i]);
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
        AsymmetricKeyParameter key = presented.key();
        if (tls13 && crypto instanceof HybridTlsCrypto && key instanceof ECPrivateKeyParameters ec && ec.getParameters().getCurve() instanceof SecP256R1Curve
                && SignatureScheme.from(scheme) == SignatureScheme.ecdsa_secp256r1_sha256) {
            return new DefaultTlsCredentialedSigner(parameters, new P256Tls13Signer((BcTlsCrypto) crypto, ec, ((HybridTlsCrypto) crypto).reserve()),
                    certificate, scheme);
        }
        return new BcDefaultTlsCredentialedSigner(parameters, (BcTlsCrypto) crypto, key, certificate, scheme);
    }

    /**
     * What a server presents for one {@link Credentials}, computed on its first handshake and
     * kept: the DER of each certificate (as the certificate was read, sent as is), Bouncy
     * Castle's parsed form of each, and Bouncy Castle's form of the private key (made on first
     * use: the JCA back-end signs with the JDK key). All immutable, shared by every handshake.
     * At most {@value #KEPT} credentials are kept (a program making credentials by the thousand
     * does not grow this without bound; a server has a few).
     */
    static final class Presented {
        static final int KEPT = 64;
        /** Credentials by identity. */
        private static final IdentityTable<Credentials, Presented> CACHE = new IdentityTable<>(KEPT, dropped -> {});

        final byte[][] encoded;
        final org.bouncycastle.asn1.x509.Certificate[] parsed;
        private final PrivateKey privateKey;
        private volatile AsymmetricKeyParameter key;

        private Presented(Credentials credentials) throws IOException {
            List<X509Certificate> chain = credentials.chain();
            encoded = new byte[chain.size()][];
            parsed = new org.bouncycastle.asn1.x509.Certificate[chain.size()];
            for (int i = 0; i < encoded.length; i++) {
                try {
                    encoded[i] = chain.get(i).getEncoded();
                } catch (CertificateEncodingException e) {
                    throw new IOException("cannot encode a certificate of our own chain", e);
                }
                parsed[i] = BcTlsCertificate.parseCertificate(encoded[i]);
            }
            privateKey = credentials.key();
        }

        static Presented of(Credentials credentials) throws IOException {
            return CACHE.get(credentials, Presented::new);
        }

        /** How many credentials are kept now. */
        static int kept() {
            return CACHE.size();
        }

        /** Bouncy Castle's form of the private key. */
        AsymmetricKeyParameter key() throws IOException {
            AsymmetricKeyParameter k = key;
            if (k == null) {
                k = PrivateKeyFactory.createKey(privateKey.getEncoded());
                key = k;
            }
            return k;
        }
    }

    /** A certificate of our own chain that encodes as it was read, without encoding it again. */
    private static final class EncodedBcCertificate extends BcTlsCertificate {
        private final byte[] encoded;

        EncodedBcCertificate(BcTlsCrypto crypto, org.bouncycastle.asn1.x509.Certificate parsed, byte[] encoded) {
            super(crypto, parsed);
            this.encoded = encoded;
        }

        @Override
        public byte[] getEncoded() {
            return encoded.clone();
        }
    }
}
