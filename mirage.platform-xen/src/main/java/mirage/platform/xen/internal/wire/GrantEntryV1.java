package mirage.platform.xen.internal.wire;

/**
 * A version-1 grant table entry ({@code struct grant_entry_v1}, grant_table.h):
 * {@code uint16_t flags; domid_t domid; uint32_t frame;}, 8 bytes, in the granting domain's
 * grant table frames. The granting domain writes {@code domid} and {@code frame}, then the
 * flags; the hypervisor sets {@code GTF_reading}/{@code GTF_writing} while the grant is mapped.
 */
public final class GrantEntryV1 {
    /** Bytes of an entry. */
    public static final int SIZE = 8;
    public static final int FLAGS = 0;
    public static final int DOMID = 2;
    public static final int FRAME = 4;
    /** Entries per table frame. */
    public static final int PER_FRAME = Layouts.PAGE_SIZE / SIZE;
    /** {@code GNTTAB_NR_RESERVED_ENTRIES}: refs the toolstack owns. */
    public static final int NR_RESERVED = 8;
    /** {@code GNTTAB_RESERVED_CONSOLE}. */
    public static final int RESERVED_CONSOLE = 0;
    /** {@code GNTTAB_RESERVED_XENSTORE}. */
    public static final int RESERVED_XENSTORE = 1;

    /** {@code GTF_invalid}. */
    public static final int GTF_INVALID = 0;
    /** {@code GTF_permit_access}. */
    public static final int GTF_PERMIT_ACCESS = 1;
    /** {@code GTF_type_mask}. */
    public static final int GTF_TYPE_MASK = 3;
    /** {@code GTF_readonly}: the grantee may map it read-only only. */
    public static final int GTF_READONLY = 1 << 2;
    /** {@code GTF_reading}: mapped by the grantee (set by the hypervisor). */
    public static final int GTF_READING = 1 << 3;
    /** {@code GTF_writing}: mapped writable by the grantee (set by the hypervisor). */
    public static final int GTF_WRITING = 1 << 4;

    /** {@code GNTST_okay}. */
    public static final int GNTST_OKAY = 0;
    /** {@code GNTST_general_error}. */
    public static final int GNTST_GENERAL_ERROR = -1;
    /** {@code GNTST_bad_domain}. */
    public static final int GNTST_BAD_DOMAIN = -2;
    /** {@code GNTST_bad_gntref}. */
    public static final int GNTST_BAD_GNTREF = -3;
    /** {@code GNTST_bad_handle}. */
    public static final int GNTST_BAD_HANDLE = -4;
    /** {@code GNTST_permission_denied}. */
    public static final int GNTST_PERMISSION_DENIED = -8;
    /** {@code GNTST_bad_page}. */
    public static final int GNTST_BAD_PAGE = -9;
    /** {@code GNTST_bad_copy_arg}: a copy crossing a page boundary. */
    public static final int GNTST_BAD_COPY_ARG = -10;

    private GrantEntryV1() {}

    /** The offset of entry {@code ref} in the table. */
    public static long offset(int ref) {
        return (long) ref * SIZE;
    }

    /**
     * The first 32 bits of an entry as one little-endian word: {@code flags} in the low half,
     * {@code domid} in the high. Flags and domid change together with one compare-and-set.
     */
    public static int word(int flags, int domid) {
        return (flags & 0xffff) | (domid & 0xffff) << 16;
    }

    public static int flagsOf(int word) {
        return word & 0xffff;
    }

    public static int domidOf(int word) {
        return word >>> 16;
    }
}
