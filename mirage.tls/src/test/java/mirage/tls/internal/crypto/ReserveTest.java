package mirage.tls.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.Crypto;
import mirage.tls.NamedGroup;
import mirage.tls.ServerConfig;
import mirage.tls.Tls;
import mirage.tls.TlsFlow;
import mirage.tls.Trust;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;
import org.bouncycastle.tls.crypto.TlsAgreement;
import org.bouncycastle.tls.crypto.TlsECConfig;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsECDSA13Signer;
import org.junit.jupiter.api.Test;

/**
 * Decision 0081's precomputed key shares and signing nonces: signatures made with them verify
 * (Bouncy Castle and the JDK), no value is ever used twice (also when threads take and refill
 * at once), every key share is new, an empty reserve means the inline computation (RFC 6979
 * signatures, byte for byte Bouncy Castle's), and handshakes take what the reserve holds.
 */
class ReserveTest {
    private static final SignatureAndHashAlgorithm SCHEME =
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private static KeyPair jdkKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    @Test
    void signaturesWithPrecomputedNoncesVerifyWithBouncyCastleAndTheJdk() throws Exception {
        SecureRandom random = new SecureRandom();
        Reserve reserve = new Reserve(Rng.drbg(random::nextBytes));
        HybridTlsCrypto crypto = new HybridTlsCrypto(random, reserve);
        assertEquals(SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.from(SCHEME));
        Set<BigInteger> rs = new HashSet<>();
        for (int i = 0; i < 300; i++) { // past P256BaseMultiplier's comb uses: both ways of making r
            KeyPair jdk = jdkKeyPair();
            ECPrivateKeyParameters key = (ECPrivateKeyParameters) PrivateKeyFactory.createKey(jdk.getPrivate().getEncoded());
            ECPublicKeyParameters pub = (ECPublicKeyParameters) PublicKeyFactory.createKey(jdk.getPublic().getEncoded());
            byte[] message = new byte[1 + random.nextInt(200)];
            random.nextBytes(message);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(message);

            reserve.refill();
            byte[] signature = new P256Tls13Signer(crypto, key, reserve).generateRawSignature(SCHEME, hash);
            assertNull(reserve.takeNonce(), "the signature took the nonce");

            BigInteger[] decoded = StandardDSAEncoding.INSTANCE.decode(Reserve.Nonce.N, signature);
            assertTrue(rs.add(decoded[0]), "r repeated: a nonce was used twice");
            ECDSASigner bc = new ECDSASigner();
            bc.init(false, pub);
            assertTrue(bc.verifySignature(hash, decoded[0], decoded[1]), "Bouncy Castle verifies");
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(jdk.getPublic());
            verifier.update(message);
            assertTrue(verifier.verify(signature), "the JDK verifies");
            // not RFC 6979's: the precomputed nonce is random
            byte[] deterministic = new BcTlsECDSA13Signer(crypto, key, SignatureScheme.ecdsa_secp256r1_sha256)
                    .generateRawSignature(SCHEME, hash);
            assertFalse(java.util.Arrays.equals(deterministic, signature));
        }
    }

    @Test
    void anEmptyReserveSignsInlineWithRfc6979() throws Exception {
        SecureRandom random = new SecureRandom();
        Reserve reserve = new Reserve(Rng.drbg(random::nextBytes)); // never refilled
        HybridTlsCrypto crypto = new HybridTlsCrypto(random, reserve);
        for (int i = 0; i < 20; i++) {
            ECPrivateKeyParameters key = (ECPrivateKeyParameters) PrivateKeyFactory.createKey(jdkKeyPair().getPrivate().getEncoded());
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            byte[] ours = new P256Tls13Signer(crypto, key, reserve).generateRawSignature(SCHEME, hash);
            byte[] theirs = new BcTlsECDSA13Signer(crypto, key, SignatureScheme.ecdsa_secp256r1_sha256)
                    .generateRawSignature(SCHEME, hash);
            assertArrayEquals(theirs, ours);
        }
    }

