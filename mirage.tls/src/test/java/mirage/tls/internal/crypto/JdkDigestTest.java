package mirage.tls.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.util.Memoable;
import org.junit.jupiter.api.Test;

/**
 * The JDK's SHA-2 as Bouncy Castle's {@code Digest} ({@link JdkDigest}), checked against Bouncy
 * Castle's own digests: FIPS 180-4, RFC 4231 and RFC 5869 vectors, and any input in any pieces,
 * through {@code HMac}'s use of {@code Memoable}, the TLS transcript hash's clones and HKDF.
 */
class JdkDigestTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int[] ALGORITHMS = {CryptoHashAlgorithm.sha256, CryptoHashAlgorithm.sha384, CryptoHashAlgorithm.sha512};

    private static Digest bc(int algorithm) {
        return switch (algorithm) {
            case CryptoHashAlgorithm.sha256 -> new SHA256Digest();
            case CryptoHashAlgorithm.sha384 -> new SHA384Digest();
            case CryptoHashAlgorithm.sha512 -> new SHA512Digest();
            default -> throw new IllegalArgumentException();
        };
    }

    private static byte[] hash(Digest d, byte[] in) {
        d.update(in, 0, in.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    @Test
    void fips180Vectors() {
        byte[] abc = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HEX.formatHex(hash(JdkDigest.create(CryptoHashAlgorithm.sha256), abc)));
        assertEquals("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
                HEX.formatHex(hash(JdkDigest.create(CryptoHashAlgorithm.sha384), abc)));
        assertEquals("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                HEX.formatHex(hash(JdkDigest.create(CryptoHashAlgorithm.sha512), abc)));
    }

    @Test
    void onlySha2IsTaken() {
        assertNull(JdkDigest.create(CryptoHashAlgorithm.sha1));
        assertNull(JdkDigest.create(CryptoHashAlgorithm.md5));
        assertNull(JdkDigest.create(CryptoHashAlgorithm.sm3));
        // and the hybrid back-end then makes Bouncy Castle's own
        assertInstanceOf(org.bouncycastle.crypto.digests.SHA1Digest.class,
                new HybridTlsCrypto(new SecureRandom()).createDigest(CryptoHashAlgorithm.sha1));
    }

    @Test
    void sizesAsBouncyCastles() {
        for (int a : ALGORITHMS) {
            Digest jdk = JdkDigest.create(a);
            org.bouncycastle.crypto.ExtendedDigest bc = (org.bouncycastle.crypto.ExtendedDigest) bc(a);
            assertEquals(bc.getAlgorithmName(), jdk.getAlgorithmName());
            assertEquals(bc.getDigestSize(), jdk.getDigestSize());
            assertEquals(bc.getByteLength(), ((org.bouncycastle.crypto.ExtendedDigest) jdk).getByteLength());
        }
    }

    /** Any input, fed in any pieces (single bytes among them), hashes as Bouncy Castle's, twice in a row. */
    @Test
    void anyInputInAnyPiecesAsBouncyCastle() {
        qt().withExamples(300).forAll(integers().between(0, 2), integers().between(0, 1000), longs().all())
                .checkAssert((which, length, seed) -> {
                    int a = ALGORITHMS[which];
                    Random r = new Random(seed);
                    byte[] in = new byte[length];
                    r.nextBytes(in);
                    Digest jdk = JdkDigest.create(a);
                    Digest bc = bc(a);
                    for (int round = 0; round < 2; round++) { // doFinal resets: the second round starts afresh
                        int off = 0;
                        while (off < in.length) {
                            if (r.nextInt(4) == 0) {
                                jdk.update(in[off]);
                                bc.update(in[off]);
                                off++;
                            } else {
                                int n = Math.min(in.length - off, r.nextInt(200));
                                jdk.update(in, off, n);
                                bc.update(in, off, n);
                                off += n;
                            }
                        }
                        byte[] expected = new byte[bc.getDigestSize()];
                        bc.doFinal(expected, 0);
                        byte[] got = new byte[jdk.getDigestSize() + 3];
                        assertEquals(jdk.getDigestSize(), jdk.doFinal(got, 3));
                        assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, 3, got.length));
                    }
                });
    }

    @Test
    void copyAndResetToAStateAreIndependentOfTheOriginal() {
        for (int a : ALGORITHMS) {
            byte[] head = new byte[100];
            byte[] tail = new byte[77];
            new Random(a).nextBytes(head);
            new Random(-a).nextBytes(tail);
            JdkDigest d = (JdkDigest) JdkDigest.create(a);
            d.update(head, 0, head.length);
            Memoable saved = d.copy();
            d.update(tail, 0, tail.length);
            byte[] whole = new byte[d.getDigestSize()];
            d.doFinal(whole, 0);
            byte[] expected = hash(bc(a), concat(head, tail));
            assertArrayEquals(expected, whole);

            // reset(saved) brings d back to "after head", and leaves saved as it was: twice
            d.reset(saved);
            assertArrayEquals(expected, hash(d, tail));
            d.reset(saved);
            assertArrayEquals(hash(bc(a), head), hash(d, new byte[0]));
            // the copy kept the state after head, untouched by what the original did since
            JdkDigest copy = (JdkDigest) saved;
            assertArrayEquals(expected, hash(copy, tail));
        }
    }

    @Test
    void resetToAnotherAlgorithmsStateIsRefused() {
        JdkDigest sha256 = (JdkDigest) JdkDigest.create(CryptoHashAlgorithm.sha256);
        JdkDigest sha384 = (JdkDigest) JdkDigest.create(CryptoHashAlgorithm.sha384);
        assertThrows(IllegalArgumentException.class, () -> sha256.reset(sha384));
        assertThrows(ClassCastException.class, () -> sha256.reset(new SHA256Digest()));
    }

    /** RFC 4231 test case 2 ("Jefe"), then HMac reused: its pads come back through Memoable. */
    @Test
    void hmacRfc4231AndReuse() {
        HMac mac = new HMac(JdkDigest.create(CryptoHashAlgorithm.sha256));
        mac.init(new KeyParameter("Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] data = "what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < 3; i++) {
            mac.update(data, 0, data.length);
            byte[] out = new byte[32];
            mac.doFinal(out, 0);
            assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", HEX.formatHex(out));
        }
    }

    /** HMAC with keys shorter and longer than a block, several messages per key, as Bouncy Castle's. */
    @Test
    void hmacAsBouncyCastles() {
        qt().withExamples(200).forAll(integers().between(0, 2), integers().between(0, 300), longs().all())
                .checkAssert((which, keyLength, seed) -> {
                    int a = ALGORITHMS[which];
                    Random r = new Random(seed);
                    byte[] key = new byte[keyLength];
                    r.nextBytes(key);
                    HMac jdk = new HMac(JdkDigest.create(a));
                    HMac bc = new HMac(bc(a));
                    jdk.init(new KeyParameter(key));
                    bc.init(new KeyParameter(key));
                    for (int m = 0; m < 3; m++) {
                        byte[] msg = new byte[r.nextInt(500)];
                        r.nextBytes(msg);
                        jdk.update(msg, 0, msg.length);
                        bc.update(msg, 0, msg.length);
                        byte[] x = new byte[jdk.getMacSize()];
                        byte[] y = new byte[bc.getMacSize()];
                        jdk.doFinal(x, 0);
                        bc.doFinal(y, 0);
                        assertArrayEquals(y, x);
                    }
                });
    }

    /** RFC 5869 test case 1, through the hybrid back-end's HKDF (which runs on JdkDigest) and BC's. */
    @Test
    void hkdfRfc5869() throws Exception {
        byte[] ikm = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
        byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
        String okm = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
        for (BcTlsCrypto crypto : new BcTlsCrypto[] {new HybridTlsCrypto(new SecureRandom()), new BcTlsCrypto(new SecureRandom())}) {
            TlsSecret prk = crypto.createSecret(salt).hkdfExtract(CryptoHashAlgorithm.sha256, crypto.createSecret(ikm));
            assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", HEX.formatHex(prk.extract()));
            prk = crypto.createSecret(salt).hkdfExtract(CryptoHashAlgorithm.sha256, crypto.createSecret(ikm));
            assertEquals(okm, HEX.formatHex(prk.hkdfExpand(CryptoHashAlgorithm.sha256, info, 42).extract()));
        }
    }

    /** The transcript hash: clones taken midway (as TLS 1.3's key schedule does) hash as Bouncy Castle's. */
    @Test
    void transcriptHashClones() {
        HybridTlsCrypto hybrid = new HybridTlsCrypto(new SecureRandom());
        BcTlsCrypto bc = new BcTlsCrypto(new SecureRandom());
        for (int a : ALGORITHMS) {
            TlsHash x = hybrid.createHash(a);
            TlsHash y = bc.createHash(a);
            Random r = new Random(a);
            for (int i = 0; i < 5; i++) {
                byte[] message = new byte[r.nextInt(700)];
                r.nextBytes(message);
                x.update(message, 0, message.length);
                y.update(message, 0, message.length);
                assertArrayEquals(y.cloneHash().calculateHash(), x.cloneHash().calculateHash());
            }
            assertArrayEquals(y.calculateHash(), x.calculateHash());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
