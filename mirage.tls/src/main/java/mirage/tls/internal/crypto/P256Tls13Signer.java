package mirage.tls.internal.crypto;

import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Signer;
import org.bouncycastle.crypto.digests.NullDigest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
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
 * <p>A server's signer may take a precomputed nonce from its {@link Reserve} instead (decision
 * 0081): {@code k} random in {@code [1, n-1]}, {@code k^-1} and {@code r = x(k G) mod n} made
 * before the handshake, so that only {@code s = k^-1 (e + r d) mod n} is left, with Bouncy
 * Castle's {@code BigInteger} arithmetic as its {@code ECDSASigner} does it. Such a signature is
 * a valid ECDSA signature with a random nonce, not RFC 6979's deterministic one. With no nonce
 * ready (or a reserve of null) it signs inline as above.
 *
 * <p>One instance per handshake, like every {@code TlsSigner}; not thread-safe.
 */
public final class P256Tls13Signer extends BcTlsSigner {
    private final Reserve reserve;

    public P256Tls13Signer(BcTlsCrypto crypto, ECPrivateKeyParameters key) {
        this(crypto, key, null);
    }

    /** @param reserve where precomputed nonces are taken from, or null: always RFC 6979 inline */
    public P256Tls13Signer(BcTlsCrypto crypto, ECPrivateKeyParameters key, Reserve reserve) {
        super(crypto, key);
        this.reserve = reserve;
    }

    @Override
    public byte[] generateRawSignature(SignatureAndHashAlgorithm algorithm, byte[] hash) throws IOException {
        if (algorithm == null || SignatureScheme.from(algorithm) != SignatureScheme.ecdsa_secp256r1_sha256) {
            throw new IllegalStateException("Invalid algorithm: " + algorithm);
        }
        Reserve.Nonce nonce = reserve == null ? null : reserve.takeNonce();
        if (nonce != null) {
            byte[] signature = withNonce(nonce, (ECPrivateKeyParameters) privateKey, hash);
            if (signature != null) {
                return signature;
            }
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

    /**
     * The DER signature of {@code hash} by {@code key} with a precomputed nonce, or null in the
     * one case ECDSA redraws its nonce ({@code s = 0}, probability 2^-256): the caller signs
     * inline then. {@code e} is the hash as ECDSA takes it (its leftmost bits, n's length), as
     * Bouncy Castle's {@code ECDSASigner.calculateE}.
     */
    static byte[] withNonce(Reserve.Nonce nonce, ECPrivateKeyParameters key, byte[] hash) throws IOException {
        BigInteger n = key.getParameters().getN();
        if (!n.equals(Reserve.Nonce.N)) {
            throw new IllegalArgumentException("not a P-256 key");
        }
        BigInteger kInverse = nonce.takeInverse();
        BigInteger e = new BigInteger(1, hash);
        int excess = hash.length * 8 - n.bitLength();
        if (excess > 0) {
            e = e.shiftRight(excess);
        }
        BigInteger r = nonce.r;
        BigInteger s = kInverse.multiply(e.add(key.getD().multiply(r))).mod(n);
        if (s.signum() == 0) {
            return null;
        }
        return StandardDSAEncoding.INSTANCE.encode(n, r, s);
    }
}
