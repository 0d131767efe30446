package mirage.tls.internal.crypto;

import java.io.IOException;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.NullDigest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsSigner;

/**
 * TLS 1.3's {@code ecdsa_secp256r1_sha256} signature (the CertificateVerify of a server with a
 * P-256 key) as Bouncy Castle's {@code BcTlsECDSA13Signer} makes it: ECDSA with RFC 6979
 * deterministic nonces (HMAC-SHA-256 over the back-end's digest), DER-encoded; only {@code k G}
 * is computed by {@link P256BaseMultiplier} instead of Bouncy Castle's comb. The same key and
 * message give the same signature as Bouncy Castle's signer (tested).
 *
 * <p>One instance per handshake, like every {@code TlsSigner}; not thread-safe.
 */
public final class P256Tls13Signer extends BcTlsSigner {

    public P256Tls13Signer(BcTlsCrypto crypto, ECPrivateKeyParameters key) {
        super(crypto, key);
    }

    @Override
    public byte[] generateRawSignature(SignatureAndHashAlgorithm algorithm, byte[] hash) throws IOException {
        if (algorithm == null || SignatureScheme.from(algorithm) != SignatureScheme.ecdsa_secp256r1_sha256) {
            throw new IllegalStateException("Invalid algorithm: " + algorithm);
        }
        ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(crypto.createDigest(CryptoHashAlgorithm.sha256))) {
            @Override
            protected ECMultiplier createBasePointMultiplier() {
                return P256BaseMultiplier.INSTANCE;
            }
        };
        Signer signer = new DSADigestSigner(ecdsa, new NullDigest());
        signer.init(true, new ParametersWithRandom(privateKey, crypto.getSecureRandom()));
        signer.update(hash, 0, hash.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }
}
