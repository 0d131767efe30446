package mirage.platform.xen.internal.wire;

/**
 * Xenstore message types ({@code enum xsd_sockmsg_type}, io/xs_wire.h; semantics in
 * docs/misc/xenstore.txt). Code 20 ({@code RESTRICT}) was removed and is invalid; 65535 is
 * {@code XS_INVALID}, never supported.
 */
public enum XsType {
    CONTROL(0),
    DIRECTORY(1),
    READ(2),
    GET_PERMS(3),
    WATCH(4),
    UNWATCH(5),
    TRANSACTION_START(6),
    TRANSACTION_END(7),
    INTRODUCE(8),
    RELEASE(9),
    GET_DOMAIN_PATH(10),
    WRITE(11),
    MKDIR(12),
    RM(13),
    SET_PERMS(14),
    /** Only in replies: a watch fired. req_id and tx_id are 0. */
    WATCH_EVENT(15),
    /** Only in replies: the request failed; the payload is an errno name. */
    ERROR(16),
    IS_DOMAIN_INTRODUCED(17),
    RESUME(18),
    SET_TARGET(19),
    RESET_WATCHES(21),
    DIRECTORY_PART(22),
    GET_FEATURE(23),
    SET_FEATURE(24),
    GET_QUOTA(25),
    SET_QUOTA(26);

    private static final XsType[] BY_CODE = new XsType[27];

    static {
        for (XsType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    XsType(int code) {
        this.code = code;
    }

    /** The value of the header's {@code type} field. */
    public int code() {
        return code;
    }

    /** The type of {@code code}, or null for a code no type has (20, 27 and up, negative). */
    public static XsType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
