package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Bouncy Castle's pure-Java back-end (X25519, ECDSA, Ed25519, RSA and the key schedule: measured
 * faster per handshake than the JDK's providers), with the JDK's SHA-2 digests under it
 * ({@link JdkDigest}: transcript hash, HMAC, HKDF, RFC 6979 nonces; intrinsics, ~8x Bouncy
 * Castle's) and record protection by the JDK's AES-GCM and ChaCha20-Poly1305 ciphers
 * (intrinsics: several times faster in bulk).
 */
final class HybridTlsCrypto extends BcTlsCrypto {

    HybridTlsCrypto(SecureRandom random) {
        super(random);
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
