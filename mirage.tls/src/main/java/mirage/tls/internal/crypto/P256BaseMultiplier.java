package mirage.tls.internal.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECLookupTable;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.math.raw.Nat256;

/**
 * {@code k * G} on P-256 (secp256r1's base point) with one precomputed table per 6-bit window of
 * the scalar, so that it takes 42 point additions and no doublings, where Bouncy Castle's
 * fixed-point comb ({@code FixedPointCombMultiplier}, width 6) takes 43 doublings and 43
 * additions. All arithmetic (field, point addition, constant-time table scan) is Bouncy Castle's
 * {@code SecP256R1} code; what is here is the scalar recoding and the order of additions.
 *
 * <p><b>Method.</b> The scalar {@code k} (1 &lt;= k &lt; n) is made odd without a branch:
 * {@code k1 = k} when {@code k} is odd, else {@code n - k} (odd, as {@code n} is), remembering to
 * negate the result. {@code k1} is written in 43 signed odd digits of base 2^6 (a regular
 * recoding: no digit is ever zero), {@code k1 = sum d_i 2^(6i)}: for {@code i < 42},
 * {@code d_i = 2u_i - 63} with {@code u_i} bits {@code 6i+1 .. 6i+6} of {@code k1}, and
 * {@code d_42 = 2 (k1 >> 253) + 1}. Table {@code i} holds the 32 affine points
 * {@code (2j+1) 2^(6i) G}; digit {@code d_i} is entry {@code (|d_i|-1)/2}, read by Bouncy
 * Castle's constant-time scan of all 32 entries, and negated when {@code d_i} is negative
 * (or the result must be) by multiplying its y by +1 or -1, itself read from a two-entry
 * constant-time table: no branch and no memory access depends on the scalar's bits. The sum runs
 * from the lowest digit up: before digit {@code i} is added, the partial sum is a multiple of G
 * smaller than 2^(6i) in absolute value, and the digit's point is at least 2^(6i) G, so the
 * addition never meets the doubling or cancelling case (that could only happen in the last
 * addition, for one value of {@code k1} in 2^252; Bouncy Castle's addition handles it correctly
 * anyway).
 *
 * <p><b>Window.</b> Measured (decision 0074): 7-bit windows (37 tables of 64 points, 36
 * additions) sign in ~47 us, 6-bit windows ~41 us, Bouncy Castle's comb ~64 us: the
 * constant-time scans cost as much as the additions they save beyond 6 bits.
 *
 * <p><b>Cost.</b> The tables are 43 x 32 affine points (~88 KB of {@code int[]}), shared by every
 * thread: immutable after construction, published by the class initialisation of the holder.
 * Made cold (the point arithmetic not yet compiled) they took 56 ms with C1 and up to 0.6 s
 * interpreted, at load ~39: too much for a server's first connection, whose latency is measured
 * (decision 0065). So the first {@value #COMB_FIRST} multiplications use Bouncy Castle's comb
 * (the same result), which compiles the same field and point code, and the next one builds the
 * tables (a few milliseconds, once): a server making few connections never pays for them.
 *
 * <p>Any other point or curve, or a scalar outside [1, n), goes to Bouncy Castle's
 * {@code FixedPointCombMultiplier}, so this is a drop-in {@code ECMultiplier}. Thread-safe.
 */
final class P256BaseMultiplier implements ECMultiplier {
    private static final int WINDOW = 6;
    /** The windows of 252 bits and the top digit: k1 &lt; 2^256, so the top digit is at most 15. */
    private static final int TABLES = 252 / WINDOW + 1;
    private static final int ENTRIES = 1 << (WINDOW - 1);

    /** Multiplications by Bouncy Castle's comb before the tables are made. */
    static final int COMB_FIRST = 256;

    static final P256BaseMultiplier INSTANCE = new P256BaseMultiplier();

    private final ECMultiplier fallback = new FixedPointCombMultiplier();
    private final java.util.concurrent.atomic.AtomicInteger combUses = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean tablesMade;

    private P256BaseMultiplier() {}

