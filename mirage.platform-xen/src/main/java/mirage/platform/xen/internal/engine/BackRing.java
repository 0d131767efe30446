package mirage.platform.xen.internal.engine;

import java.lang.foreign.MemorySegment;
import mirage.platform.xen.internal.wire.SringLayout;

/**
 * The back end of an io/ring.h shared ring: it consumes requests and produces responses. The
 * front end initialised the shared header; a back end only attaches. Indices are free-running
 * as in {@link FrontRing}. Not thread-safe: one thread drives a back end.
 */
public final class BackRing {
    private final MemorySegment sring;
    private final int entries;
    private final int entrySize;
    private int rspProdPvt;
    private int reqCons;

    private BackRing(MemorySegment sring, int entrySize, int index) {
        if (sring.byteSize() < SringLayout.RING + entrySize) {
            throw new IllegalArgumentException("a shared ring needs a segment holding at least one entry");
        }
        this.sring = sring;
        this.entrySize = entrySize;
        this.entries = SringLayout.entries((int) Math.min(sring.byteSize(), Integer.MAX_VALUE), entrySize);
        this.rspProdPvt = index;
        this.reqCons = index;
    }

    /** {@code BACK_RING_INIT}: a back end at index 0. */
    public static BackRing attach(MemorySegment sring, int entrySize) {
        return new BackRing(sring, entrySize, 0);
    }

    /**
     * {@code BACK_RING_ATTACH}: a back end whose indices start at the shared request and
     * response producers' current values (they must agree, as after a front end's
     * {@link FrontRing#initAt}); a back end reconnecting to a ring in use would pass its own.
     */
    public static BackRing attachAt(MemorySegment sring, int entrySize, int index) {
        return new BackRing(sring, entrySize, index);
    }

    /** The shared ring's segment. */
    public MemorySegment memory() {
        return sring;
    }

    public int size() {
        return entries;
    }

    public int requestConsumer() {
        return reqCons;
    }

    public int responseProducer() {
        return rspProdPvt;
    }

    /**
     * {@code RING_HAS_UNCONSUMED_REQUESTS}: requests published and not consumed, bounded by the
     * responses this end can still produce; {@value Rings#OVERFLOW} if the front end's producer
     * claims more than the ring holds ({@code RING_REQUEST_PROD_OVERFLOW}).
     */
    public int unconsumedRequests() {
        int prod = RingIndex.acquire(sring, SringLayout.REQ_PROD);
        if (Integer.compareUnsigned(prod - rspProdPvt, entries) > 0) {
            return Rings.OVERFLOW;
        }
        int req = prod - reqCons;
        int rsp = entries - (reqCons - rspProdPvt);
        return Integer.compareUnsigned(req, rsp) < 0 ? req : rsp;
    }

    /**
     * The offset of the request {@code ahead} places after the next one, without consuming it
     * (to see whether a packet's slots have all arrived); only for {@code ahead} below
     * {@link #unconsumedRequests()}.
     */
    public long peekRequest(int ahead) {
        return SringLayout.entryOffset(reqCons + ahead, entries, entrySize);
    }

    /** Consumes the next request and returns its offset; only while requests are unconsumed. */
    public long takeRequest() {
        return SringLayout.entryOffset(reqCons++, entries, entrySize);
    }

    /** Claims the next response slot and returns its offset; publish with {@link #pushResponses()}. */
    public long nextResponse() {
        if (rspProdPvt == reqCons) {
            throw new IllegalStateException("no request awaits a response");
        }
        return SringLayout.entryOffset(rspProdPvt++, entries, entrySize);
    }

    /**
     * Responses this end may still produce for requests it consumed (so that a response is
     * written only in a slot whose request has been read).
     */
    public int pendingResponses() {
        return reqCons - rspProdPvt;
    }

    /**
     * {@code RING_PUSH_RESPONSES_AND_CHECK_NOTIFY}: publishes the responses and says whether
     * the front end asked to be notified of them.
     */
    public boolean pushResponses() {
        int old = RingIndex.plain(sring, SringLayout.RSP_PROD);
        int now = rspProdPvt;
        RingIndex.storeFence(sring, SringLayout.RSP_PROD, now);
        int event = RingIndex.load(sring, SringLayout.RSP_EVENT);
        return Integer.compareUnsigned(now - event, now - old) < 0;
    }

    /**
     * {@code RING_FINAL_CHECK_FOR_REQUESTS}: if no request is waiting, asks to be notified of
     * the next one and looks once more. Returns whether requests are waiting (or overflow).
     */
    public boolean finalCheckForRequests() {
        if (unconsumedRequests() != 0) {
            return true;
        }
        RingIndex.storeFence(sring, SringLayout.REQ_EVENT, reqCons + 1);
        return unconsumedRequests() != 0;
    }
}
