package mirage.tls.internal.crypto;

import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;

/**
 * The JDK's providers (SunJCE, SunEC, SunRsaSign: intrinsics for AES-GCM, SHA-2, X25519) for
 * every look-up of Bouncy Castle's TLS, with the one family of names the JDK lacks, TLS's RSA-PSS
 * signatures ({@code SHA256WITHRSAANDMGF1}...), from {@link RsaPssProvider}: the JDK's
 * {@code RSASSA-PSS} under those names.
 *
 * <p>Bouncy Castle's own JCA provider is not used: it registers nearly all of bcprov by computed
 * class names, which the link cannot see through, so an image using it kept 2.5 MB of classes
 * and the JDK modules they need (docs/decisions/0034).
 */
final class JdkJcaJceHelper extends DefaultJcaJceHelper {

    @Override
    public Signature createSignature(String algorithm) throws NoSuchAlgorithmException {
        return RsaPssProvider.serves(algorithm) ? Signature.getInstance(algorithm, RsaPssProvider.INSTANCE)
                : super.createSignature(algorithm);
    }
}
