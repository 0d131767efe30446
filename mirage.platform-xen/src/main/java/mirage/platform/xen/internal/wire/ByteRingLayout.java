package mirage.platform.xen.internal.wire;

/**
 * The two byte-stream ring pages: xenstore's {@code struct xenstore_domain_interface}
 * (io/xs_wire.h) and the PV console's {@code struct xencons_interface} (io/console.h). Each
 * holds two character rings with free-running {@code uint32_t} indices masked by the ring's
 * size, a power of two.
 *
 * <pre>
 * xenstore_domain_interface { char req[1024]; char rsp[1024]; uint32_t req_cons, req_prod,
 *                             rsp_cons, rsp_prod, server_features, connection, error, evtchn_port; }
 * xencons_interface         { char in[1024]; char out[2048]; uint32_t in_cons, in_prod,
 *                             out_cons, out_prod; uint8_t connection; }
 * </pre>
 *
 * @param data where the ring's bytes start in the page
 * @param size the ring's bytes, a power of two
 * @param cons the consumer index's offset
 * @param prod the producer index's offset
 */
public record ByteRingLayout(int data, int size, int cons, int prod) {
    /** {@code XENSTORE_RING_SIZE}. */
    public static final int XENSTORE_RING_SIZE = 1024;
    /** Requests, guest to xenstored. */
    public static final ByteRingLayout XENSTORE_REQ = new ByteRingLayout(0, XENSTORE_RING_SIZE, 2048, 2052);
    /** Replies and watch events, xenstored to guest. */
    public static final ByteRingLayout XENSTORE_RSP = new ByteRingLayout(1024, XENSTORE_RING_SIZE, 2056, 2060);
    /** {@code server_features}. */
    public static final int XENSTORE_SERVER_FEATURES = 2064;
    /** {@code connection}: {@code XENSTORE_CONNECTED} 0, {@code XENSTORE_RECONNECT} 1. */
    public static final int XENSTORE_CONNECTION = 2068;
    /** {@code error}: {@code XENSTORE_ERROR_NONE} 0, {@code _COMM} 1, {@code _RINGIDX} 2, {@code _PROTO} 3. */
    public static final int XENSTORE_ERROR = 2072;
    /** {@code XENSTORE_ERROR_COMM}: a communication problem (here: a guest that never reads). */
    public static final int XENSTORE_ERROR_COMM = 1;
    /** {@code XENSTORE_ERROR_RINGIDX}: an index moved further than the ring holds. */
    public static final int XENSTORE_ERROR_RINGIDX = 2;
    /** {@code XENSTORE_ERROR_PROTO}: a payload over the limit. */
    public static final int XENSTORE_ERROR_PROTO = 3;
    /** {@code XENSTORE_SERVER_FEATURE_ERROR}: the {@code error} field is used. */
    public static final int XENSTORE_FEATURE_ERROR = 2;

    /** Console input, back end to guest. */
    public static final ByteRingLayout CONSOLE_IN = new ByteRingLayout(0, 1024, 3072, 3076);
    /** Console output, guest to back end. */
    public static final ByteRingLayout CONSOLE_OUT = new ByteRingLayout(1024, 2048, 3080, 3084);
    /** {@code connection}: {@code XENCONSOLE_CONNECTED} 0, {@code XENCONSOLE_DISCONNECTED} 1. */
    public static final int CONSOLE_CONNECTION = 3088;

    /** @throws IllegalArgumentException if {@code size} is not a power of two */
    public ByteRingLayout {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size " + size + " is not a power of two");
        }
    }
}
