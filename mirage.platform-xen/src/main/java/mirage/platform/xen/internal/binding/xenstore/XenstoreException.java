package mirage.platform.xen.internal.binding.xenstore;

import mirage.platform.xen.internal.wire.XsError;

/**
 * A xenstore request failed: the server's error ({@link #error()}), or no reply before the
 * deadline or over a closed connection ({@link #error()} {@code EIO}, the message says which).
 */
public final class XenstoreException extends Exception {
    private static final long serialVersionUID = 1L;

    private final XsError error;

    public XenstoreException(XsError error, String message) {
        super(message);
        this.error = error;
    }

    /** The error: the server's, or {@code EIO} for a local failure. */
    public XsError error() {
        return error;
    }
}
