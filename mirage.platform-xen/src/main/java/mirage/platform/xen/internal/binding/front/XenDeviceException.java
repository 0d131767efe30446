package mirage.platform.xen.internal.binding.front;

/**
 * A PV device could not be connected: its xenstore nodes are missing or malformed, the back
 * end lacks a feature the front end needs, the handshake did not complete in time, or the
 * hypervisor refused a page, grant or port. The message says which, in one line.
 */
public final class XenDeviceException extends Exception {
    private static final long serialVersionUID = 1L;

    public XenDeviceException(String message) {
        super(message);
    }

    public XenDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
