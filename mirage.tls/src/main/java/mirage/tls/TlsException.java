package mirage.tls;

import java.util.Objects;
import java.util.Optional;
import mirage.core.FlowException;

/**
 * A TLS session failed. Always {@link FlowException.Reason#PROTOCOL}; always sticky: once a
 * {@link TlsFlow} operation has thrown one, every later operation throws the same exception,
 * and the underlying flow is closed (after any alert was flushed to it).
 *
 * <p>Two kinds, by who failed (configuration errors are {@link TlsConfigException}, thrown
 * before any connection exists):
 * <ul>
 *   <li>{@link Fatal}: this side found the peer at fault (a certificate it cannot accept, a
 *       malformed or forged record, no shared parameters, a truncated stream) and sent the
 *       alert {@link Fatal#alertSent()} if the transport still carried it;
 *   <li>{@link AlertReceived}: the peer sent a fatal alert (or a warning alert that ends the
 *       handshake) and gave up.
 * </ul>
 */
public abstract sealed class TlsException extends FlowException
        permits TlsException.Fatal, TlsException.AlertReceived {
    private static final long serialVersionUID = 1L;

    TlsException(String message, Throwable cause) {
        super(Reason.PROTOCOL, message, cause);
    }

    /** What went wrong, in terms a user can act on. */
    public enum Failure {
        /** The peer's certificate (or one in its chain) is past its notAfter. */
        CERTIFICATE_EXPIRED,
        /** The peer's certificate (or one in its chain) is before its notBefore. */
        CERTIFICATE_NOT_YET_VALID,
        /** The server's certificate does not name the host name the client asked for. */
        CERTIFICATE_WRONG_HOST,
        /** The peer's chain does not lead to a trust anchor. */
        CERTIFICATE_UNTRUSTED,
        /** The peer's certificate is malformed, unsupported, or not for TLS server use. */
        CERTIFICATE_INVALID,
        /** No version, cipher suite, group or signature scheme both sides accept. */
        NO_SHARED_PARAMETERS,
        /** The client offered application protocols (ALPN) and none is the server's. */
        NO_APPLICATION_PROTOCOL,
        /** The transport ended without the peer's close_notify: data may have been cut off. */
        TRUNCATED,
        /** A record failed authentication (bad_record_mac, decrypt_error). */
        BAD_RECORD,
        /** The peer sent bytes that are not valid TLS at this point. */
        MALFORMED,
        /** Anything else, e.g. an internal error of the crypto back-end. */
        INTERNAL
    }

    /** This side detected the failure and sent (or tried to send) an alert. */
    public static final class Fatal extends TlsException {
        private static final long serialVersionUID = 1L;
        private final Failure failure;
        private final Alert alertSent;

        public Fatal(Failure failure, Alert alertSent, String message, Throwable cause) {
            super(message, cause);
            this.failure = Objects.requireNonNull(failure, "failure");
            this.alertSent = alertSent;
        }

        /** What went wrong. */
        public Failure failure() {
            return failure;
        }

        /** The alert sent to the peer; empty when none could be sent (e.g. truncation). */
        public Optional<Alert> alertSent() {
            return Optional.ofNullable(alertSent);
        }
    }

    /** The peer sent a fatal alert. */
    public static final class AlertReceived extends TlsException {
        private static final long serialVersionUID = 1L;
        private final int code;

        public AlertReceived(int code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }

        /** The alert's wire value, which may be one {@link Alert} does not name. */
        public int code() {
            return code;
        }

        /** The alert received, if {@link Alert} names it. */
        public Optional<Alert> alert() {
            return Alert.of(code);
        }
    }
}
