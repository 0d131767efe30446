package mirage.platform.xen.internal.engine.xenbus;

import mirage.platform.xen.internal.wire.XenbusState;

/**
 * A front end's side of the handshake. Its own state starts {@code Initialising}; each
 * change of the back end's state ({@link #backendChanged}) yields a {@link Step} for the
 * driver, which reports completion ({@link #published}, {@link #connected}, {@link #closed}):
 *
 * <pre>
 * back end             front end does                        and becomes
 * InitWait/Initialised publish rings and event channel        Initialised (blkfront), or
 *                                                             Connected at once (netfront, as Linux's)
 * Connected            read device properties, start I/O      Connected
 *                      (publishing first if it had not)
 * Closing/Closed/gone  stop using rings and grants            Closing, then Closed
 * InitWait again       after Closed: start over               Initialising, then as above
 * Reconfiguring        hold I/O                               (Connected)
 * Reconfigured         resume I/O                             (Connected)
 * </pre>
 *
 * Not thread-safe; the driver's event thread owns it.
 */
public final class FrontendHandshake {
    /** What the driver must do. */
    public enum Step {
        /** Nothing now. */
        WAIT,
        /** Publish transport details (rings, event channel), then call {@link #published}. */
        PUBLISH,
        /** Read the back end's device properties and start I/O; then {@link #connected}. */
        CONNECT,
        /** Stop submitting I/O until {@link Step#RESUME}. */
        PAUSE,
        /** Submit I/O again. */
        RESUME,
        /** Stop using rings and grants, publish Closing; then {@link #closed}. */
        CLOSE,
        /** Forget the old connection and start over: fresh rings, then publish. */
        REINITIALISE
    }

    private final boolean connectOnPublish;
    private XenbusState state = XenbusState.INITIALISING;
    private boolean running;
    private boolean paused;

    /**
     * @param connectOnPublish whether publishing moves straight to {@code Connected} (netfront,
     *     which Linux's netback waits for) rather than {@code Initialised} (blkfront)
     */
    public FrontendHandshake(boolean connectOnPublish) {
        this.connectOnPublish = connectOnPublish;
    }

    /** The state this front end publishes. */
    public XenbusState state() {
        return state;
    }

    /** Whether I/O runs: connected, not paused. */
    public boolean running() {
        return running && !paused;
    }

    /** Whether I/O is held by a reconfiguring back end. */
    public boolean paused() {
        return paused;
    }

    /**
     * The back end now publishes {@code back} (null: its node is gone).
     *
     * @return what to do
     */
    public Step backendChanged(XenbusState back) {
        if (back == null || back == XenbusState.UNKNOWN) {
            back = XenbusState.CLOSED;
        }
        switch (back) {
            case INIT_WAIT, INITIALISED -> {
                if (state == XenbusState.INITIALISING) {
                    return Step.PUBLISH;
                }
                if (state == XenbusState.CLOSED) {
                    state = XenbusState.INITIALISING;
                    return Step.REINITIALISE;
                }
                return Step.WAIT;
            }
            case CONNECTED -> {
                if (state == XenbusState.INITIALISING) {
                    return Step.PUBLISH;
                }
                if ((state == XenbusState.INITIALISED || state == XenbusState.CONNECTED) && !running) {
                    return Step.CONNECT;
                }
                if (running && paused) {
                    paused = false;
                    return Step.RESUME;
                }
                return Step.WAIT;
            }
            case RECONFIGURING -> {
                if (running && !paused) {
                    paused = true;
                    return Step.PAUSE;
                }
                return Step.WAIT;
            }
            case RECONFIGURED -> {
                if (running && paused) {
                    paused = false;
                    return Step.RESUME;
                }
                return Step.WAIT;
            }
            case CLOSING, CLOSED -> {
                if (state == XenbusState.CLOSED || state == XenbusState.CLOSING) {
                    return Step.WAIT;
                }
                return close();
            }
            default -> {
                return Step.WAIT;
            }
        }
    }

    /** The driver published its transport details. */
    public void published() {
        if (state != XenbusState.INITIALISING) {
            throw new IllegalStateException("published in state " + state);
        }
        state = connectOnPublish ? XenbusState.CONNECTED : XenbusState.INITIALISED;
    }

    /** The driver started I/O: {@code Connected}. */
    public void connected() {
        if (state != XenbusState.INITIALISED && state != XenbusState.CONNECTED) {
            throw new IllegalStateException("connected in state " + state);
        }
        state = XenbusState.CONNECTED;
        running = true;
    }

    /** The driver tore the connection down: {@code Closed}. */
    public void closed() {
        state = XenbusState.CLOSED;
        running = false;
        paused = false;
    }

    /** The driver gives up on the device (its own close): tear down, then {@link #closed}. */
    public Step close() {
        if (state == XenbusState.CLOSED) {
            return Step.WAIT;
        }
        state = XenbusState.CLOSING;
        running = false;
        paused = false;
        return Step.CLOSE;
    }
}
