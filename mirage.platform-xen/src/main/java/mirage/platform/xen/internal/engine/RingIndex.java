package mirage.platform.xen.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Access to a 32-bit ring index in shared memory with the ordering ring.h's barriers give:
 * acquire loads, release stores, and volatile (sequentially consistent) stores where a full
 * barrier follows the store. The word must be 4-byte aligned (every index of a ring page is).
 */
final class RingIndex {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private RingIndex() {}

    /** A load after which later reads see what the producer wrote before publishing (rmb). */
    static int acquire(MemorySegment s, long at) {
        return (int) INT.getAcquire(s, at);
    }

    /** A store after everything written before it (wmb; then the index). */
    static void release(MemorySegment s, long at, int value) {
        INT.setRelease(s, at, value);
    }

    /** A store followed by a full barrier (the {@code mb()} before reading the other's event index). */
    static void storeFence(MemorySegment s, long at, int value) {
        INT.setVolatile(s, at, value);
    }

    /** A sequentially consistent load. */
    static int load(MemorySegment s, long at) {
        return (int) INT.getVolatile(s, at);
    }

    /** A plain load, for a field only this side writes. */
    static int plain(MemorySegment s, long at) {
        return (int) INT.get(s, at);
    }

    /** A plain store, before the ring is shared. */
    static void plain(MemorySegment s, long at, int value) {
        INT.set(s, at, value);
    }
}
