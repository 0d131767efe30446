package mirage.net.internal.engine.tcp;

/**
 * The sender's scoreboard (RFC 6675 section 3): the ranges of sequence space above SND.UNA the
 * peer reported in SACK blocks (RFC 2018), at most {@value #MAX}, merged where they touch. Loss
 * recovery reads it to find the holes to resend and to count the pipe. One per connection;
 * nothing is allocated after construction. Sequence numbers compare modulo 2^32 ({@link Seq}).
 */
final class SackScoreboard {
    /** How many SACKed ranges are remembered. */
    static final int MAX = 8;

    private final int[] left = new int[MAX];
    private final int[] right = new int[MAX];
    private int count;

    /** Ranges held now, 0 to {@value #MAX}. */
    int count() {
        return count;
    }

    /** Forgets every range (on a retransmission timeout, RFC 6675 section 5.1, which guards against reneging). */
    void clear() {
        count = 0;
    }

    /**
     * Records that the peer holds {@code [l, r)}. A block that is empty, wholly at or below
     * {@code sndUna} or reaching past {@code sndMax} is ignored (it cannot be about data in
     * flight); its part below {@code sndUna} is cut off; ranges it touches or overlaps merge with
     * it. When {@value #MAX} separate ranges are held, the one highest in sequence space gives way
     * to a lower new one: the ranges nearest SND.UNA matter most to recovery.
     */
    void add(int l, int r, int sndUna, int sndMax) {
        if (!Seq.lt(l, r) || Seq.le(r, sndUna) || Seq.gt(r, sndMax)) {
            return;
        }
        l = Seq.max(l, sndUna);
        for (int i = 0; i < count; ) {
            if (Seq.le(left[i], r) && Seq.ge(right[i], l)) {
                l = Seq.min(l, left[i]);
                r = Seq.max(r, right[i]);
                count--;
                left[i] = left[count];
                right[i] = right[count];
            } else {
                i++;
            }
        }
        if (count == MAX) {
            int hi = 0;
            for (int i = 1; i < count; i++) {
                if (Seq.gt(left[i], left[hi])) {
                    hi = i;
                }
            }
            if (Seq.gt(left[hi], l)) {
                left[hi] = l;
                right[hi] = r;
            }
            return;
        }
        left[count] = l;
        right[count] = r;
        count++;
    }

    /** SND.UNA moved to {@code sndUna}: ranges it passed go, a range it entered is cut there. */
    void prune(int sndUna) {
        for (int i = 0; i < count; ) {
            if (Seq.le(right[i], sndUna)) {
                count--;
                left[i] = left[count];
                right[i] = right[count];
            } else {
                if (Seq.lt(left[i], sndUna)) {
                    left[i] = sndUna;
                }
                i++;
            }
        }
    }

    /** Bytes SACKed in all. */
    long bytes() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            n += right[i] - left[i];
        }
        return n;
    }

    /** The end of the highest SACKed range, or {@code sndUna} if none is held (RFC 6675's HighACK/HighSACK). */
    int highest(int sndUna) {
        int h = sndUna;
        for (int i = 0; i < count; i++) {
            h = Seq.max(h, right[i]);
        }
        return h;
    }

    /** If {@code seq} lies in a SACKed range, the range's right edge; else {@code seq}. */
    int skip(int seq) {
        for (int i = 0; i < count; i++) {
            if (Seq.inRange(seq, left[i], right[i])) {
                return right[i];
            }
        }
        return seq;
    }

    /** Bytes from {@code seq} up to the next SACKed range above it, or up to {@code limit}. */
    int unsackedRun(int seq, int limit) {
        int end = limit;
        for (int i = 0; i < count; i++) {
            if (Seq.gt(left[i], seq) && Seq.lt(left[i], end)) {
                end = left[i];
            }
        }
        return end - seq;
    }

    /**
     * RFC 6675 section 4's pipe, simplified: bytes sent ({@code sndMax - sndUna}) and neither
     * acknowledged, SACKed, nor taken as lost (the holes at or above {@code rexmitNext} below the
     * highest SACKed byte, which are sent again next).
     */
    long pipe(int sndUna, int sndMax, int rexmitNext) {
        long outstanding = sndMax - sndUna;
        int high = highest(sndUna);
        long lost = 0;
        int seq = rexmitNext;
        while (Seq.lt(seq, high)) {
            int next = skip(seq);
            if (next != seq) {
                seq = next;
                continue;
            }
            int run = unsackedRun(seq, high);
            lost += run;
            seq += run;
        }
        return Math.max(0, outstanding - bytes() - lost);
    }
}
