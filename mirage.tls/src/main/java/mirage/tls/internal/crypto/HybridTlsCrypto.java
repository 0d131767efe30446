package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.TlsECDomain;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.crypto.impl.bc.BcX25519;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Bouncy Castle's pure-Java back-end (X25519, ECDSA, Ed25519, RSA and the key schedule: measured
 * faster per handshake than the JDK's providers), with the JDK's SHA-2 digests under it
 * ({@link JdkDigest}: transcript hash, HMAC, HKDF, RFC 6979 nonces; intrinsics, ~8x Bouncy
 * Castle's) and record protection by the JDK's AES-GCM and ChaCha20-Poly1305 ciphers
 * (intrinsics: several times faster in bulk).
 */
final class HybridTlsCrypto extends BcTlsCrypto {
    /** A server's precomputed key share and signing nonce (decision 0081), or null (a client). */
    private final Reserve reserve;

    HybridTlsCrypto(SecureRandom random) {
        this(random, null);
    }

    HybridTlsCrypto(SecureRandom random, Reserve reserve) {
        super(random);
        this.reserve = reserve;
    }

    /** The server's reserve, or null. */
    Reserve reserve() {
        return reserve;
    }

    /** A server's X25519 key share comes from its {@link Reserve} when one is ready. */
    @Override
    public TlsECDomain createECDomain(TlsECConfig ecConfig) {
        if (reserve != null && ecConfig.getNamedGroup() == NamedGroup.x25519) {
            return () -> new ReservedX25519(this, reserve);
        }
        return super.createECDomain(ecConfig);
    }

    /**
     * Bouncy Castle's X25519 agreement whose key pair is the reserve's precomputed one when one
     * is ready, else made here as Bouncy Castle makes it. The private key is wiped by the
     * agreement ({@code calculateSecret}), as Bouncy Castle's own.
     */
    static final class ReservedX25519 extends BcX25519 {
        private final Reserve reserve;

        ReservedX25519(BcTlsCrypto crypto, Reserve reserve) {
            super(crypto);
            this.reserve = reserve;
        }

        @Override
        public byte[] generateEphemeral() throws IOException {
            Reserve.KeyShare share = reserve.takeKeyShare();
            if (share == null) {
                return super.generateEphemeral();
            }
            System.arraycopy(share.privateKey, 0, privateKey, 0, privateKey.length);
            share.wipe();
            return share.publicKey.clone();
        }
    }

    @Override
    public TlsCipher createCipher(TlsCryptoParameters parameters, int encryptionAlgorithm, int macAlgorithm)
            throws IOException {
        TlsCipher jdk = JdkRecordCipher.create(parameters, encryptionAlgorithm);
        return jdk != null ? jdk : super.createCipher(parameters, encryptionAlgorithm, macAlgorithm);
    }

    @Override
    public Digest createDigest(int cryptoHashAlgorithm) {
        Digest jdk = JdkDigest.create(cryptoHashAlgorithm);
        return jdk != null ? jdk : super.createDigest(cryptoHashAlgorithm);
    }

    @Override
    public Digest cloneDigest(int cryptoHashAlgorithm, Digest digest) {
        return digest instanceof JdkDigest jdk ? (Digest) jdk.copy() : super.cloneDigest(cryptoHashAlgorithm, digest);
    }
}
