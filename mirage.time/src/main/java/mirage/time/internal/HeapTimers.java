package mirage.time.internal;

import java.util.Arrays;
import java.util.Objects;
import mirage.time.Timers;

/**
 * {@link Timers} as an indexed 4-ary min-heap (docs/decisions/0007-timers.md).
 *
 * <p>The heap is three parallel arrays indexed by slot: {@code deadlines} and {@code seqs} (the
 * key: deadline, then arming sequence) and {@code nodes} (the timer in that slot). Sifting
 * compares keys in the primitive arrays without touching the timer objects, and writes a
 * timer's new slot into {@link Node#index} whenever it moves, which gives O(log n) cancel and
 * move of any timer and O(1) {@link #nextDeadline()}. A 4-ary heap is half as deep as a binary
 * one and a node's four children's keys share one or two cache lines.
 *
 * <p>While {@link #expire} runs, armings made by its actions that are already due are taken
 * out of the heap into the {@code deferred} arrays as they reach the top, so that the call
 * does not run them (see {@link Timers}); they go back into the heap when the call ends.
 *
 * <p>Single-threaded by contract; nothing here synchronises.
 */
public final class HeapTimers implements Timers {
    /** Room for this many armed timers before the first growth. */
    public static final int DEFAULT_CAPACITY = 16;

    private static final int ARITY_SHIFT = 2; // 4 children per node
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    /** {@link Node#index} of a timer that is not armed. */
    private static final int DISARMED = -1;

    private long[] deadlines;
    private long[] seqs;
    private Node[] nodes;
    private int size;

    /** Due armings made during the current {@link #expire}, out of the heap until it ends. */
    private Node[] deferred = new Node[0];
    private long[] deferredSeqs = new long[0];
    private int deferredCount;

    private long nextSeq;
    private boolean expiring;

    public HeapTimers(int initialCapacity) {
        if (initialCapacity < 0 || initialCapacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("initialCapacity must be in [0, " + MAX_CAPACITY + "], was " + initialCapacity);
        }
        deadlines = new long[initialCapacity];
        seqs = new long[initialCapacity];
        nodes = new Node[initialCapacity];
    }

    @Override
    public Timer newTimer(Runnable action) {
        return new Node(Objects.requireNonNull(action, "action"));
    }

    @Override
    public long nextDeadline() {
        long min = size > 0 ? deadlines[0] : Long.MAX_VALUE;
        for (int i = 0; i < deferredCount; i++) {
            min = Math.min(min, deferred[i].deadline);
        }
        return min;
    }

    @Override
    public int size() {
        return size + deferredCount;
    }

    @Override
    public int expire(long nowNanos) {
        if (expiring) {
            throw new IllegalStateException("expire called from inside an action of the same Timers");
        }
        expiring = true;
        long limit = nextSeq; // armings numbered from here on were made during this call
        int ran = 0;
        try {
            while (size > 0 && deadlines[0] <= nowNanos) {
                Node n = nodes[0];
                long seq = seqs[0];
                removeAt(0);
                if (seq >= limit) {
                    defer(n, seq);
                } else {
                    n.index = DISARMED;
                    ran++;
                    n.action.run();
                }
            }
        } finally {
            expiring = false;
            for (int i = 0; i < deferredCount; i++) {
                Node n = deferred[i];
                deferred[i] = null;
                insert(n, n.deadline, deferredSeqs[i]);
            }
            deferredCount = 0;
        }
        return ran;
    }

    // ---- heap ----------------------------------------------------------------------------

    private static boolean before(long d1, long s1, long d2, long s2) {
        return d1 < d2 || (d1 == d2 && s1 < s2);
    }

    private void insert(Node n, long deadline, long seq) {
        if (size == nodes.length) {
            grow();
        }
        siftUp(size++, n, deadline, seq);
    }

    /** Removes the entry at {@code slot}; does not touch the removed timer's index. */
    private void removeAt(int slot) {
        int last = --size;
        if (slot != last) {
            Node n = nodes[last];
            long d = deadlines[last];
            long s = seqs[last];
            nodes[last] = null;
            if (slot > 0) {
                int parent = (slot - 1) >>> ARITY_SHIFT;
                if (before(d, s, deadlines[parent], seqs[parent])) {
                    siftUp(slot, n, d, s);
                    return;
                }
            }
            siftDown(slot, n, d, s);
        } else {
            nodes[last] = null;
        }
    }

