package mirage.net.internal.engine.tcp;

/**
 * Sequence number arithmetic modulo 2^32 (RFC 9293 section 3.4: "all arithmetic dealing with
 * sequence numbers must be performed modulo 2**32"), on plain {@code int}s. Not a value type:
 * a record per comparison would allocate on the per-segment path (decision 0022).
 */
final class Seq {
    private Seq() {}

    static boolean lt(int a, int b) {
        return a - b < 0;
    }

    static boolean le(int a, int b) {
        return a - b <= 0;
    }

    static boolean gt(int a, int b) {
        return a - b > 0;
    }

    static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** True if {@code lo <= x < hi} in sequence space. */
    static boolean inRange(int x, int lo, int hi) {
        return x - lo >= 0 && x - hi < 0;
    }

    static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }
}
