package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipher;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Bouncy Castle's pure-Java back-end (X25519, ECDSA, Ed25519, RSA, hashes and key schedule:
 * measured faster per handshake than the JDK's providers), with record protection by the
 * JDK's AES-GCM and ChaCha20-Poly1305 ciphers (intrinsics: several times faster in bulk).
 */
final class HybridTlsCrypto extends BcTlsCrypto {

    HybridTlsCrypto(SecureRandom random) {
        super(random);
    }

    @Override
    public TlsCipher createCipher(TlsCryptoParameters parameters, int encryptionAlgorithm, int macAlgorithm)
            throws IOException {
        try {
            return switch (encryptionAlgorithm) {
                case EncryptionAlgorithm.AES_128_GCM -> new TlsAEADCipher(parameters, new JdkAesGcm(true),
                        new JdkAesGcm(false), 16, 16, TlsAEADCipher.AEAD_GCM, null);
                case EncryptionAlgorithm.AES_256_GCM -> new TlsAEADCipher(parameters, new JdkAesGcm(true),
                        new JdkAesGcm(false), 32, 16, TlsAEADCipher.AEAD_GCM, null);
                case EncryptionAlgorithm.CHACHA20_POLY1305 -> new TlsAEADCipher(parameters,
                        new JdkChaCha20Poly1305(true), new JdkChaCha20Poly1305(false), 32, 16,
                        TlsAEADCipher.AEAD_CHACHA20_POLY1305, null);
                default -> super.createCipher(parameters, encryptionAlgorithm, macAlgorithm);
            };
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }
}
