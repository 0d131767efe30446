package mirage.platform.solo5.internal.host;

import java.io.IOException;

/**
 * A host call failed: names the call, what it was applied to, and {@code errno} by symbol and
 * text, in one line ("open /dev/net/tun: EACCES (Permission denied)").
 */
public final class HostException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public HostException(String what, int errno) {
        super(what + ": " + Libc.errnoName(errno) + " (" + Libc.strerror(errno) + ")");
        this.errno = errno;
    }

    /** The C {@code errno}. */
    public int errno() {
        return errno;
    }
}
