package mirage.platform.xen.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * The PV block ring (io/blkif.h): requests of up to {@value #MAX_SEGMENTS_PER_REQUEST}
 * segments, each a range of 512-byte sectors within one granted page. Offsets are the C
 * structs' on x86-64 (natural alignment):
 *
 * <pre>
 * blkif_request          { uint8_t operation, nr_segments; uint16_t handle; [4 pad]
 *                          uint64_t id; uint64_t sector_number;
 *                          blkif_request_segment seg[11]; }                     112 bytes
 * blkif_request_segment  { grant_ref_t gref; uint8_t first_sect, last_sect; [2 pad] }   8 bytes
 * blkif_request_discard  { uint8_t operation, flag; uint16_t handle; [4 pad]
 *                          uint64_t id, sector_number, nr_sectors; }
 * blkif_response         { uint64_t id; uint8_t operation; [1 pad] int16_t status; [4 pad] } 16 bytes
 * </pre>
 *
 * {@code sector_number}, {@code first_sect} and {@code last_sect} count 512-byte units
 * whatever the device's {@code sector-size}.
 */
public final class Blkif {
    /** Bytes of a ring entry: the union of request (112) and response (16). */
    public static final int ENTRY = 112;
    /** Entries of a one-page ring: (4096 - 64) / 112 = 36, rounded down: 32. */
    public static final int RING_SIZE = SringLayout.entries(Layouts.PAGE_SIZE, ENTRY);
    /** {@code BLKIF_MAX_SEGMENTS_PER_REQUEST}. */
    public static final int MAX_SEGMENTS_PER_REQUEST = 11;
    /** The unit of sector numbers on the ring. */
    public static final int SECTOR = 512;
    /** 512-byte sectors in a page. */
    public static final int SECTORS_PER_PAGE = Layouts.PAGE_SIZE / SECTOR;

    public static final int REQ_OPERATION = 0;
    public static final int REQ_NR_SEGMENTS = 1;
    public static final int REQ_HANDLE = 2;
    public static final int REQ_ID = 8;
    public static final int REQ_SECTOR_NUMBER = 16;
    public static final int REQ_SEG = 24;
    /** Bytes of one segment entry. */
    public static final int SEG_SIZE = 8;
    public static final int SEG_GREF = 0;
    public static final int SEG_FIRST_SECT = 4;
    public static final int SEG_LAST_SECT = 5;
    /** {@code blkif_request_discard.flag}. */
    public static final int DISCARD_FLAG = 1;
    /** {@code blkif_request_discard.nr_sectors}. */
    public static final int DISCARD_NR_SECTORS = 24;

    public static final int RSP_ID = 0;
    public static final int RSP_OPERATION = 8;
    public static final int RSP_STATUS = 10;

    public static final int OP_READ = 0;
    public static final int OP_WRITE = 1;
    public static final int OP_WRITE_BARRIER = 2;
    public static final int OP_FLUSH_DISKCACHE = 3;
    public static final int OP_DISCARD = 5;
    public static final int OP_INDIRECT = 6;

    /** {@code BLKIF_RSP_EOPNOTSUPP}. */
    public static final int RSP_EOPNOTSUPP = -2;
    /** {@code BLKIF_RSP_ERROR}. */
    public static final int RSP_ERROR = -1;
    /** {@code BLKIF_RSP_OKAY}. */
    public static final int RSP_OKAY = 0;

    /** {@code VDISK_CDROM} bit of the {@code info} node. */
    public static final int VDISK_CDROM = 1;
    /** {@code VDISK_REMOVABLE}. */
    public static final int VDISK_REMOVABLE = 2;
    /** {@code VDISK_READONLY}. */
    public static final int VDISK_READONLY = 4;

    /** {@code XEN_IO_PROTO_ABI_X86_64}: the {@code protocol} node a front end writes. */
    public static final String PROTOCOL_X86_64 = "x86_64-abi";

    private Blkif() {}

    /** Writes a request's header; segments follow with {@link #segment}. */
    public static void request(MemorySegment ring, long at, int operation, int nrSegments, int handle, long id,
            long sectorNumber) {
        Layouts.u8(ring, at + REQ_OPERATION, operation);
        Layouts.u8(ring, at + REQ_NR_SEGMENTS, nrSegments);
        Layouts.u16(ring, at + REQ_HANDLE, handle);
        Layouts.u32(ring, at + 4, 0);
        Layouts.u64(ring, at + REQ_ID, id);
        Layouts.u64(ring, at + REQ_SECTOR_NUMBER, sectorNumber);
    }

    /** Writes segment {@code i} of the request at {@code at}. */
    public static void segment(MemorySegment ring, long at, int i, int gref, int firstSect, int lastSect) {
        long s = at + REQ_SEG + (long) i * SEG_SIZE;
        Layouts.u32(ring, s + SEG_GREF, gref);
        Layouts.u8(ring, s + SEG_FIRST_SECT, firstSect);
        Layouts.u8(ring, s + SEG_LAST_SECT, lastSect);
        Layouts.u16(ring, s + 6, 0);
    }

    /** Writes a discard request. */
    public static void discard(MemorySegment ring, long at, int handle, long id, long sectorNumber, long nrSectors) {
        Layouts.u8(ring, at + REQ_OPERATION, OP_DISCARD);
        Layouts.u8(ring, at + DISCARD_FLAG, 0);
        Layouts.u16(ring, at + REQ_HANDLE, handle);
        Layouts.u32(ring, at + 4, 0);
        Layouts.u64(ring, at + REQ_ID, id);
        Layouts.u64(ring, at + REQ_SECTOR_NUMBER, sectorNumber);
        Layouts.u64(ring, at + DISCARD_NR_SECTORS, nrSectors);
    }

    public static void response(MemorySegment ring, long at, long id, int operation, int status) {
        Layouts.u64(ring, at + RSP_ID, id);
        Layouts.u8(ring, at + RSP_OPERATION, operation);
        Layouts.u8(ring, at + RSP_OPERATION + 1, 0);
        Layouts.u16(ring, at + RSP_STATUS, status);
        Layouts.u32(ring, at + 12, 0);
    }
}