    @Test
    void keySharesAreNewEachTimeAndAgree() throws Exception {
        SecureRandom random = new SecureRandom();
        Reserve reserve = new Reserve(Rng.drbg(random::nextBytes));
        HybridTlsCrypto crypto = new HybridTlsCrypto(random, reserve);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            boolean precomputed = i % 3 != 0; // every third from an empty reserve: inline
            Reserve.KeyShare ready = null;
            if (precomputed) {
                reserve.refill();
                ready = reserve.keyShareForTest();
                assertNotNull(ready);
            }
            TlsAgreement ours = crypto.createECDomain(new TlsECConfig(org.bouncycastle.tls.NamedGroup.x25519)).createECDH();
            byte[] ourPublic = ours.generateEphemeral();
            assertTrue(seen.add(java.util.HexFormat.of().formatHex(ourPublic)), "a key share repeated");
            if (precomputed) {
                assertArrayEquals(ready.publicKey, ourPublic);
                assertArrayEquals(new byte[X25519.SCALAR_SIZE], ready.privateKey, "the reserve's copy is wiped");
                assertNull(reserve.takeKeyShare(), "taken once");
            }
            byte[] peerPrivate = new byte[X25519.SCALAR_SIZE];
            X25519.generatePrivateKey(random, peerPrivate);
            byte[] peerPublic = new byte[X25519.POINT_SIZE];
            X25519.generatePublicKey(peerPrivate, 0, peerPublic, 0);
            ours.receivePeerValue(peerPublic);
            byte[] secret = ours.calculateSecret().extract();
            byte[] expected = new byte[X25519.POINT_SIZE];
            assertTrue(X25519.calculateAgreement(peerPrivate, 0, ourPublic, 0, expected, 0));
            assertArrayEquals(expected, secret);
        }
    }

    /**
     * Threads take and refill one reserve at once, many times; every value taken is a different
     * object with a different nonce or key. A take that read the slot and emptied it in two steps
     * would hand one value to two threads, and this fails.
     */
    @Test
    void noValueIsTakenTwiceUnderConcurrency() throws Exception {
        qt().withExamples(5).forAll(integers().between(2, 8)).checkAssert(threads -> {
            try {
                Reserve reserve = new Reserve(Rng.drbg(new SecureRandom()::nextBytes));
                Set<Object> taken = Collections.newSetFromMap(Collections.synchronizedMap(new IdentityHashMap<>()));
                Set<BigInteger> rs = Collections.synchronizedSet(new HashSet<>());
                Set<String> keys = Collections.synchronizedSet(new HashSet<>());
                List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> all = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    all.add(Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                            for (int i = 0; i < 150; i++) {
                                reserve.refill();
                                Reserve.Nonce n = reserve.takeNonce();
                                if (n != null) {
                                    assertTrue(taken.add(n), "a nonce object taken twice");
                                    assertTrue(rs.add(n.r), "a nonce's r taken twice");
                                    assertNotNull(n.takeInverse());
                                }
                                Reserve.KeyShare k = reserve.takeKeyShare();
                                if (k != null) {
                                    assertTrue(taken.add(k), "a key share object taken twice");
                                    assertTrue(keys.add(java.util.HexFormat.of().formatHex(k.publicKey)), "a key share taken twice");
                                    k.wipe();
                                }
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }));
                }
                start.countDown();
                for (Thread t : all) {
                    t.join();
                }
                assertEquals(List.of(), failures);
                assertFalse(rs.isEmpty());
                assertFalse(keys.isEmpty());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aValueCannotBeClaimedTwice() {
        Reserve.Nonce n = new Reserve.Nonce(new SecureRandom());
        n.claim();
        assertThrows(IllegalStateException.class, n::claim);
    }

    @Test
    void discardedValuesAreWipedAndNeverHandedOut() {
        Reserve reserve = new Reserve(Rng.drbg(new SecureRandom()::nextBytes));
        reserve.refill();
        Reserve.KeyShare share = reserve.keyShareForTest();
        reserve.discard();
        assertArrayEquals(new byte[X25519.SCALAR_SIZE], share.privateKey);
        assertNull(reserve.takeKeyShare());
        assertNull(reserve.takeNonce());
        assertThrows(IllegalStateException.class, share::claim);
    }

    @Test
    void aStaleValueIsWipedAndNotUsed() {
        Reserve reserve = new Reserve(Rng.drbg(new SecureRandom()::nextBytes));
        reserve.refill();
        Reserve.KeyShare share = reserve.keyShareForTest();
        assertFalse(share.stale(share.madeNanos + Reserve.MAX_AGE_NANOS));
        assertNull(reserve.takeKeyShare(share.madeNanos + Reserve.MAX_AGE_NANOS + 1), "too old: computed inline");
        assertArrayEquals(new byte[X25519.SCALAR_SIZE], share.privateKey, "and wiped");
        reserve.refill();
        Reserve.KeyShare next = reserve.keyShareForTest();
        assertSame(next, reserve.takeKeyShare(next.madeNanos + Reserve.MAX_AGE_NANOS), "young enough: used");
        assertNull(reserve.takeNonce(System.nanoTime() + Reserve.MAX_AGE_NANOS + 1_000_000_000L));
    }

    @Test
    void refillLaterDoesNothingOffVirtualThreads() {
        Reserve reserve = new Reserve(Rng.seeded(5));
        reserve.refillLater(); // a platform thread: a simulation's or a test's
        assertNull(reserve.takeKeyShare());
        assertNull(reserve.takeNonce());
    }

    @Test
    void refillLaterFillsTheReserveFromAVirtualThread() throws Exception {
        Reserve reserve = new Reserve(Rng.drbg(new SecureRandom()::nextBytes));
        Thread.ofVirtual().start(reserve::refillLater).join();
        // the refill runs on a virtual thread of its own; wait for it without timing it
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a liveness bound, not a timing
        while (reserve.wanting() || reserve.refilling()) {
            assertTrue(System.nanoTime() < giveUp, "the refill never ended");
            Thread.sleep(1);
        }
        assertNotNull(reserve.takeKeyShare());
        assertNotNull(reserve.takeNonce());
    }

    /** A transport that keeps a copy of what is written through it. */
    private static final class Recording implements Flow {
        private final Flow inner;
        final ByteArrayOutputStream written = new ByteArrayOutputStream();

        Recording(Flow inner) {
            this.inner = inner;
        }

        @Override
        public int read(ByteBuffer dst) throws FlowException {
            return inner.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            ByteBuffer copy = src.duplicate();
            byte[] b = new byte[copy.remaining()];
            copy.get(b);
            synchronized (written) {
                written.writeBytes(b);
            }
            inner.write(src);
        }

        @Override
        public void shutdown(Direction direction) throws FlowException {
            inner.shutdown(direction);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Handshakes of a server whose reserve was filled before each: the ServerHello carries the
     * reserve's key share, the client (Bouncy Castle) accepts the signature made with the
     * reserve's nonce, and the reserve is empty afterwards; key shares differ between handshakes.
     */
    @Test
    void handshakesTakeWhatTheReserveHolds() throws Exception {
        SecureRandom random = new SecureRandom();
        Rng rng = Rng.drbg(random::nextBytes);
        InstantSource clock = InstantSource.system();
        Credentials credentials = Credentials.selfSigned("localhost", Credentials.KeyType.ECDSA_P256, rng,
                Instant.now().minus(Duration.ofDays(1)), Duration.ofDays(30));
        ServerConfig server = ServerConfig.builder(rng, credentials).withCrypto(Crypto.HYBRID).build();
        ClientConfig client = ClientConfig.builder(Trust.anchors(credentials.leaf()), Rng.drbg(random::nextBytes), clock)
                .withGroups(NamedGroup.X25519).build();
        Reserve reserve = Reserve.of(rng);
        Set<String> shares = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            reserve.refill();
            byte[] share = reserve.keyShareForTest().publicKey.clone();
            assertTrue(shares.add(java.util.HexFormat.of().formatHex(share)));
            Flow.Pair pipe = Flow.pipe(64 * 1024);
            Recording recorded = new Recording(pipe.right());
            CompletableFuture<Object> served = new CompletableFuture<>();
            // a platform thread: refillLater does nothing, so what the handshake took is what the test put
            Thread serverThread = Thread.ofPlatform().start(() -> {
                try (TlsFlow flow = Tls.server(recorded, server)) {
                    served.complete(flow.handshake());
                } catch (Exception e) {
                    served.complete(e);
                }
            });
            try (TlsFlow flow = Tls.client(pipe.left(), client, "localhost")) {
                assertNotNull(flow.handshake());
            }
            Object result = served.get(60, TimeUnit.SECONDS);
            serverThread.join();
            assertFalse(result instanceof Exception, () -> "server: " + result);
            assertTrue(indexOf(recorded.written.toByteArray(), share) >= 0, "the ServerHello carries the reserve's key share");
            assertNull(reserve.takeKeyShare(), "the handshake took the key share");
            assertNull(reserve.takeNonce(), "the handshake took the nonce");
        }
    }
}
