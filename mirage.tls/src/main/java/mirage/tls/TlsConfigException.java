package mirage.tls;

/**
 * A TLS configuration or credential cannot be used as given: an operator fixes it (a missing
 * file, a key that does not match its certificate, a suite for a version that is not enabled).
 * Thrown when a configuration or {@link Credentials} is built, never while a connection runs.
 */
public class TlsConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
