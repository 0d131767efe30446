package mirage.net.internal.engine.tcp;

/**
 * The receiver's out-of-order ranges: sequence space above RCV.NXT whose bytes are already in
 * the receive ring at their place (RFC 9293 section 3.10.7.4 lets a receiver keep segments that
 * arrive out of order), at most {@value #MAX}, most recently changed first, as RFC 2018 section
 * 4 wants them reported in SACK blocks. When the gap below them fills, {@link #absorb} moves
 * RCV.NXT over them. One per connection; nothing is allocated after construction.
 */
final class ReassemblyQueue {
    /** How many separate ranges are kept (and so at most how many SACK blocks are reported). */
    static final int MAX = 4;

    private final int[] left = new int[MAX];
    private final int[] right = new int[MAX];
    private int count;

    /** Ranges held now, 0 to {@value #MAX}. */
    int count() {
        return count;
    }

    /** The left edge of range {@code i}, the most recent first. */
    int left(int i) {
        return left[i];
    }

    /** The right edge (exclusive) of range {@code i}. */
    int right(int i) {
        return right[i];
    }

    /** Forgets every range (reading was shut down: nothing more is kept). */
    void clear() {
        count = 0;
    }

    /**
     * Records {@code [l, r)} as received out of order: it merges with every range it touches or
     * overlaps and becomes the first. A new separate range when {@value #MAX} are held is not
     * kept (the peer sends it again).
     *
     * @return false if the range was not kept
     */
    boolean add(int l, int r) {
        for (int i = 0; i < count; ) {
            if (Seq.le(left[i], r) && Seq.ge(right[i], l)) {
                l = Seq.min(l, left[i]);
                r = Seq.max(r, right[i]);
                remove(i);
            } else {
                i++;
            }
        }
        if (count == MAX) {
            return false;
        }
        System.arraycopy(left, 0, left, 1, count);
        System.arraycopy(right, 0, right, 1, count);
        left[0] = l;
        right[0] = r;
        count++;
        return true;
    }

    /**
     * RCV.NXT is {@code rcvNxt}: every range that now starts at or below it is taken in order
     * and dropped from the queue.
     *
     * @return the new RCV.NXT: past every range taken, {@code rcvNxt} if none reaches above it
     */
    int absorb(int rcvNxt) {
        boolean again = true;
        while (again) {
            again = false;
            for (int i = 0; i < count; i++) {
                if (Seq.le(left[i], rcvNxt)) {
                    if (Seq.gt(right[i], rcvNxt)) {
                        rcvNxt = right[i];
                    }
                    remove(i);
                    again = true;
                    break;
                }
            }
        }
        return rcvNxt;
    }

    private void remove(int i) {
        System.arraycopy(left, i + 1, left, i, count - i - 1);
        System.arraycopy(right, i + 1, right, i, count - i - 1);
        count--;
    }
}