    /** The tables, made when first needed. */
    private static final class Tables {
        static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
        static final ECCurve CURVE = P256.getCurve();
        static final ECPoint G = P256.getG();
        static final BigInteger N = P256.getN();
        static final int[] N_INTS = Nat256.fromBigInteger(N);
        static final ECLookupTable[] WINDOWS = windows();
        /** Entry 0: y times +1; entry 1: y times -1 (as the y coordinate of two raw points). */
        static final ECLookupTable SIGN = CURVE.createCacheSafeLookupTable(new ECPoint[] {
            CURVE.createPoint(BigInteger.ONE, BigInteger.ONE),
            CURVE.createPoint(BigInteger.ONE, CURVE.getField().getCharacteristic().subtract(BigInteger.ONE)),
        }, 0, 2);

        private static ECLookupTable[] windows() {
            ECPoint[] points = new ECPoint[TABLES * ENTRIES];
            ECPoint base = G; // 2^(6i) G
            for (int i = 0; i < TABLES; i++) {
                ECPoint twice = base.twice();
                ECPoint p = base;
                for (int j = 0; j < ENTRIES; j++) {
                    points[i * ENTRIES + j] = p; // (2j+1) 2^(6i) G
                    p = p.add(twice);
                }
                base = base.timesPow2(WINDOW).normalize();
            }
            CURVE.normalizeAll(points);
            ECLookupTable[] tables = new ECLookupTable[TABLES];
            for (int i = 0; i < TABLES; i++) {
                tables[i] = CURVE.createCacheSafeLookupTable(points, i * ENTRIES, ENTRIES);
            }
            return tables;
        }
    }

    @Override
    public ECPoint multiply(ECPoint p, BigInteger k) {
        if (!tablesMade && combUses.getAndIncrement() < COMB_FIRST) {
            return fallback.multiply(p, k);
        }
        tablesMade = true;
        return withTables(p, k);
    }

    /** As {@link #multiply}, always with the tables for P-256's base point (made now if need be). */
    ECPoint withTables(ECPoint p, BigInteger k) {
        if (!(p.getCurve() instanceof SecP256R1Curve) || k.signum() <= 0 || k.compareTo(Tables.N) >= 0
                || !p.equals(Tables.G)) {
            return fallback.multiply(p, k);
        }
        ECPoint r = baseTimes(k);
        // As Bouncy Castle's multipliers do (a fault that left the curve is not released).
        if (!r.isValid()) {
            throw new IllegalStateException("Invalid result");
        }
        return r;
    }

    /** {@code k * G} for 1 &lt;= k &lt; n, on Bouncy Castle's SecP256R1 curve object of the tables. */
    private static ECPoint baseTimes(BigInteger k) {
        int[] scalar = Nat256.fromBigInteger(k);
        int even = (scalar[0] & 1) ^ 1; // 1: use n - k and negate the result
        int[] other = Nat256.create();
        Nat256.sub(Tables.N_INTS, scalar, other);
        int mask = -even;
        for (int w = 0; w < 8; w++) {
            scalar[w] = (scalar[w] & ~mask) | (other[w] & mask); // odd now
        }
        ECLookupTable[] windows = Tables.WINDOWS;
        ECPoint sum = null;
        for (int i = 0; i < TABLES - 1; i++) {
            int u = bits(scalar, WINDOW * i + 1);
            int positive = u >>> (WINDOW - 1); // d_i = 2u - 63 > 0 iff u >= 32
            int index = (u ^ (positive - 1)) & (ENTRIES - 1); // (|d_i| - 1) / 2
            ECPoint digit = signed(windows[i].lookup(index), (positive ^ 1) ^ even);
            sum = sum == null ? digit : sum.add(digit);
        }
        int top = (scalar[7] >>> 29) & 7; // k1 >> 253: d_42 = 2 top + 1, positive
        ECPoint digit = signed(windows[TABLES - 1].lookup(top), even);
        return sum.add(digit);
    }

    /** The {@value #WINDOW} bits of {@code x} from bit {@code from} up (from + WINDOW &lt;= 256). */
    private static int bits(int[] x, int from) {
        int word = from >>> 5;
        int shift = from & 31;
        long two = (x[word] & 0xFFFF_FFFFL) | (word + 1 < 8 ? (long) x[word + 1] << 32 : 0L);
        return (int) (two >>> shift) & ((1 << WINDOW) - 1);
    }

    /** {@code p}, or {@code -p} when {@code negate} is 1, without a branch on it. */
    private static ECPoint signed(ECPoint p, int negate) {
        return p.scaleY(Tables.SIGN.lookup(negate).getRawYCoord());
    }
}
