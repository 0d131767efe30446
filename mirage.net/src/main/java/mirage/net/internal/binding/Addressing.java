package mirage.net.internal.binding;

/**
 * Something that configures the stack's addresses over time from the event loop (the DHCP
 * client's binding): started once, polled at its deadlines, released when the stack closes.
 * Loop thread only.
 */
interface Addressing {
    void start(long now);

    void poll(long now);

    /** The next time {@link #poll} has something to do, {@code Long.MAX_VALUE} if none. */
    long nextDeadline();

    /** Gives up the address (a DHCP release), before the stack closes. */
    void release(long now);
}
