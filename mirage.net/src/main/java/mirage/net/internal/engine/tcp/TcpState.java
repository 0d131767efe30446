package mirage.net.internal.engine.tcp;

/** The connection states of RFC 9293 section 3.3.2 (LISTEN is a listener, not a connection here). */
public enum TcpState {
    CLOSED,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** True once the handshake completed: the states where RFC 5961's rules for RST and SYN apply. */
    public boolean synchronizedState() {
        return this != CLOSED && this != SYN_SENT && this != SYN_RECEIVED;
    }
}
