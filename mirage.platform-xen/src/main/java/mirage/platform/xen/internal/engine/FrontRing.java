package mirage.platform.xen.internal.engine;

import java.lang.foreign.MemorySegment;
import mirage.platform.xen.internal.wire.SringLayout;

/**
 * The front end of an io/ring.h shared ring: it produces requests and consumes responses.
 * Indices are free-running unsigned 32-bit counters (Java ints, compared by difference, so
 * that they wrap at 2^32 as {@code RING_IDX} does); entries are addressed by index modulo the
 * ring size. The entry layout is the caller's: this class hands out entry offsets in the ring
 * segment.
 *
 * <p>Not thread-safe: one thread (or one lock holder) drives a front end. The back end may run
 * concurrently on another thread or domain.
 */
public final class FrontRing {
    private final MemorySegment sring;
    private final int entries;
    private final int entrySize;
    private int reqProdPvt;
    private int rspCons;

    private FrontRing(MemorySegment sring, int entrySize, int index) {
        if (sring.byteSize() < SringLayout.RING + entrySize) {
            throw new IllegalArgumentException("a shared ring needs a segment holding at least one entry");
        }
        this.sring = sring;
        this.entrySize = entrySize;
        this.entries = SringLayout.entries((int) Math.min(sring.byteSize(), Integer.MAX_VALUE), entrySize);
        this.reqProdPvt = index;
        this.rspCons = index;
    }

    /**
     * {@code XEN_FRONT_RING_INIT}: initialises the shared header ({@code SHARED_RING_INIT}:
     * producers 0, events 1, private bytes and padding zeroed) and attaches a front end at 0.
     */
    public static FrontRing init(MemorySegment sring, int entrySize) {
        return initAt(sring, entrySize, 0);
    }

    /**
     * As {@link #init}, with both producers and the front end's indices starting at
     * {@code index} and the event indices at {@code index + 1}: a ring that has already carried
     * {@code index} requests. For tests of wrap-around.
     */
    public static FrontRing initAt(MemorySegment sring, int entrySize, int index) {
        sring.asSlice(0, SringLayout.RING).fill((byte) 0);
        RingIndex.plain(sring, SringLayout.REQ_PROD, index);
        RingIndex.plain(sring, SringLayout.RSP_PROD, index);
        RingIndex.plain(sring, SringLayout.REQ_EVENT, index + 1);
        RingIndex.storeFence(sring, SringLayout.RSP_EVENT, index + 1);
        return new FrontRing(sring, entrySize, index);
    }

    /** The segment of the shared ring (header and entries). */
    public MemorySegment memory() {
        return sring;
    }

    /** {@code RING_SIZE}: entries in the ring, a power of two. */
    public int size() {
        return entries;
    }

    /** {@code RING_FREE_REQUESTS}: requests that may be produced before responses are consumed. */
    public int freeRequests() {
        return entries - (reqProdPvt - rspCons);
    }

    /** {@code RING_FULL}. */
    public boolean full() {
        return freeRequests() == 0;
    }

    /** The private producer index: the index the next request takes. */
    public int requestProducer() {
        return reqProdPvt;
    }

    /** The private consumer index: the index of the next response. */
    public int responseConsumer() {
        return rspCons;
    }

    /**
     * Claims the next request slot and returns its offset in {@link #memory()}; the request is
     * written there, then published by {@link #pushRequests()}.
     *
     * @throws IllegalStateException if the ring is full
     */
    public long nextRequest() {
        if (full()) {
            throw new IllegalStateException("request ring full");
        }
        return SringLayout.entryOffset(reqProdPvt++, entries, entrySize);
    }

    /**
     * {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY}: publishes the requests written so far and
     * says whether the back end asked to be notified of them (its {@code req_event} lies in the
     * range just published).
     */
    public boolean pushRequests() {
        int old = RingIndex.plain(sring, SringLayout.REQ_PROD);
        int now = reqProdPvt;
        RingIndex.storeFence(sring, SringLayout.REQ_PROD, now);
        int event = RingIndex.load(sring, SringLayout.REQ_EVENT);
        return Integer.compareUnsigned(now - event, now - old) < 0;
    }

    /**
     * Responses published and not yet consumed; {@value Rings#OVERFLOW} if the back end's
     * producer index claims more than the ring holds ({@code RING_RESPONSE_PROD_OVERFLOW}: a
     * misbehaving back end).
     */
    public int unconsumedResponses() {
        int prod = RingIndex.acquire(sring, SringLayout.RSP_PROD);
        int n = prod - rspCons;
        if (Integer.compareUnsigned(n, entries) > 0 || Integer.compareUnsigned(n, reqProdPvt - rspCons) > 0) {
            return Rings.OVERFLOW;
        }
        return n;
    }

    /**
     * Consumes the next response and returns its offset; call only while
     * {@link #unconsumedResponses()} is positive. Read each field once.
     */
    public long takeResponse() {
        return SringLayout.entryOffset(rspCons++, entries, entrySize);
    }

    /**
     * {@code RING_FINAL_CHECK_FOR_RESPONSES}: if no response is waiting, asks to be notified of
     * the next one ({@code rsp_event = rsp_cons + 1}) and looks once more, closing the race with
     * a back end publishing meanwhile. Returns whether responses are waiting (or the ring
     * overflowed: {@link #unconsumedResponses()} then says so).
     */
    public boolean finalCheckForResponses() {
        if (unconsumedResponses() != 0) {
            return true;
        }
        RingIndex.storeFence(sring, SringLayout.RSP_EVENT, rspCons + 1);
        return unconsumedResponses() != 0;
    }

    /**
     * Asks to be notified only once {@code count} more responses are published (a batching
     * variant of the final check); returns whether responses are already waiting.
     */
    public boolean requestResponseEventAfter(int count) {
        RingIndex.storeFence(sring, SringLayout.RSP_EVENT, rspCons + Math.max(1, count));
        return unconsumedResponses() != 0;
    }
}
