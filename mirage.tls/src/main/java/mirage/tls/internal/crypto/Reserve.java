package mirage.tls.internal.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import mirage.core.Rng;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.RandomDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.BigIntegers;

/**
 * What a TLS server's next handshake needs that does not depend on anything its client sends,
 * made before the client asks (decision 0081): one ephemeral X25519 key pair (its key share) and
 * one ECDSA P-256 signing nonce ({@code k^-1 mod n} and {@code r = x(k G) mod n}, for any P-256
 * key: neither depends on the key). The handshake then does only the X25519 agreement, the key
 * schedule and {@code s = k^-1 (e + r d) mod n} between the ClientHello and its flight.
 *
 * <p><b>Each value is used at most once.</b> A slot holds at most one value; {@link #takeKeyShare}
 * and {@link #takeNonce} empty it with one atomic {@code getAndSet(null)}, so of any number of
 * threads taking at once exactly one gets a given value; a refill puts a new value only into an
 * empty slot ({@code compareAndSet(null, v)}) and wipes it otherwise. Every value is also claimed
 * once more by itself ({@link Value#claim}): a second use throws instead of reusing a nonce or a
 * key. Nothing else ever hands a value out.
 *
 * <p><b>Randomness.</b> From a {@link Rng#fork() fork} of the configuration's generator, made
 * at the first refill and used by one refill at a time: in a unikernel an HMAC_DRBG of its own
 * over the platform's entropy. The X25519 private key is drawn as Bouncy Castle's inline key
 * share draws it ({@code X25519.generatePrivateKey}); the nonce {@code k} uniformly in
 * {@code [1, n-1]} by rejection sampling (Bouncy Castle's {@code RandomDSAKCalculator}: 256
 * random bits, drawn again until in range; FIPS 186-5's and RFC 6979 section 3's random
 * {@code k}). A precomputed {@code k} cannot depend on the message, so signatures made with one
 * are not RFC 6979's deterministic ones; a signature made inline (no nonce ready) still is.
 *
 * <p><b>Lifetime.</b> One value of each kind, at most, per configuration's generator; a value
 * older than {@link #MAX_AGE_NANOS} when taken is wiped and not used (the handshake computes
 * inline). The X25519 private key is wiped after its one agreement (Bouncy Castle's
 * {@code BcX25519} does) or when discarded; the nonce's {@code BigInteger}s cannot be wiped
 * (Bouncy Castle's inline signer has the same limit), their references are dropped.
 *
 * <p><b>When refills run.</b> {@link #refillLater} starts one only on a virtual thread (a
 * server's handler task), as a new virtual thread, which inherits its scheduler: on the direct
 * stack's event loop (decision 0079) it is queued behind what the handler handed to the loop
 * (the flight's bytes) and runs while the loop would otherwise wait for the client; on the JDK's
 * scheduler it runs on another carrier. A handshake on any other thread (a simulated task, a
 * test's platform thread) never starts one: nothing is precomputed and the handshake is exactly
 * as before, so a simulation stays deterministic. {@code -Dmirage.tls.precompute=off} turns
 * refills off everywhere. Thread-safe.
 */
public final class Reserve {
    /** A value older than this when taken is discarded: 30 s. */
    static final long MAX_AGE_NANOS = 30_000_000_000L;
    /** The system property that turns precomputing off ({@code off}); on by default. */
    static final String PROPERTY = "mirage.tls.precompute";
    /** At most this many generators have a reserve; beyond, the table is cleared. */
    static final int KEPT = 64;

    /** Generators by identity; what a full table lets go of is wiped. */
    private static final IdentityTable<Rng, Reserve> RESERVES = new IdentityTable<>(KEPT, Reserve::discard);
    private static final boolean ENABLED = !"off".equals(System.getProperty(PROPERTY));

    private final Rng parent;
    private final AtomicReference<KeyShare> keyShare = new AtomicReference<>();
    private final AtomicReference<Nonce> nonce = new AtomicReference<>();
    private final AtomicBoolean refilling = new AtomicBoolean();
    /** The refills' randomness, made by the first {@link #refillLater}; used under {@link #refilling}. */
    private volatile SecureRandom random;

    Reserve(Rng parent) {
        this.parent = parent;
    }

    /** The reserve of the servers whose configuration draws from {@code rng}. */
    public static Reserve of(Rng rng) {
        return RESERVES.get(rng, Reserve::new);
    }

    /** A precomputed value: claimed once, made at a known time. */
    abstract static class Value {
        private final AtomicBoolean claimed = new AtomicBoolean();
        final long madeNanos = System.nanoTime();

        /** @throws IllegalStateException if this value was claimed before: it is never used twice */
        final void claim() {
            if (!claimed.compareAndSet(false, true)) {
                throw new IllegalStateException("a precomputed handshake value was taken twice");
            }
        }

