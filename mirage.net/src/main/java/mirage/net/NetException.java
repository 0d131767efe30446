package mirage.net;

import java.io.IOException;
import java.util.Objects;

/**
 * A network operation could not be done, for a reason its caller can act on. The
 * {@link Reason} says who can: the caller ({@link Reason#MESSAGE_TOO_LONG},
 * {@link Reason#ADDRESS_IN_USE}), the operator ({@link Reason#NO_ROUTE}: addressing or
 * routes), or no one but a restart ({@link Reason#DISCONNECTED}).
 *
 * <p>Bad bytes from the wire never become a {@code NetException}: a malformed or unwanted
 * frame, packet or datagram is dropped and counted in the statistics of the layer that refused
 * it. Invalid arguments (a port outside 0-65535, a negative TTL) are programming errors and
 * throw {@link IllegalArgumentException}.
 */
public class NetException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public NetException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public NetException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** Why a network operation failed (mirage: {@code `Disconnected}, {@code `No_route}, {@code `Would_fragment}, {@code `Exceeds_mtu}). */
    public enum Reason {
        /**
         * The interface or stack was closed, or its device failed for good. Sticky: every later
         * operation on the same object fails with this reason.
         */
        DISCONNECTED,
        /**
         * No configured address can reach the destination: it is not on a configured network and
         * there is no gateway, no address is configured yet (e.g. DHCP has no lease), or the
         * destination's address family is not configured on this stack.
         */
        NO_ROUTE,
        /**
         * The message is larger than the layer can send: a frame payload above the MTU, an IPv4
         * packet above the MTU with fragmentation forbidden, or a datagram above what the
         * protocol's length fields can carry. Send less, or allow fragmentation.
         */
        MESSAGE_TOO_LONG,
        /** A listener already holds the port (or protocol number, or EtherType). Unlisten it first. */
        ADDRESS_IN_USE
    }
}
