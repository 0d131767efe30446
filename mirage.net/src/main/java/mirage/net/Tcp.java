package mirage.net;

import java.time.Duration;
import java.util.Objects;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * TCP (RFC 9293; mirage-tcpip's {@code Tcp.S}): connections to a remote endpoint, and
 * listeners on local ports whose accepted connections are handed to a {@link Handler}.
 * Connections are {@link Flow}s: blocking reads and writes on virtual threads, half-close with
 * {@link Flow#shutdown}, {@link Flow#close} for the rest.
 *
 * <h2>Errors</h2>
 * Failures a peer or the network causes are {@link FlowException}s with the reason mirage-tcpip
 * names: {@link FlowException.Reason#REFUSED} (a reset answered the SYN, mirage's
 * {@code `Refused}), {@link FlowException.Reason#TIMEOUT} (the handshake or retransmissions ran
 * out of time, or keepalive probes went unanswered, mirage's {@code `Timeout}),
 * {@link FlowException.Reason#RESET} (the peer reset an established connection), and
 * {@link FlowException.Reason#CLOSED} (this side closed or shut down, mirage's
 * {@code `Closed}). A connection that failed stays failed with the same reason. Failures of the
 * stack itself are {@link NetException}s: {@code NO_ROUTE}, {@code ADDRESS_IN_USE} (a listener
 * holds the port, or no ephemeral port is free), {@code DISCONNECTED} (the stack is closed, or
 * its connection limit is reached).
 *
 * <p>Bad segments from the wire never throw: they are dropped and counted in {@link Stats}, or
 * answered as RFC 9293 and RFC 5961 say (a reset, or a rate-limited challenge ACK).
 */
public interface Tcp {

    /**
     * Opens a connection to {@code remote}:{@code port} from an ephemeral port (RFC 6056) and
     * the source address the IP layer chooses, blocking until it is established.
     *
     * @param timeout how long the handshake may take; then the attempt is abandoned
     * @throws FlowException {@code REFUSED} if the peer answered with a reset, {@code TIMEOUT}
     *     if it did not answer within {@code timeout}
     * @throws NetException {@code NO_ROUTE}, {@code ADDRESS_IN_USE}, {@code DISCONNECTED}
     * @throws IllegalArgumentException if {@code port} is outside 1-65535 or the timeout is not positive
     */
    Connection connect(IpAddress remote, int port, Duration timeout, Options options) throws NetException, FlowException;

    /** {@link #connect(IpAddress, int, Duration, Options)} with {@link Options#DEFAULT}. */
    default Connection connect(IpAddress remote, int port, Duration timeout) throws NetException, FlowException {
        return connect(remote, port, timeout, Options.DEFAULT);
    }

    /**
     * Accepts connections to local {@code port} on every configured address; each accepted
     * connection is given to {@code handler} on a virtual thread of its own, with
     * {@code options} applied. When the handler returns, the connection is closed (if the
     * handler did not close it).
     *
     * @throws NetException {@code ADDRESS_IN_USE} if the port is already listened on
     * @throws IllegalArgumentException if {@code port} is outside 1-65535
     */
    void listen(int port, Options options, Handler handler) throws NetException;

    /** {@link #listen(int, Options, Handler)} with {@link Options#DEFAULT}. */
    default void listen(int port, Handler handler) throws NetException {
        listen(port, Options.DEFAULT, handler);
    }

    /**
     * Stops accepting on {@code port}; connections already accepted go on. No effect if nobody
     * listens. SYNs to the port are then answered with a reset.
     *
     * @throws IllegalArgumentException if {@code port} is outside 1-65535
     */
    void unlisten(int port);

    /** The counters since the layer was built; a consistent snapshot. */
    Stats stats();

    /** What runs an accepted connection. */
    @FunctionalInterface
    interface Handler {
        /**
         * Runs on a virtual thread of its own with an established connection. May block. An
         * exception thrown here is reported and counted in {@link Stats#handlerFailures()}, and
         * the connection is reset.
         */
        void handle(Connection connection) throws Exception;

        /**
         * Whether the client speaks first on this listener's protocol (TLS, HTTP): a stack may
         * then start the handler only once the connection's first bytes have arrived (or it
         * ended), as Linux's {@code TCP_DEFER_ACCEPT} holds a connection back from
         * {@code accept}, which spares a thread's start before there is anything to do and its
         * wait for the first bytes. The direct stack does so, for at most a second after the
         * handshake: then the handler starts anyway (and its own timeouts apply). The host stack
         * starts every handler at once. False by default.
         */
        default boolean clientSpeaksFirst() {
            return false;
        }

        /** {@code handler} on a listener whose client speaks first: {@link #clientSpeaksFirst} is true. */
        static Handler clientFirst(Handler handler) {
            return new mirage.net.internal.binding.ClientFirstHandler(handler);
        }
    }

    /** One TCP connection: a {@link Flow} with its endpoints and per-connection options. */
    interface Connection extends Flow {

        /** This side's address and port. */
        Endpoint local();

        /** The peer's address and port. */
        Endpoint remote();

        /** The options in force. */
        Options options();

        /**
         * Changes the options from now on (disabling Nagle sends what is buffered at once;
         * keepalive restarts its idle clock).
         *
         * @throws FlowException if the connection failed or was closed
         */
        void options(Options options) throws FlowException;
    }

    /** An address and a port. */
    record Endpoint(IpAddress address, int port) {
        public Endpoint {
            Objects.requireNonNull(address, "address");
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("a TCP port is 0..65535: " + port);
            }
        }

        @Override
        public String toString() {
            return address + ":" + port;
        }
    }

    /**
     * Per-connection options.
     *
     * @param noDelay true disables Nagle's algorithm (RFC 9293 section 3.7.4): small writes go
     *     out at once instead of waiting for outstanding data to be acknowledged
     * @param keepalive null for none (the default, RFC 1122 section 4.2.3.6: keepalives are off
     *     unless asked for)
     * @param idleTimeout how long the connection may go without progress, in either direction
     *     (no new byte or FIN from the peer, none of ours acknowledged), before it is reset and
     *     fails with {@code TIMEOUT} (counted in {@link Stats#idleTimeouts()}); a peer that
     *     connects and stays silent, or stops reading what we send, is dropped after it. Pure
     *     ACKs and keepalive answers are not progress. {@link Duration#ZERO} (the default): no
     *     limit. It bounds silence, not slowness: a peer trickling a byte at a time is the
     *     application protocol's to bound (mirage.http bounds a request head's whole time)
     * @param readTimeout the default bound on each read's wait for bytes, as
     *     {@link Flow#readTimeout} sets it (which then overrides it); a read that waits it out
     *     throws {@code FlowException(TIMEOUT)} and the connection stays usable.
     *     {@link Duration#ZERO} (the default): reads wait as long as it takes
     */
    record Options(boolean noDelay, Keepalive keepalive, Duration idleTimeout, Duration readTimeout) {
        /** Nagle on, no keepalive, no idle or read timeout. */
        public static final Options DEFAULT = new Options(false, null);

        public Options {
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            if (idleTimeout.isNegative() || readTimeout.isNegative()) {
                throw new IllegalArgumentException("timeouts are not negative: " + idleTimeout + ", " + readTimeout);
            }
        }

        /** Without idle or read timeouts. */
        public Options(boolean noDelay, Keepalive keepalive) {
            this(noDelay, keepalive, Duration.ZERO, Duration.ZERO);
        }

        public Options withNoDelay(boolean noDelay) {
            return new Options(noDelay, keepalive, idleTimeout, readTimeout);
        }

        public Options withKeepalive(Keepalive keepalive) {
            return new Options(noDelay, keepalive, idleTimeout, readTimeout);
        }

        public Options withIdleTimeout(Duration idleTimeout) {
            return new Options(noDelay, keepalive, idleTimeout, readTimeout);
        }

        public Options withReadTimeout(Duration readTimeout) {
            return new Options(noDelay, keepalive, idleTimeout, readTimeout);
        }
    }

    /**
     * Keepalive (RFC 1122 section 4.2.3.6; mirage-tcpip's {@code Keepalive.t}): after
     * {@code after} without a segment from the peer, send a probe every {@code interval}; after
     * {@code probes} unanswered probes the connection fails with {@code TIMEOUT}.
     */
    record Keepalive(Duration after, Duration interval, int probes) {
        public Keepalive {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(interval, "interval");
            if (after.isNegative() || after.isZero() || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("keepalive durations must be positive: " + after + ", " + interval);
            }
            if (probes < 1) {
                throw new IllegalArgumentException("keepalive probes must be at least 1: " + probes);
            }
        }
    }

    /**
     * Counters of the TCP layer; monotonic and non-negative, except {@code established}, the
     * connections established now.
     *
     * @param activeOpens connections opened by {@link #connect} (SYN sent)
     * @param passiveOpens connections accepted from a listener (including SYN-cookie ones)
     * @param failedAttempts connection attempts that ended before being established (refused, timed out, reset)
     * @param established connections in ESTABLISHED or CLOSE-WAIT now
     * @param segmentsReceived segments received and checked
     * @param segmentsSent segments sent, retransmissions included
     * @param retransmittedSegments segments sent again
     * @param resetsReceived acceptable resets received
     * @param resetsSent resets sent
     * @param malformed segments dropped for a bad checksum or header
     * @param challengeAcks challenge ACKs sent (RFC 5961)
     * @param synCookiesSent SYN-ACKs sent with a SYN cookie while the backlog was full
     * @param handlerFailures handler calls that threw
     * @param dropped segments dropped without being malformed: not for us, unacceptable to the
     *     connection, or over a limit (0 on the host stack: the kernel counts its own)
     * @param overLimit connection attempts dropped at a limit: the stack's connection limit, or a
     *     listener's backlog when SYN cookies are off (the peer retries, as with a full Linux
     *     accept queue)
     * @param idleTimeouts connections reset by their {@link Options#idleTimeout()}
     * @param readTimeouts reads that waited their read timeout out
     * @param icmpErrors ICMP errors that reached a connection (they named a connection and a
     *     sequence number in flight; others are dropped quietly): a hard one ends a connect, a
     *     soft one is remembered (0 on the host stack: the kernel takes them)
     */
    record Stats(long activeOpens, long passiveOpens, long failedAttempts, long established, long segmentsReceived,
            long segmentsSent, long retransmittedSegments, long resetsReceived, long resetsSent, long malformed,
            long challengeAcks, long synCookiesSent, long handlerFailures, long dropped, long overLimit,
            long idleTimeouts, long readTimeouts, long icmpErrors) {}
}