    /** Places {@code n} with key (d, s) at {@code slot} or above it. */
    private void siftUp(int slot, Node n, long d, long s) {
        long[] ds = deadlines;
        long[] ss = seqs;
        Node[] ns = nodes;
        while (slot > 0) {
            int parent = (slot - 1) >>> ARITY_SHIFT;
            long pd = ds[parent];
            if (d > pd || (d == pd && s > ss[parent])) {
                break;
            }
            Node p = ns[parent];
            ds[slot] = pd;
            ss[slot] = ss[parent];
            ns[slot] = p;
            p.index = slot;
            slot = parent;
        }
        ds[slot] = d;
        ss[slot] = s;
        ns[slot] = n;
        n.index = slot;
    }

    /** Places {@code n} with key (d, s) at {@code slot} or below it. */
    private void siftDown(int slot, Node n, long d, long s) {
        long[] ds = deadlines;
        long[] ss = seqs;
        Node[] ns = nodes;
        int count = size;
        int lastParent = (count - 2) >> ARITY_SHIFT; // slots above this have no child
        while (slot <= lastParent) {
            int first = (slot << ARITY_SHIFT) + 1;
            int end = Math.min(first + 4, count);
            int best = first;
            long bd = ds[first];
            long bs = ss[first];
            for (int c = first + 1; c < end; c++) {
                long cd = ds[c];
                if (cd < bd || (cd == bd && ss[c] < bs)) {
                    best = c;
                    bd = cd;
                    bs = ss[c];
                }
            }
            if (!before(bd, bs, d, s)) {
                break;
            }
            Node c = ns[best];
            ds[slot] = bd;
            ss[slot] = bs;
            ns[slot] = c;
            c.index = slot;
            slot = best;
        }
        ds[slot] = d;
        ss[slot] = s;
        ns[slot] = n;
        n.index = slot;
    }

    private void grow() {
        int old = nodes.length;
        if (old >= MAX_CAPACITY) {
            throw new IllegalStateException("more than " + MAX_CAPACITY + " armed timers");
        }
        int cap = old < DEFAULT_CAPACITY ? DEFAULT_CAPACITY : (int) Math.min((long) old * 2, MAX_CAPACITY);
        deadlines = Arrays.copyOf(deadlines, cap);
        seqs = Arrays.copyOf(seqs, cap);
        nodes = Arrays.copyOf(nodes, cap);
    }

    // ---- deferred armings during expire ---------------------------------------------------

    private void defer(Node n, long seq) {
        if (deferredCount == deferred.length) {
            int cap = Math.max(8, deferredCount * 2);
            deferred = Arrays.copyOf(deferred, cap);
            deferredSeqs = Arrays.copyOf(deferredSeqs, cap);
        }
        deferred[deferredCount] = n;
        deferredSeqs[deferredCount] = seq;
        n.index = -2 - deferredCount;
        deferredCount++;
    }

    private void undefer(Node n) {
        int i = -2 - n.index;
        int last = --deferredCount;
        if (i != last) {
            Node m = deferred[last];
            deferred[i] = m;
            deferredSeqs[i] = deferredSeqs[last];
            m.index = -2 - i;
        }
        deferred[last] = null;
    }

    /**
     * A timer handle. {@code index} is its heap slot when {@code >= 0}, {@link #DISARMED}, or
     * {@code -2 - i} while it waits in slot {@code i} of the deferred arrays.
     */
    private final class Node implements Timer {
        final Runnable action;
        long deadline = Long.MAX_VALUE;
        int index = DISARMED;

        Node(Runnable action) {
            this.action = action;
        }

        @Override
        public boolean arm(long deadlineNanos) {
            long seq = nextSeq++;
            deadline = deadlineNanos;
            int slot = index;
            if (slot >= 0) {
                if (before(deadlineNanos, seq, deadlines[slot], seqs[slot])) {
                    siftUp(slot, this, deadlineNanos, seq);
                } else {
                    siftDown(slot, this, deadlineNanos, seq);
                }
                return true;
            }
            boolean was = slot != DISARMED;
            if (was) {
                undefer(this);
            }
            insert(this, deadlineNanos, seq);
            return was;
        }

        @Override
        public boolean cancel() {
            int slot = index;
            if (slot == DISARMED) {
                return false;
            }
            if (slot >= 0) {
                removeAt(slot);
            } else {
                undefer(this);
            }
            index = DISARMED;
            return true;
        }

        @Override
        public boolean armed() {
            return index != DISARMED;
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public String toString() {
            return index == DISARMED ? "Timer[disarmed]" : "Timer[deadline=" + deadline + "]";
        }
    }
}
