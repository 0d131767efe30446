package mirage.platform.xen.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import mirage.platform.xen.internal.wire.ByteRingLayout;

/**
 * One character ring of a xenstore or console page: bytes at {@code data}, free-running
 * {@code uint32_t} consumer and producer indices. The same class serves both ends: the
 * producer calls {@link #write}, the consumer {@link #read}; each end writes only its own
 * index. Thread-safe only in that sense (one producer and one consumer, each single-threaded).
 */
public final class ByteRing {
    private final MemorySegment page;
    private final ByteRingLayout layout;
    private final int mask;

    public ByteRing(MemorySegment page, ByteRingLayout layout) {
        if (page.byteSize() < Math.max(layout.data() + layout.size(), Math.max(layout.cons(), layout.prod()) + 4)) {
            throw new IllegalArgumentException("page too small for ring " + layout);
        }
        this.page = page;
        this.layout = layout;
        this.mask = layout.size() - 1;
    }

    public int size() {
        return layout.size();
    }

    /**
     * Bytes waiting for the consumer; {@value Rings#OVERFLOW} if the indices are more than a
     * ring apart (the other end is corrupt: {@code XENSTORE_ERROR_RINGIDX}).
     */
    public int available() {
        int n = RingIndex.acquire(page, layout.prod()) - RingIndex.acquire(page, layout.cons());
        return Integer.compareUnsigned(n, layout.size()) > 0 ? Rings.OVERFLOW : n;
    }

    /** Bytes the producer may write now; {@value Rings#OVERFLOW} as {@link #available()}. */
    public int space() {
        int n = available();
        return n < 0 ? Rings.OVERFLOW : layout.size() - n;
    }

    /**
     * Consumer: copies up to {@code length} waiting bytes into {@code dst} and frees their
     * space. Returns the bytes read, or {@value Rings#OVERFLOW}.
     */
    public int read(byte[] dst, int offset, int length) {
        int cons = RingIndex.plain(page, layout.cons());
        int prod = RingIndex.acquire(page, layout.prod());
        int n = prod - cons;
        if (Integer.compareUnsigned(n, layout.size()) > 0) {
            return Rings.OVERFLOW;
        }
        n = Math.min(n, length);
        for (int done = 0; done < n; ) {
            int at = (cons + done) & mask;
            int run = Math.min(n - done, layout.size() - at);
            MemorySegment.copy(page, ValueLayout.JAVA_BYTE, layout.data() + at, dst, offset + done, run);
            done += run;
        }
        RingIndex.storeFence(page, layout.cons(), cons + n);
        return n;
    }

    /**
     * Producer: copies up to {@code length} bytes of {@code src} into the free space and
     * publishes them. Returns the bytes written (fewer when the ring fills), or
     * {@value Rings#OVERFLOW}.
     */
    public int write(byte[] src, int offset, int length) {
        int prod = RingIndex.plain(page, layout.prod());
        int cons = RingIndex.acquire(page, layout.cons());
        int used = prod - cons;
        if (Integer.compareUnsigned(used, layout.size()) > 0) {
            return Rings.OVERFLOW;
        }
        int n = Math.min(layout.size() - used, length);
        for (int done = 0; done < n; ) {
            int at = (prod + done) & mask;
            int run = Math.min(n - done, layout.size() - at);
            MemorySegment.copy(src, offset + done, page, ValueLayout.JAVA_BYTE, layout.data() + at, run);
            done += run;
        }
        RingIndex.storeFence(page, layout.prod(), prod + n);
        return n;
    }

    /** Sets both indices to {@code index} before the ring is shared (tests of wrap-around). */
    public void reset(int index) {
        RingIndex.plain(page, layout.cons(), index);
        RingIndex.storeFence(page, layout.prod(), index);
    }
}
