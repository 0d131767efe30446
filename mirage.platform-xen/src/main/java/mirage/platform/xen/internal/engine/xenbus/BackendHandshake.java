package mirage.platform.xen.internal.engine.xenbus;

import mirage.platform.xen.internal.wire.XenbusState;

/**
 * A back end's side of the handshake. Its state starts {@code Initialising}; the driver
 * publishes its features and calls {@link #featuresPublished} ({@code InitWait}); then each
 * change of the front end's state ({@link #frontendChanged}) yields a {@link Step}:
 *
 * <pre>
 * front end                back end does                          and becomes
 * Initialised/Connected    read transport, map rings, bind port   Connected
 * Closing                  disconnect                             Closing
 * Closed (or gone)         disconnect if connected                Closed (from Connected or
 *                                                                 Closing; a back end still in
 *                                                                 InitWait stays there)
 * Initialising, after      start over                             InitWait
 *   the back end closed
 * </pre>
 *
 * The back end may also close on its own ({@link #close}: {@code Closing}, then {@code Closed}
 * once the front end has closed) and reconfigure ({@link #reconfigure},
 * {@link #reconfigured}). Not thread-safe.
 */
public final class BackendHandshake {
    /** What the driver must do. */
    public enum Step {
        WAIT,
        /** Read the front end's transport details and connect; then {@link #connected}. */
        CONNECT,
        /** Stop using the rings, unmap, unbind; the state becomes {@code Closing}. */
        DISCONNECT,
        /** Publish {@code Closed}. */
        CLOSED,
        /** Publish features again and {@code InitWait}: a front end starting over. */
        REINITIALISE
    }

    private XenbusState state = XenbusState.INITIALISING;
    private boolean connected;
    private boolean closeRequested;

    public XenbusState state() {
        return state;
    }

    /** Whether rings are mapped and in use. */
    public boolean isConnected() {
        return connected;
    }

    /** The driver published its features: {@code InitWait}. */
    public void featuresPublished() {
        state = XenbusState.INIT_WAIT;
    }

    /** The front end now publishes {@code front} (null: its node is gone). */
    public Step frontendChanged(XenbusState front) {
        if (front == null || front == XenbusState.UNKNOWN) {
            front = XenbusState.CLOSED;
        }
        switch (front) {
            case INITIALISING -> {
                if (state == XenbusState.CLOSED && !closeRequested) {
                    state = XenbusState.INIT_WAIT;
                    return Step.REINITIALISE;
                }
                return Step.WAIT;
            }
            case INITIALISED, CONNECTED -> {
                if (state == XenbusState.INIT_WAIT && !closeRequested) {
                    return Step.CONNECT;
                }
                return Step.WAIT;
            }
            case CLOSING -> {
                if (connected || state == XenbusState.CONNECTED || state == XenbusState.INIT_WAIT) {
                    return disconnect();
                }
                return Step.WAIT;
            }
            case CLOSED -> {
                if (connected) {
                    return disconnect();
                }
                if (state == XenbusState.CLOSING || (closeRequested && state != XenbusState.CLOSED)) {
                    state = XenbusState.CLOSED;
                    return Step.CLOSED;
                }
                // a fresh back end in InitWait: the front end closed before it started; wait for it
                return Step.WAIT;
            }
            default -> {
                return Step.WAIT;
            }
        }
    }

    private Step disconnect() {
        connected = false;
        state = XenbusState.CLOSING;
        return Step.DISCONNECT;
    }

    /** The driver connected: {@code Connected}. */
    public void connected() {
        connected = true;
        state = XenbusState.CONNECTED;
    }

    /**
     * The driver disconnected after {@link Step#DISCONNECT}; returns {@link Step#CLOSED} if the
     * front end already closed (publish {@code Closed}), else {@link Step#WAIT}.
     */
    public Step disconnected(XenbusState front) {
        if (front == null || front == XenbusState.CLOSED || front == XenbusState.UNKNOWN) {
            state = XenbusState.CLOSED;
            return Step.CLOSED;
        }
        return Step.WAIT;
    }

    /** The back end closes on its own (device going away): disconnect, publish {@code Closing}. */
    public Step close() {
        closeRequested = true;
        if (state == XenbusState.CLOSED || state == XenbusState.CLOSING) {
            return Step.WAIT;
        }
        return disconnect();
    }

    /** Begins reconfiguring a connected back end: {@code Reconfiguring}. */
    public void reconfigure() {
        if (state != XenbusState.CONNECTED) {
            throw new IllegalStateException("reconfigure in state " + state);
        }
        state = XenbusState.RECONFIGURING;
    }

    /** Ends reconfiguring: {@code Reconfigured}; the driver then publishes {@code Connected} again. */
    public void reconfigured() {
        if (state != XenbusState.RECONFIGURING) {
            throw new IllegalStateException("reconfigured in state " + state);
        }
        state = XenbusState.RECONFIGURED;
    }

    /** After {@code Reconfigured}: {@code Connected} again. */
    public void resumed() {
        if (state != XenbusState.RECONFIGURED) {
            throw new IllegalStateException("resumed in state " + state);
        }
        state = XenbusState.CONNECTED;
    }
}
