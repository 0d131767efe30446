package mirage.tls.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsECDSA13Signer;
import org.junit.jupiter.api.Test;

/**
 * {@link P256BaseMultiplier} gives the same points as Bouncy Castle's comb for every kind of
 * scalar (odd, even, the edges of [1, n), each window's digit at its extremes, random), other
 * points and curves go to the comb, and {@link P256Tls13Signer}'s signatures are Bouncy
 * Castle's, byte for byte (RFC 6979 nonces are deterministic), and verify.
 */
class P256BaseMultiplierTest {
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final BigInteger N = P256.getN();
    private static final ECPoint G = P256.getG();
    private static final FixedPointCombMultiplier COMB = new FixedPointCombMultiplier();

    private static void sameAsComb(BigInteger k) {
        ECPoint ours = P256BaseMultiplier.INSTANCE.withTables(G, k).normalize();
        ECPoint theirs = COMB.multiply(G, k).normalize();
        assertEquals(theirs, ours, () -> "k = " + k.toString(16));
    }

    @Test
    void edgesOfTheScalarRange() {
        List<BigInteger> ks = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            ks.add(BigInteger.valueOf(i));
            ks.add(N.subtract(BigInteger.valueOf(i)));
        }
        for (int bit = 0; bit < 256; bit++) {
            BigInteger p = BigInteger.ONE.shiftLeft(bit);
            for (BigInteger k : new BigInteger[] {p, p.subtract(BigInteger.ONE), p.add(BigInteger.ONE), N.subtract(p)}) {
                if (k.signum() > 0 && k.compareTo(N) < 0) {
                    ks.add(k);
                }
            }
        }
        // every 6-bit window all ones or all zeros (digits at +63 / -63), odd and even
        for (int w = 0; w < 43; w++) {
            BigInteger window = BigInteger.valueOf(0x3F).shiftLeft(6 * w + 1);
            ks.add(window.mod(N));
            ks.add(window.add(BigInteger.ONE).mod(N));
            ks.add(N.subtract(BigInteger.ONE).xor(window).mod(N));
        }
        ks.add(N.shiftRight(1));
        ks.add(N.shiftRight(1).add(BigInteger.ONE));
        for (BigInteger k : ks) {
            if (k.signum() > 0) {
                sameAsComb(k);
            }
        }
    }

    @Test
    void randomScalars() {
        SecureRandom random = new SecureRandom();
        qt().withExamples(2000).forAll(integers().between(1, 256)).checkAssert(bits -> {
            BigInteger k = new BigInteger(bits, random).mod(N);
            if (k.signum() > 0) {
                sameAsComb(k);
            }
        });
    }

    @Test
    void otherPointsAndScalarsGoToTheComb() {
        ECPoint q = G.multiply(BigInteger.valueOf(12345)).normalize();
        BigInteger k = new BigInteger("1234567890abcdef1234567890abcdef", 16);
        assertEquals(COMB.multiply(q, k).normalize(), P256BaseMultiplier.INSTANCE.withTables(q, k).normalize());
        assertEquals(COMB.multiply(G, N.add(k)).normalize(), P256BaseMultiplier.INSTANCE.withTables(G, N.add(k)).normalize());
        assertTrue(P256BaseMultiplier.INSTANCE.withTables(G, BigInteger.ZERO).normalize().isInfinity());
        X9ECParameters p384 = CustomNamedCurves.getByName("secp384r1");
        assertEquals(COMB.multiply(p384.getG(), k).normalize(),
                P256BaseMultiplier.INSTANCE.withTables(p384.getG(), k).normalize());
    }

    @Test
    void signaturesAreBouncyCastlesAndVerify() throws Exception {
        SecureRandom random = new SecureRandom();
        ECDomainParameters domain = new ECDomainParameters(P256);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(domain, random));
        BcTlsCrypto crypto = new HybridTlsCrypto(random);
        SignatureAndHashAlgorithm scheme = new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);
        assertEquals(SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.from(scheme));
        // past the comb's first uses, so that the signatures below are the tables' (both are checked)
        for (int i = 0; i < P256BaseMultiplier.COMB_FIRST + 50; i++) {
            AsymmetricCipherKeyPair pair = generator.generateKeyPair();
            ECPrivateKeyParameters key = (ECPrivateKeyParameters) pair.getPrivate();
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            byte[] ours = new P256Tls13Signer(crypto, key).generateRawSignature(scheme, hash);
            byte[] theirs = new BcTlsECDSA13Signer(crypto, key, SignatureScheme.ecdsa_secp256r1_sha256)
                    .generateRawSignature(scheme, hash);
            assertArrayEquals(theirs, ours);
            BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(N, ours);
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, (ECPublicKeyParameters) pair.getPublic());
            assertTrue(verifier.verifySignature(hash, rs[0], rs[1]));
        }
    }
}
