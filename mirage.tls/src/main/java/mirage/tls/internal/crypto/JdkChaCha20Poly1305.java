package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * ChaCha20-Poly1305 (RFC 8439) for Bouncy Castle's TLS record layer from the JDK's own
 * {@code ChaCha20-Poly1305} cipher (SunJCE, with intrinsics), where BC's JCA back-end would build
 * it from {@code ChaCha7539} and {@code Poly1305}, names only BC's provider has.
 */
final class JdkChaCha20Poly1305 implements TlsAEADCipherImpl {
    private static final int TAG = 16;
    private final boolean encrypt;
    private final Cipher cipher;
    private SecretKeySpec key;

    JdkChaCha20Poly1305(boolean encrypt) throws GeneralSecurityException {
        this.encrypt = encrypt;
        this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    }

    @Override
    public void setKey(byte[] bytes, int offset, int length) {
        key = new SecretKeySpec(bytes, offset, length, "ChaCha20");
    }

    @Override
    public void init(byte[] nonce, int macSize) throws IOException {
        if (macSize != TAG) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "ChaCha20-Poly1305 has a 16-byte tag, not " + macSize);
        }
        try {
            cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        return encrypt ? inputLength + TAG : Math.max(0, inputLength - TAG);
    }

    @Override
    public int doFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output,
            int outputOffset) throws IOException {
        try {
            if (additionalData != null) {
                cipher.updateAAD(additionalData);
            }
            return cipher.doFinal(input, inputOffset, inputLength, output, outputOffset);
        } catch (AEADBadTagException e) {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(encrypt ? AlertDescription.internal_error : AlertDescription.bad_record_mac, e);
        }
    }
}
