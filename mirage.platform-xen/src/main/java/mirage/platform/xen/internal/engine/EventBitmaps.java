package mirage.platform.xen.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import mirage.platform.xen.internal.wire.SharedInfo;

/**
 * The 2-level event channel ABI over a {@code shared_info} page (xen.h): both halves, the
 * hypervisor's ({@link #raise}: pending bit, selector bit, upcall flag) and the guest's
 * ({@link #scan}: upcall flag cleared, selector taken, pending and unmasked bits collected and
 * cleared). vCPU 0 only. Every word is changed with an atomic read-modify-write, so the two
 * halves may run on different threads at once; the order of operations is Xen's, so that no
 * edge is lost: the guest clears the upcall flag before it takes the selector, and the
 * hypervisor sets the selector before the flag.
 */
public final class EventBitmaps {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** {@code evtchn_upcall_pending} is the low byte of the first word of vcpu_info (little-endian). */
    private static final int UPCALL_BYTE = 0xff;

    private final MemorySegment shared;

    /** @param shared a {@code shared_info} page, 8-byte aligned, native */
    public EventBitmaps(MemorySegment shared) {
        if (shared.byteSize() < SharedInfo.EVTCHN_MASK + 64 * 8) {
            throw new IllegalArgumentException("shared_info needs " + (SharedInfo.EVTCHN_MASK + 512) + " bytes");
        }
        this.shared = shared;
    }

    /**
     * Hypervisor: marks {@code port} pending ({@code evtchn_set_pending}). If the bit was clear
     * and the port is not masked, sets its selector bit and the upcall flag.
     *
     * @return whether the upcall flag went from clear to set: the domain must be woken
     */
    public boolean raise(int port) {
        check(port);
        long bit = SharedInfo.bit(port);
        long was = (long) LONG.getAndBitwiseOr(shared, SharedInfo.pendingWord(port), bit);
        if ((was & bit) != 0) {
            return false;
        }
        return edge(port);
    }

    /** Sets the selector and upcall flag for a pending, unmasked port. */
    private boolean edge(int port) {
        if (((long) LONG.getVolatile(shared, SharedInfo.maskWord(port)) & SharedInfo.bit(port)) != 0) {
            return false;
        }
        LONG.getAndBitwiseOr(shared, (long) SharedInfo.PENDING_SEL, 1L << (port / SharedInfo.BITS_PER_WORD));
        int old = (int) INT.getAndBitwiseOr(shared, (long) SharedInfo.UPCALL_PENDING, 1);
        return (old & UPCALL_BYTE) == 0;
    }

    /** Whether the upcall flag is set: something may be pending. */
    public boolean upcallPending() {
        return ((int) INT.getVolatile(shared, (long) SharedInfo.UPCALL_PENDING) & UPCALL_BYTE) != 0;
    }

    /**
     * Guest: collects pending, unmasked ports into {@code into} (at most its length), clearing
     * their pending bits, lowest word and bit first. If more are pending than fit, the flag
     * and selector are set again so that a later scan finds them.
     *
     * @return how many ports were written
     */
    public int scan(int[] into) {
        INT.getAndBitwiseAnd(shared, (long) SharedInfo.UPCALL_PENDING, ~UPCALL_BYTE);
        long selector = (long) LONG.getAndSet(shared, (long) SharedInfo.PENDING_SEL, 0L);
        int n = 0;
        while (selector != 0) {
            int word = Long.numberOfTrailingZeros(selector);
            selector &= selector - 1;
            long pendingAt = SharedInfo.EVTCHN_PENDING + (long) word * 8;
            long bits = (long) LONG.getVolatile(shared, pendingAt)
                    & ~(long) LONG.getVolatile(shared, SharedInfo.EVTCHN_MASK + (long) word * 8);
            while (bits != 0) {
                if (n == into.length) {
                    // no room: leave this word's and the remaining words' bits for the next scan
                    LONG.getAndBitwiseOr(shared, (long) SharedInfo.PENDING_SEL, selector | 1L << word);
                    INT.getAndBitwiseOr(shared, (long) SharedInfo.UPCALL_PENDING, 1);
                    return n;
                }
                int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                long was = (long) LONG.getAndBitwiseAnd(shared, pendingAt, ~(1L << bit));
                if ((was & 1L << bit) != 0) {
                    into[n++] = word * SharedInfo.BITS_PER_WORD + bit;
                }
            }
        }
        return n;
    }

    /** Whether {@code port}'s pending bit is set. */
    public boolean pending(int port) {
        check(port);
        return ((long) LONG.getVolatile(shared, SharedInfo.pendingWord(port)) & SharedInfo.bit(port)) != 0;
    }

    /** Clears {@code port}'s pending bit (a port closed or rebound). */
    public void clear(int port) {
        check(port);
        LONG.getAndBitwiseAnd(shared, SharedInfo.pendingWord(port), ~SharedInfo.bit(port));
    }

    /** Guest: masks {@code port}: its edges are not signalled until unmasked. */
    public void mask(int port) {
        check(port);
        LONG.getAndBitwiseOr(shared, SharedInfo.maskWord(port), SharedInfo.bit(port));
    }

    /**
     * Unmasks {@code port} ({@code EVTCHNOP_unmask}): if it became pending while masked, its
     * edge is delivered now.
     *
     * @return whether the upcall flag went from clear to set
     */
    public boolean unmask(int port) {
        check(port);
        LONG.getAndBitwiseAnd(shared, SharedInfo.maskWord(port), ~SharedInfo.bit(port));
        return pending(port) && edge(port);
    }

    private static void check(int port) {
        if (port <= 0 || port >= SharedInfo.NR_PORTS) {
            throw new IllegalArgumentException("event channel port " + port + " out of 1.." + (SharedInfo.NR_PORTS - 1));
        }
    }
}
