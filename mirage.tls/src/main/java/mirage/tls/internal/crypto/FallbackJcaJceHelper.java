package mirage.tls.internal.crypto;

import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The JDK's providers first (SunJCE, SunEC, SunRsaSign: intrinsics for AES-GCM, SHA-2, X25519),
 * then Bouncy Castle's provider for the names the JDK lacks under the names Bouncy Castle's TLS
 * asks for: {@code ChaCha7539} with {@code Poly1305} (unused once {@link MirageJcaTlsCrypto} takes
 * ChaCha20-Poly1305 from the JDK),
 * {@code SHA256WITHRSAANDMGF1} (RSA-PSS). The Bouncy Castle provider is never registered in
 * {@link java.security.Security}: it serves only these look-ups.
 */
final class FallbackJcaJceHelper extends DefaultJcaJceHelper {

    private static final class Fallback {
        static final Provider PROVIDER = new BouncyCastleProvider();
        static final ProviderJcaJceHelper HELPER = new ProviderJcaJceHelper(PROVIDER);
    }

    /** A look-up of {@code T} by algorithm name; {@code E} is what else it may throw. */
    private interface Lookup<T, E extends Exception> {
        T get() throws NoSuchAlgorithmException, E;
    }

    /** The JDK's {@code T} if it has the algorithm, else Bouncy Castle's. */
    private static <T, E extends Exception> T jdkFirst(Lookup<T, E> jdk, Lookup<T, E> fallback)
            throws NoSuchAlgorithmException, E {
        try {
            return jdk.get();
        } catch (NoSuchAlgorithmException e) {
            return fallback.get();
        }
    }

    @Override
    public Cipher createCipher(String algorithm) throws NoSuchAlgorithmException, NoSuchPaddingException {
        return jdkFirst(() -> super.createCipher(algorithm), () -> Fallback.HELPER.createCipher(algorithm));
    }

    @Override
    public Mac createMac(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createMac(algorithm), () -> Fallback.HELPER.createMac(algorithm));
    }

    @Override
    public KeyAgreement createKeyAgreement(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createKeyAgreement(algorithm), () -> Fallback.HELPER.createKeyAgreement(algorithm));
    }

    @Override
    public AlgorithmParameters createAlgorithmParameters(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createAlgorithmParameters(algorithm), () -> Fallback.HELPER.createAlgorithmParameters(algorithm));
    }

    @Override
    public KeyGenerator createKeyGenerator(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createKeyGenerator(algorithm), () -> Fallback.HELPER.createKeyGenerator(algorithm));
    }

    @Override
    public KeyFactory createKeyFactory(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createKeyFactory(algorithm), () -> Fallback.HELPER.createKeyFactory(algorithm));
    }

    @Override
    public KeyPairGenerator createKeyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createKeyPairGenerator(algorithm), () -> Fallback.HELPER.createKeyPairGenerator(algorithm));
    }

    @Override
    public MessageDigest createMessageDigest(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createMessageDigest(algorithm), () -> Fallback.HELPER.createMessageDigest(algorithm));
    }

    @Override
    public MessageDigest createDigest(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createDigest(algorithm), () -> Fallback.HELPER.createDigest(algorithm));
    }

    @Override
    public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
        return jdkFirst(() -> super.createSignature(algorithm), () -> Fallback.HELPER.createSignature(algorithm));
    }

}
