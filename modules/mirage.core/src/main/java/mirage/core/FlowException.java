package mirage.core;

import java.io.IOException;
import java.util.Objects;

/**
 * A flow operation could not complete. The {@link Reason} says who can act on it.
 */
public class FlowException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public FlowException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public FlowException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** Why a flow operation failed. */
    public enum Reason {
        /** This side closed or shut down the flow; a programming error in the caller. */
        CLOSED,
        /** The peer reset the connection. */
        RESET,
        /** The peer could not be reached, or refused the connection. */
        REFUSED,
        /** No progress within the time allowed; the flow stays usable. */
        TIMEOUT,
        /** The peer broke the protocol (for example a TLS alert or a malformed record). */
        PROTOCOL
    }
}
