package mirage.net.internal.engine.tcp;

/**
 * What the engine tells its binding, so the binding can wake the virtual threads blocked on a
 * connection. Called on the loop thread, from inside {@link TcpEngine#receive},
 * {@link TcpEngine#poll} and the connection's own calls, but only once the engine's state is
 * consistent: a handler may call back into the engine (read, write, close). Events are edges,
 * coalesced per call: one {@code readable} may stand for several segments.
 */
public interface TcpEvents {

    /** A connection to a listener completed its handshake; the binding now owns the handle. */
    default void accepted(TcpConnection connection) {}

    /** A connection opened by {@link TcpEngine#connect} is established. */
    default void connected(TcpConnection connection) {}

    /** Bytes or the end of stream can be read. */
    default void readable(TcpConnection connection) {}

    /** Send buffer space was freed. */
    default void writable(TcpConnection connection) {}

    /**
     * The connection ended; reported once per handle. Bytes received before the end stay
     * readable; writes fail from now on. The engine holds no more state for it once it leaves
     * TIME-WAIT.
     */
    default void closed(TcpConnection connection, Termination reason) {}
}
