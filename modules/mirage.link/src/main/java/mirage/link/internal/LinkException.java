package mirage.link.internal;

/** The link tool cannot go on; the message is one line a user can act on. */
public final class LinkException extends Exception {
    private static final long serialVersionUID = 1L;

    public LinkException(String message) {
        super(message);
    }

    public LinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
