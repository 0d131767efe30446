package mirage.tls.internal.cert;

import mirage.tls.Alert;
import mirage.tls.TlsException;

/**
 * A peer certificate was refused: why, and which alert tells the peer. Carried as the cause of
 * the {@code TlsFatalAlert} Bouncy Castle raises, so that the engine can report the precise
 * {@link TlsException.Failure} rather than one guessed from the alert.
 */
public final class CertificateFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final TlsException.Failure failure;
    private final Alert alert;

    public CertificateFailure(TlsException.Failure failure, Alert alert, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.alert = alert;
    }

    public TlsException.Failure failure() {
        return failure;
    }

    public Alert alert() {
        return alert;
    }
}
