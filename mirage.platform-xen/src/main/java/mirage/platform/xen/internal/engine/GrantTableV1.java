package mirage.platform.xen.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import mirage.platform.xen.internal.wire.GrantEntryV1;
import mirage.platform.xen.internal.wire.Layouts;

/**
 * A version-1 grant table (grant_table.h) in a domain's table frames: the granting side
 * ({@link #grant}, {@link #endAccess}: what a guest's {@code gnttab_grant_foreign_access} and
 * {@code gnttab_end_foreign_access_ref} do) and the hypervisor's checks when another domain maps
 * or copies a grant ({@link #acquire}, {@link #release}). The first 32 bits of an entry (flags
 * and domid) change with compare-and-set, so the two sides may race as on Xen: a grant being
 * mapped cannot be ended, and an ended grant cannot be mapped.
 *
 * <p>The granting side's methods are synchronized (any thread of the granting domain); the
 * hypervisor's are lock-free on the entry word.
 */
public final class GrantTableV1 {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment table;
    private final int capacity;
    /** Free refs, a stack. */
    private final int[] free;
    private int freeCount;

    /**
     * A table over {@code table} (whole entries; 8-byte aligned); refs below
     * {@link GrantEntryV1#NR_RESERVED} are never handed out by {@link #grant}.
     */
    public GrantTableV1(MemorySegment table) {
        this.table = table;
        this.capacity = (int) (table.byteSize() / GrantEntryV1.SIZE);
        this.free = new int[Math.max(0, capacity - GrantEntryV1.NR_RESERVED)];
        for (int ref = capacity - 1; ref >= GrantEntryV1.NR_RESERVED; ref--) {
            free[freeCount++] = ref;
        }
    }

    /** Entries in the table. */
    public int capacity() {
        return capacity;
    }

    /** Refs {@link #grant} can still hand out. */
    public synchronized int available() {
        return freeCount;
    }

    /**
     * Grants {@code domid} access to {@code frame}: writes domid and frame, then the flags.
     *
     * @return the ref, or -1 if the table is full
     */
    public synchronized int grant(int domid, long frame, boolean readOnly) {
        if (freeCount == 0) {
            return -1;
        }
        int ref = free[--freeCount];
        write(ref, domid, frame, readOnly);
        return ref;
    }

    /** Writes a grant at {@code ref} (a reserved ref the toolstack fills: console 0, xenstore 1). */
    public void grantAt(int ref, int domid, long frame, boolean readOnly) {
        if (ref < 0 || ref >= capacity) {
            throw new IllegalArgumentException("grant ref " + ref + " out of 0.." + (capacity - 1));
        }
        write(ref, domid, frame, readOnly);
    }

    private void write(int ref, int domid, long frame, boolean readOnly) {
        long at = GrantEntryV1.offset(ref);
        Layouts.u32(table, at + GrantEntryV1.FRAME, (int) frame);
        int flags = GrantEntryV1.GTF_PERMIT_ACCESS | (readOnly ? GrantEntryV1.GTF_READONLY : 0);
        INT.setVolatile(table, at, GrantEntryV1.word(flags, domid));
    }

    /**
     * Ends the grant unless the grantee has it mapped ({@code GTF_reading}/{@code GTF_writing}
     * set): the entry becomes invalid and the ref free again.
     *
     * @return false if the grant is in use (try again after the grantee unmaps it)
     */
    public synchronized boolean endAccess(int ref) {
        long at = GrantEntryV1.offset(ref);
        while (true) {
            int word = (int) INT.getVolatile(table, at);
            if ((GrantEntryV1.flagsOf(word) & (GrantEntryV1.GTF_READING | GrantEntryV1.GTF_WRITING)) != 0) {
                return false;
            }
            if (INT.compareAndSet(table, at, word, 0)) {
                break;
            }
        }
        if (ref >= GrantEntryV1.NR_RESERVED) {
            free[freeCount++] = ref;
        }
        return true;
    }

    /**
     * Hypervisor: checks that entry {@code ref} of {@code table} grants {@code mapper} access
     * ({@code writable} if asked) and marks it reading/writing.
     *
     * @return the granted frame (0 to 2^32-1), or a negative {@code GNTST_*} status
     */
    public static long acquire(MemorySegment table, int ref, int mapper, boolean writable) {
        if (ref < 0 || (long) (ref + 1) * GrantEntryV1.SIZE > table.byteSize()) {
            return GrantEntryV1.GNTST_BAD_GNTREF;
        }
        long at = GrantEntryV1.offset(ref);
        while (true) {
            int word = (int) INT.getVolatile(table, at);
            int flags = GrantEntryV1.flagsOf(word);
            if ((flags & GrantEntryV1.GTF_TYPE_MASK) != GrantEntryV1.GTF_PERMIT_ACCESS
                    || GrantEntryV1.domidOf(word) != mapper) {
                return GrantEntryV1.GNTST_PERMISSION_DENIED;
            }
            if (writable && (flags & GrantEntryV1.GTF_READONLY) != 0) {
                return GrantEntryV1.GNTST_PERMISSION_DENIED;
            }
            int next = flags | GrantEntryV1.GTF_READING | (writable ? GrantEntryV1.GTF_WRITING : 0);
            if (INT.compareAndSet(table, at, word, GrantEntryV1.word(next, mapper))) {
                return Integer.toUnsignedLong(Layouts.u32(table, at + GrantEntryV1.FRAME));
            }
        }
    }

    /**
     * Hypervisor: clears {@code GTF_writing} (if {@code clearWriting}) and {@code GTF_reading}
     * (if {@code clearReading}) when the last mapping of that kind goes.
     */
    public static void release(MemorySegment table, int ref, boolean clearReading, boolean clearWriting) {
        int bits = (clearReading ? GrantEntryV1.GTF_READING : 0) | (clearWriting ? GrantEntryV1.GTF_WRITING : 0);
        INT.getAndBitwiseAnd(table, GrantEntryV1.offset(ref), ~bits);
    }
}
