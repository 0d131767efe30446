package mirage.platform.xen.internal.wire;

/**
 * The parts of {@code struct shared_info} (xen.h) the 2-level event channel ABI uses, on
 * x86-64: {@code vcpu_info[32]} of 64 bytes each (vCPU 0's {@code evtchn_upcall_pending} at 0,
 * {@code evtchn_upcall_mask} at 1, {@code evtchn_pending_sel} at 8), then
 * {@code evtchn_pending[64]} and {@code evtchn_mask[64]}, arrays of 64-bit words: port
 * {@code p} is bit {@code p % 64} of word {@code p / 64}; bit {@code w} of the selector says
 * pending word {@code w} may have a bit set.
 */
public final class SharedInfo {
    /** {@code XEN_LEGACY_MAX_VCPUS} on x86. */
    public static final int LEGACY_MAX_VCPUS = 32;
    /** Bytes of a {@code vcpu_info}. */
    public static final int VCPU_INFO = 64;
    public static final int UPCALL_PENDING = 0;
    public static final int UPCALL_MASK = 1;
    public static final int PENDING_SEL = 8;
    /** {@code evtchn_pending[]}. */
    public static final int EVTCHN_PENDING = LEGACY_MAX_VCPUS * VCPU_INFO;
    /** {@code evtchn_mask[]}. */
    public static final int EVTCHN_MASK = EVTCHN_PENDING + 64 * 8;
    /** Bits per word ({@code xen_ulong_t}). */
    public static final int BITS_PER_WORD = 64;
    /** Ports of the 2-level ABI: 64 words of 64 bits. */
    public static final int NR_PORTS = 64 * BITS_PER_WORD;

    private SharedInfo() {}

    /** The offset of the pending word holding {@code port}. */
    public static long pendingWord(int port) {
        return EVTCHN_PENDING + (long) (port / BITS_PER_WORD) * 8;
    }

    /** The offset of the mask word holding {@code port}. */
    public static long maskWord(int port) {
        return EVTCHN_MASK + (long) (port / BITS_PER_WORD) * 8;
    }

    /** The bit of {@code port} in its word. */
    public static long bit(int port) {
        return 1L << (port % BITS_PER_WORD);
    }
}
