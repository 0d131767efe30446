package mirage.platform.xen.internal.wire;

/**
 * The shared ring page of io/ring.h's {@code DEFINE_RING_TYPES}: a 64-byte header
 * ({@code RING_IDX req_prod, req_event, rsp_prod, rsp_event; uint8_t pvt[4]; uint8_t __pad[44]})
 * followed by an array of entries, each the union of a request and a response, as many as fit
 * rounded down to a power of two ({@code __CONST_RING_SIZE}).
 */
public final class SringLayout {
    public static final int REQ_PROD = 0;
    public static final int REQ_EVENT = 4;
    public static final int RSP_PROD = 8;
    public static final int RSP_EVENT = 12;
    /** {@code pvt}: netif's {@code smartpoll_active}, unused here. */
    public static final int PVT = 16;
    /** Where the entries start: after the 64-byte header. */
    public static final int RING = 64;

    private SringLayout() {}

    /**
     * Entries of {@code entrySize} bytes a ring of {@code bytes} holds: the largest power of two
     * not above {@code (bytes - 64) / entrySize} ({@code __RD32}); 0 if none fits.
     */
    public static int entries(int bytes, int entrySize) {
        if (entrySize <= 0) {
            throw new IllegalArgumentException("entry size " + entrySize);
        }
        int fit = (bytes - RING) / entrySize;
        return fit <= 0 ? 0 : Integer.highestOneBit(fit);
    }

    /** Where entry {@code index} (a free-running index, masked here) lies. */
    public static long entryOffset(int index, int entries, int entrySize) {
        return RING + (long) (index & (entries - 1)) * entrySize;
    }
}
