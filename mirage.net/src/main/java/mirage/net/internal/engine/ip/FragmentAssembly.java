package mirage.net.internal.engine.ip;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The payload of one datagram being put back together from its fragments, for the IPv4 and
 * IPv6 reassemblies: a buffer that grows as fragments come, with room before the payload for
 * the header the reassembly writes there, and a bitmap of the 8-octet blocks received (fragment
 * offsets count in 8-octet units in both versions, RFC 791 section 3.1 and RFC 8200 section
 * 4.5), so that any overlap, exact duplicates included, is seen.
 *
 * <p>Buffers are charged to a {@link Budget} shared by every assembly of one reassembly: a
 * placement that would take it over its bound fails with {@link Placed#NO_MEMORY}, and
 * {@link #reset} gives the buffer back. A buffer is allocated when a datagram's first fragment
 * arrives (doubling, from 2 KiB, as later ones reach further) and dropped when the datagram
 * completes or is discarded; the bitmap is allocated once.
 *
 * <p>Not thread-safe: owned by its reassembly.
 */
public final class FragmentAssembly {

    /** What {@link #place} did. */
    public enum Placed {
        /** Copied in. */
        PLACED,
        /** Inconsistent with what came before: past the datagram's end, or a second, different last fragment. */
        MALFORMED,
        /** Covers a block already received (RFC 5722 section 4: the datagram is to be discarded). */
        OVERLAP,
        /** The buffer it needs would take the {@link Budget} over its bound. */
        NO_MEMORY
    }

    /**
     * The bytes of buffers held by the assemblies of one reassembly, and their bound. Not
     * thread-safe.
     */
    public static final class Budget {
        private final long max;
        private long used;

        /** @param max the most bytes of buffers held at once; 0 refuses every fragment */
        public Budget(long max) {
            if (max < 0) {
                throw new IllegalArgumentException("a reassembly budget is not negative: " + max);
            }
            this.max = max;
        }

        /** Bytes of buffers held now; never above {@link #max()}. */
        public long used() {
            return used;
        }

        /** The bound. */
        public long max() {
            return max;
        }
    }

    private static final int MIN_BUFFER = 2048;

    private final Budget budget;
    private final int maxPayload;
    private final long[] blocks;
    private byte[] data;
    private ByteBuffer view;
    private int headroom;
    private int total = -1;
    private int highest;
    private int received;

    /**
     * @param maxPayload the longest payload a datagram may reassemble to; every fragment must
     *     end within it
     */
    public FragmentAssembly(Budget budget, int maxPayload) {
        this.budget = Objects.requireNonNull(budget, "budget");
        if (maxPayload < 0) {
            throw new IllegalArgumentException("maxPayload is not negative: " + maxPayload);
        }
        this.maxPayload = maxPayload;
        this.blocks = new long[((maxPayload + 7) / 8 + 63) / 64];
    }

    /** Gives the buffer back to the budget and forgets every fragment: ready for another datagram. */
    public void reset() {
        if (data != null) {
            budget.used -= data.length;
            data = null;
            view = null;
        }
        Arrays.fill(blocks, 0L);
        headroom = 0;
        total = -1;
        highest = 0;
        received = 0;
    }

    /**
     * Copies {@code length} bytes of fragment data from {@code source} at {@code index} to
     * payload {@code offset}, keeping at least {@code minHeadroom} bytes before the payload.
     * The caller has checked the fragment's shape (a multiple of 8 octets unless it is the last,
     * not empty unless it is the last, within {@code maxPayload}). Nothing is changed unless it
     * returns {@link Placed#PLACED}.
     *
     * @param more whether more fragments follow (the M flag): if not, this fragment's end is the datagram's
     * @throws IndexOutOfBoundsException if the region lies outside {@code source}, or the end
     *     is past {@code maxPayload} (a caller's bug)
     */
    public Placed place(ByteBuffer source, int index, int offset, int length, boolean more, int minHeadroom) {
        Objects.checkFromIndexSize(index, length, source.limit());
        int end = offset + length;
        Objects.checkFromToIndex(offset, end, maxPayload);
        // The end of the datagram, once known, bounds every fragment; a second last fragment must agree.
        if ((total >= 0 && (end > total || (!more && end != total))) || (!more && end < highest)) {
            return Placed.MALFORMED;
        }
        int firstBlock = offset >>> 3;
        int lastBlock = (end + 7 >>> 3) - 1;
        if (length > 0 && anySet(firstBlock, lastBlock)) {
            return Placed.OVERLAP;
        }
        if (!ensure(minHeadroom, end)) {
            return Placed.NO_MEMORY;
        }
        if (length > 0) {
            set(firstBlock, lastBlock);
            source.get(index, data, headroom + offset, length);
        }
        received += length;
        highest = Math.max(highest, end);
        if (!more) {
            total = end;
        }
        return Placed.PLACED;
    }

    /** Whether the last fragment came and every octet before its end. */
    public boolean isComplete() {
        return total >= 0 && received == total;
    }

    /** The payload length once the last fragment came, else -1. */
    public int total() {
        return total;
    }

    /** The highest payload end of any fragment placed. */
    public int highestEnd() {
        return highest;
    }

    /** The buffer (payload at {@link #headroom()}): valid until the next {@link #place} or {@link #reset}; null if none is held. */
    public ByteBuffer buffer() {
        return view;
    }

    /** Index of payload offset 0 in {@link #buffer()}. */
    public int headroom() {
        return headroom;
    }

    private boolean ensure(int minHeadroom, int end) {
        int have = data == null ? 0 : data.length;
        int room = Math.max(minHeadroom, headroom);
        int capacity = room + end;
        if (capacity <= have && room == headroom) {
            return true;
        }
        int shift = room - headroom;
        int least = Math.max(capacity, have + shift);
        int want = least;
        if (shift == 0 || data == null) {
            // Growing towards the end: from 2 KiB, doubling, as later fragments of a long datagram are likely.
            want = Math.min(room + maxPayload, Math.max(capacity, Math.max(MIN_BUFFER, have * 2)));
        }
        if (budget.used - have + want > budget.max) {
            want = least;
            if (budget.used - have + want > budget.max) {
                return false;
            }
        }
        byte[] grown = new byte[want];
        if (data != null) {
            // What precedes the payload (a header already written there) moves with it.
            System.arraycopy(data, 0, grown, shift, have);
        }
        data = grown;
        view = ByteBuffer.wrap(grown);
        budget.used += want - have;
        headroom = room;
        return true;
    }

    private boolean anySet(int from, int to) {
        for (int i = from; i <= to; i++) {
            if ((blocks[i >>> 6] & 1L << i) != 0) {
                return true;
            }
        }
        return false;
    }

    private void set(int from, int to) {
        for (int i = from; i <= to; i++) {
            blocks[i >>> 6] |= 1L << i;
        }
    }
}
