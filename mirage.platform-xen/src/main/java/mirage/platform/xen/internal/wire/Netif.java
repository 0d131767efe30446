package mirage.platform.xen.internal.wire;

import java.lang.foreign.MemorySegment;

/**
 * The PV network rings (io/netif.h): one TX ring (front to back) and one RX ring (back to
 * front), each a page. Field offsets are the C structs' on x86-64; accessors read or write at
 * {@code at}, the entry's offset in the ring page.
 *
 * <pre>
 * netif_tx_request  { grant_ref_t gref; uint16_t offset, flags, id, size; }   12 bytes
 * netif_tx_response { uint16_t id; int16_t status; }                            4 bytes
 * netif_rx_request  { uint16_t id, pad; grant_ref_t gref; }                     8 bytes
 * netif_rx_response { uint16_t id, offset, flags; int16_t status; }             8 bytes
 * netif_extra_info  { uint8_t type, flags; union { gso { uint16_t size; uint8_t type, pad;
 *                     uint16_t features; } ... } u; }                           8 bytes (12 in a TX slot)
 * </pre>
 */
public final class Netif {
    /** Bytes of a TX ring entry: the union of request (12) and response (4). */
    public static final int TX_ENTRY = 12;
    /** Bytes of an RX ring entry: the union of request (8) and response (8). */
    public static final int RX_ENTRY = 8;
    /** Entries of a one-page TX ring: (4096 - 64) / 12 = 336, rounded down: 256. */
    public static final int TX_RING_SIZE = SringLayout.entries(Layouts.PAGE_SIZE, TX_ENTRY);
    /** Entries of a one-page RX ring: (4096 - 64) / 8 = 504, rounded down: 256. */
    public static final int RX_RING_SIZE = SringLayout.entries(Layouts.PAGE_SIZE, RX_ENTRY);
    /** {@code XEN_NETIF_NR_SLOTS_MIN}: slots per packet a back end must accept. */
    public static final int NR_SLOTS_MIN = 18;
    /** {@code XEN_NETIF_MAX_TX_SIZE}: the largest packet a TX request's size can say. */
    public static final int MAX_TX_SIZE = 0xffff;

    // tx request
    public static final int TX_REQ_GREF = 0;
    public static final int TX_REQ_OFFSET = 4;
    public static final int TX_REQ_FLAGS = 6;
    public static final int TX_REQ_ID = 8;
    public static final int TX_REQ_SIZE = 10;
    // tx response
    public static final int TX_RSP_ID = 0;
    public static final int TX_RSP_STATUS = 2;
    // rx request
    public static final int RX_REQ_ID = 0;
    public static final int RX_REQ_GREF = 4;
    // rx response
    public static final int RX_RSP_ID = 0;
    public static final int RX_RSP_OFFSET = 2;
    public static final int RX_RSP_FLAGS = 4;
    public static final int RX_RSP_STATUS = 6;
    // extra info
    public static final int EXTRA_TYPE = 0;
    public static final int EXTRA_FLAGS = 1;
    public static final int EXTRA_GSO_SIZE = 2;
    public static final int EXTRA_GSO_TYPE = 4;
    public static final int EXTRA_GSO_FEATURES = 6;

    /** {@code NETTXF_csum_blank}: the protocol checksum is to be completed. */
    public static final int NETTXF_CSUM_BLANK = 1;
    /** {@code NETTXF_data_validated}. */
    public static final int NETTXF_DATA_VALIDATED = 1 << 1;
    /** {@code NETTXF_more_data}: the packet continues in the next request. */
    public static final int NETTXF_MORE_DATA = 1 << 2;
    /** {@code NETTXF_extra_info}: an extra-info slot follows. */
    public static final int NETTXF_EXTRA_INFO = 1 << 3;

    /** {@code NETRXF_data_validated}. */
    public static final int NETRXF_DATA_VALIDATED = 1;
    /** {@code NETRXF_csum_blank}. */
    public static final int NETRXF_CSUM_BLANK = 1 << 1;
    /** {@code NETRXF_more_data}: the packet continues in the next response. */
    public static final int NETRXF_MORE_DATA = 1 << 2;
    /** {@code NETRXF_extra_info}. */
    public static final int NETRXF_EXTRA_INFO = 1 << 3;
    /** {@code NETRXF_gso_prefix} (deprecated). */
    public static final int NETRXF_GSO_PREFIX = 1 << 4;

    /** {@code XEN_NETIF_EXTRA_TYPE_GSO}. */
    public static final int EXTRA_TYPE_GSO = 1;
    /** {@code XEN_NETIF_EXTRA_FLAG_MORE}: another extra slot follows. */
    public static final int EXTRA_FLAG_MORE = 1;
    /** {@code XEN_NETIF_GSO_TYPE_TCPV4}. */
    public static final int GSO_TYPE_TCPV4 = 1;

    /** {@code NETIF_RSP_DROPPED}. */
    public static final int RSP_DROPPED = -2;
    /** {@code NETIF_RSP_ERROR}. */
    public static final int RSP_ERROR = -1;
    /** {@code NETIF_RSP_OKAY}. */
    public static final int RSP_OKAY = 0;
    /** {@code NETIF_RSP_NULL}: the response to an extra-info slot. */
    public static final int RSP_NULL = 1;

    private Netif() {}

    public static void txRequest(MemorySegment ring, long at, int gref, int offset, int flags, int id, int size) {
        Layouts.u32(ring, at + TX_REQ_GREF, gref);
        Layouts.u16(ring, at + TX_REQ_OFFSET, offset);
        Layouts.u16(ring, at + TX_REQ_FLAGS, flags);
        Layouts.u16(ring, at + TX_REQ_ID, id);
        Layouts.u16(ring, at + TX_REQ_SIZE, size);
    }

    public static void txResponse(MemorySegment ring, long at, int id, int status) {
        Layouts.u16(ring, at + TX_RSP_ID, id);
        Layouts.u16(ring, at + TX_RSP_STATUS, status);
    }

    public static void rxRequest(MemorySegment ring, long at, int id, int gref) {
        Layouts.u16(ring, at + RX_REQ_ID, id);
        Layouts.u16(ring, at + 2, 0);
        Layouts.u32(ring, at + RX_REQ_GREF, gref);
    }

    public static void rxResponse(MemorySegment ring, long at, int id, int offset, int flags, int status) {
        Layouts.u16(ring, at + RX_RSP_ID, id);
        Layouts.u16(ring, at + RX_RSP_OFFSET, offset);
        Layouts.u16(ring, at + RX_RSP_FLAGS, flags);
        Layouts.u16(ring, at + RX_RSP_STATUS, status);
    }

    /** A GSO extra-info slot (in a TX slot: 8 bytes of the 12 used). */
    public static void gsoExtra(MemorySegment ring, long at, int flags, int size, int gsoType) {
        Layouts.u8(ring, at + EXTRA_TYPE, EXTRA_TYPE_GSO);
        Layouts.u8(ring, at + EXTRA_FLAGS, flags);
        Layouts.u16(ring, at + EXTRA_GSO_SIZE, size);
        Layouts.u8(ring, at + EXTRA_GSO_TYPE, gsoType);
        Layouts.u8(ring, at + EXTRA_GSO_TYPE + 1, 0);
        Layouts.u16(ring, at + EXTRA_GSO_FEATURES, 0);
    }
}