        boolean stale(long now) {
            return now - madeNanos > MAX_AGE_NANOS;
        }

        abstract void wipe();
    }

    /** An X25519 key pair; the private key is wiped by its user. */
    static final class KeyShare extends Value {
        final byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        final byte[] publicKey = new byte[X25519.POINT_SIZE];

        KeyShare(SecureRandom random) {
            X25519.generatePrivateKey(random, privateKey);
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
        }

        @Override
        void wipe() {
            Arrays.fill(privateKey, (byte) 0);
        }
    }

    /** An ECDSA P-256 nonce: {@code k^-1 mod n} and {@code r = x(k G) mod n}, r not zero. */
    static final class Nonce extends Value {
        private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
        static final BigInteger N = P256.getN();

        private BigInteger kInverse;
        final BigInteger r;

        Nonce(SecureRandom random) {
            RandomDSAKCalculator k = new RandomDSAKCalculator();
            k.init(N, random);
            BigInteger kk;
            BigInteger rr;
            do {
                kk = k.nextK(); // uniform in [1, n-1]
                ECPoint p = P256BaseMultiplier.INSTANCE.multiply(P256.getG(), kk).normalize();
                rr = p.getAffineXCoord().toBigInteger().mod(N);
            } while (rr.signum() == 0);
            kInverse = BigIntegers.modOddInverse(N, kk);
            r = rr;
        }

        /** {@code k^-1 mod n}, once: the reference is dropped. */
        BigInteger takeInverse() {
            BigInteger k = kInverse;
            kInverse = null;
            return k;
        }

        @Override
        void wipe() {
            kInverse = null;
        }
    }

    /** The precomputed X25519 key pair, claimed, or null if none is ready (compute inline). */
    KeyShare takeKeyShare() {
        return takeKeyShare(System.nanoTime());
    }

    /** As {@link #takeKeyShare()} at {@code now} ({@link System#nanoTime}). */
    KeyShare takeKeyShare(long now) {
        return fresh(keyShare.getAndSet(null), now);
    }

    /** The precomputed P-256 nonce, claimed, or null if none is ready (sign inline). */
    Nonce takeNonce() {
        return takeNonce(System.nanoTime());
    }

    /** As {@link #takeNonce()} at {@code now} ({@link System#nanoTime}). */
    Nonce takeNonce(long now) {
        return fresh(nonce.getAndSet(null), now);
    }

    private static <V extends Value> V fresh(V v, long now) {
        if (v == null) {
            return null;
        }
        v.claim();
        if (v.stale(now)) {
            v.wipe();
            return null;
        }
        return v;
    }

    /** Takes and wipes what the slots hold: nobody will use it. */
    void discard() {
        for (Value v : new Value[] {keyShare.getAndSet(null), nonce.getAndSet(null)}) {
            if (v != null) {
                v.claim();
                v.wipe();
            }
        }
    }

    /** The key share ready now, not taken (tests). */
    KeyShare keyShareForTest() {
        return keyShare.get();
    }

    /** Whether a refill is under way. */
    boolean refilling() {
        return refilling.get();
    }

    /** Whether a slot is empty. */
    boolean wanting() {
        return keyShare.get() == null || nonce.get() == null;
    }

    /**
     * Starts a refill of the empty slots as a new virtual thread, if the caller is a virtual
     * thread, precomputing is on, a slot is empty and no refill is under way; else does nothing.
     * Called by a server's handshake after its flight was handed to the transport.
     */
    public void refillLater() {
        if (!ENABLED || !wanting() || refilling.get() || !Thread.currentThread().isVirtual()) {
            return;
        }
        random(); // the fork is made here, on the thread that draws from the parent
        Thread.ofVirtual().name("tls-precompute").start(this::refill);
    }

    /** The refills' randomness: a fork of the parent generator, made at the first call. */
    private SecureRandom random() {
        SecureRandom r = random;
        if (r == null) {
            synchronized (this) {
                if (random == null) {
                    random = new RngSecureRandom(parent.fork());
                }
                r = random;
            }
        }
        return r;
    }

    /** Fills the empty slots now, unless another refill is under way. Any thread (tests, benchmarks). */
    public void refill() {
        if (!refilling.compareAndSet(false, true)) {
            return;
        }
        try {
            SecureRandom r = random();
            if (keyShare.get() == null) {
                KeyShare v = new KeyShare(r);
                if (!keyShare.compareAndSet(null, v)) {
                    v.wipe();
                }
            }
            if (nonce.get() == null) {
                Nonce v = new Nonce(r);
                if (!nonce.compareAndSet(null, v)) {
                    v.wipe();
                }
            }
        } finally {
            refilling.set(false);
        }
    }
}
