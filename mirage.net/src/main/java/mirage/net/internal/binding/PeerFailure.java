package mirage.net.internal.binding;

import mirage.core.FlowException;

/**
 * A connection's failure that the network caused (the peer reset it, it timed out, it was
 * refused), thrown without a stack trace. Such a failure is an event of the network, not of the
 * code that met it, and a server sees one for every client that leaves with a reset (`openssl
 * s_time` does, at every connection): filling in a trace cost more than the rest of the throw.
 * Programming errors (an operation on a flow this side closed) keep their trace.
 */
final class PeerFailure extends FlowException {
    private static final long serialVersionUID = 1L;

    PeerFailure(Reason reason, String message) {
        super(reason, message);
    }

    /** No trace: see the class comment. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
