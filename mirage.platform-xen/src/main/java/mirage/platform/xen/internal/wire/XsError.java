package mirage.platform.xen.internal.wire;

/**
 * The errors xenstore sends, as the names of errno values ({@code xsd_errors}, io/xs_wire.h):
 * an {@link XsType#ERROR} reply carries the name followed by a NUL.
 */
public enum XsError {
    EINVAL,
    EACCES,
    EEXIST,
    EISDIR,
    ENOENT,
    ENOMEM,
    ENOSPC,
    EIO,
    ENOTEMPTY,
    ENOSYS,
    EROFS,
    EBUSY,
    EAGAIN,
    EISCONN,
    E2BIG,
    EPERM;

    /** The error named {@code name}, or null if xs_wire.h lists no such name. */
    public static XsError named(String name) {
        for (XsError e : values()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
