package mirage.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import mirage.core.Entropy;
import mirage.core.Rng;

/**
 * {@link Rng#drbg(Entropy)}: an {@link HmacDrbg} instantiated on first use and reseeded from an
 * entropy source. Thread-safe: every public method is {@code synchronized} (virtual threads do
 * not pin a carrier on a monitor since JDK 24).
 */
public final class DrbgRng implements Rng {
    /** Generate requests between reseeds: 2^20, far below SP 800-90A's ceiling of 2^48. */
    public static final long RESEED_INTERVAL = 1L << 20;
    /** The personalization string of every instantiation (SP 800-90A §8.7.1). */
    static final byte[] PERSONALIZATION = "mirage-java mirage.core.Rng HMAC_DRBG SHA-256".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] NONE = new byte[0];

    private final Entropy source;
    private final long reseedInterval;
    private final byte[] personalization;
    /** Null until the first request. Guarded by {@code this}. */
    private HmacDrbg drbg;

    public DrbgRng(Entropy source) {
        this(source, RESEED_INTERVAL, PERSONALIZATION);
    }

    DrbgRng(Entropy source, long reseedInterval, byte[] personalization) {
        this.source = Objects.requireNonNull(source, "source");
        this.reseedInterval = reseedInterval;
        this.personalization = personalization.clone();
    }

    @Override
    public synchronized void nextBytes(byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        HmacDrbg d = instantiated();
        int end = off + len;
        for (int at = off; at < end; at += HmacDrbg.MAX_BYTES_PER_REQUEST) {
            generate(d, dst, at, Math.min(HmacDrbg.MAX_BYTES_PER_REQUEST, end - at));
        }
    }

    @Override
    public synchronized long nextLong() {
        byte[] b = new byte[Long.BYTES];
        generate(instantiated(), b, 0, b.length);
        long x = 0;
        for (byte y : b) {
            x = (x << 8) | (y & 0xFF);
        }
        Arrays.fill(b, (byte) 0);
        return x;
    }

    @Override
    public int nextInt(int bound) {
        return Uniform.below(this, bound);
    }

    @Override
    public Rng fork() {
        return new DrbgRng(source, reseedInterval, personalization);
    }

    @Override
    public String toString() {
        return "HMAC_DRBG(SHA-256)";
    }

    private HmacDrbg instantiated() {
        HmacDrbg d = drbg;
        if (d == null) {
            byte[] seed = new byte[HmacDrbg.MIN_ENTROPY + HmacDrbg.MIN_NONCE];
            source.nextBytes(seed);
            byte[] entropyInput = Arrays.copyOf(seed, HmacDrbg.MIN_ENTROPY);
            byte[] nonce = Arrays.copyOfRange(seed, HmacDrbg.MIN_ENTROPY, seed.length);
            d = new HmacDrbg(entropyInput, nonce, personalization, reseedInterval);
            wipe(seed, entropyInput, nonce);
            drbg = d;
        }
        return d;
    }

    private void generate(HmacDrbg d, byte[] dst, int off, int len) {
        if (!d.generate(dst, off, len, NONE)) {
            byte[] entropyInput = new byte[HmacDrbg.MIN_ENTROPY];
            source.nextBytes(entropyInput);
            d.reseed(entropyInput, NONE);
            wipe(entropyInput);
            if (!d.generate(dst, off, len, NONE)) {
                throw new IllegalStateException("HMAC_DRBG still wants a reseed after one");
            }
        }
    }

    private static void wipe(byte[]... arrays) {
        for (byte[] a : arrays) {
            Arrays.fill(a, (byte) 0);
        }
    }
}
