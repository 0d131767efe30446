package mirage.tls.internal.crypto;

import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/** AES-GCM for Bouncy Castle's TLS record layer from the JDK's cipher (SunJCE, AES-NI/VAES intrinsics). */
final class JdkAesGcm implements TlsAEADCipherImpl {
    private final boolean encrypt;
    private final Cipher cipher;
    private SecretKeySpec key;

    JdkAesGcm(boolean encrypt) throws GeneralSecurityException {
        this.encrypt = encrypt;
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    }

    @Override
    public void setKey(byte[] bytes, int offset, int length) {
        key = new SecretKeySpec(bytes, offset, length, "AES");
    }

    private int tag = 16;

    @Override
    public void init(byte[] nonce, int macSize) throws IOException {
        tag = macSize;
        try {
            cipher.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new GCMParameterSpec(macSize * 8, nonce));
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        return encrypt ? inputLength + tag : Math.max(0, inputLength - tag);
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
