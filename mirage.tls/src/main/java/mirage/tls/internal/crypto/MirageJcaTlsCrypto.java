package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * Bouncy Castle's JCA back-end, with AEAD records (AES-GCM, and ChaCha20-Poly1305, which BC would
 * build from two names only its own provider has) protected by {@link JdkRecordCipher}.
 */
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
        TlsCipher jdk = JdkRecordCipher.create(parameters, encryptionAlgorithm);
        return jdk != null ? jdk : super.createCipher(parameters, encryptionAlgorithm, macAlgorithm);
    }
}
