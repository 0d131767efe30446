package mirage.tls.internal.engine;

import java.io.EOFException;
import mirage.tls.Alert;
import mirage.tls.TlsException;
import mirage.tls.TlsException.Failure;
import mirage.tls.internal.cert.CertificateFailure;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsNoCloseNotifyException;

/** Bouncy Castle's exceptions as this module's typed {@link TlsException}s. */
final class Failures {
    private Failures() {}

    /** @param alertWritten whether the alert was actually queued for the peer */
    static TlsException of(Throwable t, boolean alertWritten) {
        if (t instanceof TlsFatalAlertReceived r) {
            short d = r.getAlertDescription();
            return new TlsException.AlertReceived(d, "the peer sent the fatal alert " + AlertDescription.getText(d), r);
        }
        if (t instanceof TlsNoCloseNotifyException) {
            return truncated("the transport ended without the peer's close_notify", t);
        }
        if (t instanceof TlsFatalAlert a) {
            short d = a.getAlertDescription();
            for (Throwable c = a.getCause(); c != null; c = c.getCause()) {
                if (c instanceof CertificateFailure f) {
                    return new TlsException.Fatal(f.failure(), alertWritten ? Alert.of(d).orElse(null) : null,
                            f.getMessage(), a);
                }
            }
            String detail = a.getMessage() == null ? "" : ": " + a.getMessage();
            return new TlsException.Fatal(failureOf(d), alertWritten ? Alert.of(d).orElse(null) : null,
                    (alertWritten ? "sent the fatal alert " : "failed with (unsent) alert ")
                            + AlertDescription.getText(d) + detail, a);
        }
        if (t instanceof EOFException) {
            return truncated("the transport ended in the middle of a record", t);
        }
        return new TlsException.Fatal(Failure.INTERNAL, alertWritten ? Alert.INTERNAL_ERROR : null,
                "internal error: " + t, t);
    }

    static TlsException truncated(String message, Throwable cause) {
        return new TlsException.Fatal(Failure.TRUNCATED, null, message, cause);
    }

    static Failure failureOf(short alert) {
        return switch (alert) {
            case AlertDescription.certificate_expired -> Failure.CERTIFICATE_EXPIRED;
            case AlertDescription.unknown_ca -> Failure.CERTIFICATE_UNTRUSTED;
            case AlertDescription.bad_certificate, AlertDescription.unsupported_certificate,
                    AlertDescription.certificate_revoked, AlertDescription.certificate_unknown,
                    AlertDescription.certificate_required -> Failure.CERTIFICATE_INVALID;
            case AlertDescription.handshake_failure, AlertDescription.protocol_version,
                    AlertDescription.insufficient_security, AlertDescription.inappropriate_fallback ->
                    Failure.NO_SHARED_PARAMETERS;
            case AlertDescription.no_application_protocol -> Failure.NO_APPLICATION_PROTOCOL;
            case AlertDescription.bad_record_mac, AlertDescription.decrypt_error -> Failure.BAD_RECORD;
            case AlertDescription.unexpected_message, AlertDescription.record_overflow,
                    AlertDescription.illegal_parameter, AlertDescription.decode_error,
                    AlertDescription.missing_extension, AlertDescription.unsupported_extension,
                    AlertDescription.unrecognized_name, AlertDescription.decompression_failure -> Failure.MALFORMED;
            default -> Failure.INTERNAL;
        };
    }
}
