package mirage.tls;

import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * A TLS session over another {@link Flow}: application data in and out, records on the
 * transport. Made by {@link Tls#client} and {@link Tls#server}; not for users to implement.
 *
 * <h2>Handshake</h2>
 * Runs on first use: the first {@link #read}, {@link #write} or {@link #handshake()} drives it
 * to completion (other threads calling in meanwhile wait for it).
 *
 * <h2>Ending</h2>
 * <ul>
 *   <li>{@code shutdown(WRITE)} sends close_notify, then shuts the transport down for writing.
 *       Bouncy Castle then treats the session as closed in both directions (TLS 1.2's rule,
 *       RFC 5246 7.2.1): application data already decrypted can still be read, then
 *       {@link #read} returns {@link #EOF}.
 *   <li>A close_notify from the peer makes {@link #read} return {@link #EOF}; the session
 *       answers with its own close_notify, and later writes fail with
 *       {@link FlowException.Reason#CLOSED}.
 *   <li>The transport ending without close_notify is a truncation:
 *       {@link TlsException.Fatal} with {@link TlsException.Failure#TRUNCATED}.
 *   <li>{@link #close()} sends close_notify if the handshake has completed and the session is
 *       still open (it may block while the transport applies back-pressure), then closes
 *       the transport.
 * </ul>
 *
 * <h2>Errors</h2>
 * Failures of the session are {@link TlsException}s, sticky; failures of the transport are its
 * own {@link FlowException}s, passed through.
 *
 * <h2>Key update</h2>
 * A TLS 1.3 KeyUpdate from the peer is honoured (and answered when it asks for it), and keys
 * are updated before a sequence number could wrap; Bouncy Castle 1.84 has no public call to
 * start one at will, so this interface has none.
 */
public interface TlsFlow extends Flow {

    /**
     * Completes the handshake if it has not been, and returns what it agreed on.
     *
     * @throws TlsException if the handshake failed
     * @throws FlowException if the transport failed, or this flow was closed
     */
    Handshake handshake() throws FlowException;

    /** The flow records are carried over. Using it directly corrupts the session. */
    Flow transport();

    @Override
    int read(ByteBuffer dst) throws FlowException;

    @Override
    void write(ByteBuffer src) throws FlowException;
}
