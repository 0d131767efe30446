package mirage.platform.xen.internal.wire;

/**
 * Bytes that cannot be a xenstore message: a payload over {@link XsMessage#PAYLOAD_MAX}, or
 * a payload that does not have the shape its type needs. A server closes the connection that
 * sent a message over the limit (docs/misc/xenstore.txt); other shape errors are answered
 * with {@code EINVAL}.
 */
public final class XsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public XsFormatException(String message) {
        super(message);
    }
}
