package mirage.platform.xen.internal.wire;

/**
 * The state a front or back end publishes in its xenstore {@code state} node, as a decimal
 * number ({@code enum xenbus_state}, io/xenbus.h).
 */
public enum XenbusState {
    UNKNOWN(0),
    /** Setting up: the toolstack creates both ends in this state. */
    INITIALISING(1),
    /** Back end: features published, waiting for the front end's transport details. */
    INIT_WAIT(2),
    /** Front end: rings and event channel published. */
    INITIALISED(3),
    CONNECTED(4),
    /** Going down: the other end should disconnect. */
    CLOSING(5),
    CLOSED(6),
    /** Back end reconfiguring while the front end holds on. */
    RECONFIGURING(7),
    RECONFIGURED(8);

    private final int code;

    XenbusState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The node's text: the decimal code. */
    public String text() {
        return Integer.toString(code);
    }

    /** The state a node's text names, or null if the text is not one of the nine codes. */
    public static XenbusState parse(String text) {
        if (text == null || text.length() != 1) {
            return null;
        }
        int c = text.charAt(0) - '0';
        return c >= 0 && c <= 8 ? values()[c] : null;
    }
}
