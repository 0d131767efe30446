package mirage.net.internal.engine.tcp;

/** Why a connection ended, as {@link TcpEvents#closed} reports it. */
public enum Termination {
    /** Both sides sent FIN and ours was acknowledged (or the local close finished the exchange). */
    NORMAL,
    /** The peer reset a synchronized connection (RST with the expected sequence number, RFC 5961 section 3.2). */
    RESET,
    /** The peer answered our SYN with a reset: nobody listens there (mirage's {@code `Refused}). */
    REFUSED,
    /**
     * An ICMP hard error answered our SYN: Destination Unreachable for protocol or port, or
     * communication administratively prohibited (RFC 1122 section 4.2.3.9, RFC 1812 section
     * 5.2.7.1); {@link TcpConnection#icmpError()} says which.
     */
    UNREACHABLE,
    /** The handshake, retransmissions or keepalive probes ran out of time (mirage's {@code `Timeout}). */
    TIMEOUT,
    /** This side aborted it ({@link TcpConnection#abort}, or a close with unread data, RFC 9293 section 3.10.4). */
    ABORTED
}
