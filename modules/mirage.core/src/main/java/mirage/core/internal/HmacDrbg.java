package mirage.core.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC_DRBG with SHA-256, NIST SP 800-90A Rev. 1 §10.1.2, without prediction resistance: the
 * algorithm alone, with its inputs given by the caller (as the CAVP test vectors give them).
 * {@link DrbgRng} feeds it from an entropy source.
 *
 * <p>Not thread-safe. Security strength 256 bits: the entropy input must be at least 32 bytes,
 * the nonce at least 16. SP 800-90A's limit of 2^35 bits on the entropy input, personalization
 * string and additional input is beyond any Java array, so it needs no check.
 */
final class HmacDrbg {
    /** Output block length of SHA-256, in bytes ({@code outlen}). */
    static final int OUTLEN = 32;
    /** Security strength in bytes: the least entropy input. */
    static final int MIN_ENTROPY = 32;
    /** Half the security strength in bytes: the least nonce. */
    static final int MIN_NONCE = 16;
    /** SP 800-90A Table 2, {@code max_number_of_bits_per_request} = 2^19 bits. */
    static final int MAX_BYTES_PER_REQUEST = 1 << 16;

    private static final byte[] NONE = new byte[0];

    private final Mac mac;
    private final long reseedInterval;
    private final byte[] key = new byte[OUTLEN];
    private final byte[] v = new byte[OUTLEN];
    private long reseedCounter;

    /**
     * Instantiate (§10.1.2.3).
     *
     * @param reseedInterval generate requests allowed between reseeds, 1 to 2^48
     */
    HmacDrbg(byte[] entropyInput, byte[] nonce, byte[] personalization, long reseedInterval) {
        if (reseedInterval < 1 || reseedInterval > (1L << 48)) {
            throw new IllegalArgumentException("reseed interval " + reseedInterval + " is not within 1 and 2^48");
        }
        checkEntropy(entropyInput);
        if (nonce.length < MIN_NONCE) {
            throw new IllegalArgumentException("a nonce of " + nonce.length + " bytes is shorter than " + MIN_NONCE);
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available from java.base's providers", e);
        }
        this.reseedInterval = reseedInterval;
        Arrays.fill(key, (byte) 0x00);
        Arrays.fill(v, (byte) 0x01);
        update(entropyInput, nonce, personalization);
        reseedCounter = 1;
    }

    /** Reseed (§10.1.2.4). */
    void reseed(byte[] entropyInput, byte[] additionalInput) {
        checkEntropy(entropyInput);
        update(entropyInput, additionalInput, NONE);
        reseedCounter = 1;
    }

    /**
     * Generate (§10.1.2.5): writes {@code len} bytes to {@code out[off..off+len)}.
     *
     * @return false, having written nothing, if a reseed is required first (the reseed counter
     *     is past the reseed interval)
     * @throws IllegalArgumentException if {@code len} is over {@link #MAX_BYTES_PER_REQUEST}
     */
    boolean generate(byte[] out, int off, int len, byte[] additionalInput) {
        Objects.checkFromIndexSize(off, len, out.length);
        if (len > MAX_BYTES_PER_REQUEST) {
            throw new IllegalArgumentException("a request for " + len + " bytes is over HMAC_DRBG's limit of "
                    + MAX_BYTES_PER_REQUEST + " per request");
        }
        if (reseedCounter > reseedInterval) {
            return false;
        }
        if (additionalInput.length > 0) {
            update(additionalInput, NONE, NONE);
        }
        int end = off + len;
        for (int at = off; at < end; at += OUTLEN) {
            newV();
            System.arraycopy(v, 0, out, at, Math.min(OUTLEN, end - at));
        }
        update(additionalInput, NONE, NONE);
        reseedCounter++;
        return true;
    }

    /** The reseed counter: 1 just after instantiation or a reseed, plus one per generate. */
    long reseedCounter() {
        return reseedCounter;
    }

    /** The working state {@code (Key, V)}, copied: for tests against the CAVP intermediate values. */
    byte[][] state() {
        return new byte[][] {key.clone(), v.clone()};
    }

    /** HMAC_DRBG_Update (§10.1.2.2), the provided data being {@code a || b || c}. */
    private void update(byte[] a, byte[] b, byte[] c) {
        newKey((byte) 0x00, a, b, c);
        newV();
        if (a.length + b.length + c.length == 0) {
            return;
        }
        newKey((byte) 0x01, a, b, c);
        newV();
    }

    /** {@code Key = HMAC(Key, V || separator || a || b || c)}. */
    private void newKey(byte separator, byte[] a, byte[] b, byte[] c) {
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(v);
            mac.update(separator);
            mac.update(a);
            mac.update(b);
            mac.update(c);
            mac.doFinal(key, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }

    /** {@code V = HMAC(Key, V)}. */
    private void newV() {
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(v);
            mac.doFinal(v, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }

    private static void checkEntropy(byte[] entropyInput) {
        if (entropyInput.length < MIN_ENTROPY) {
            throw new IllegalArgumentException("an entropy input of " + entropyInput.length
                    + " bytes is shorter than the security strength, " + MIN_ENTROPY);
        }
    }
}
