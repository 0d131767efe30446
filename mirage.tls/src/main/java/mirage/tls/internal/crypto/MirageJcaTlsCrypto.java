package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipher;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/** Bouncy Castle's JCA back-end, with ChaCha20-Poly1305 from the JDK ({@link JdkChaCha20Poly1305}). */
final class MirageJcaTlsCrypto extends JcaTlsCrypto {

    MirageJcaTlsCrypto(JcaJceHelper helper, SecureRandom keyRandom, SecureRandom nonceRandom) {
        super(helper, keyRandom, nonceRandom);
    }

    @Override
    public boolean hasEncryptionAlgorithm(int encryptionAlgorithm) {
        return encryptionAlgorithm == EncryptionAlgorithm.CHACHA20_POLY1305 || super.hasEncryptionAlgorithm(encryptionAlgorithm);
    }

    @Override
    public TlsCipher createCipher(TlsCryptoParameters parameters, int encryptionAlgorithm, int macAlgorithm)
            throws IOException {
        if (encryptionAlgorithm != EncryptionAlgorithm.CHACHA20_POLY1305) {
            return super.createCipher(parameters, encryptionAlgorithm, macAlgorithm);
        }
        try {
            return new TlsAEADCipher(parameters, new JdkChaCha20Poly1305(true), new JdkChaCha20Poly1305(false), 32, 16,
                    TlsAEADCipher.AEAD_CHACHA20_POLY1305, null);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }
}
