package mirage.tls.internal.engine;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import mirage.tls.ClientConfig;
import mirage.tls.Handshake;
import mirage.tls.ServerConfig;
import mirage.tls.TlsException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.HandshakeMessageInput;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsProtocol;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoException;

/**
 * A sans-IO TLS session: Bouncy Castle's non-blocking protocol object (the shape of rustls'
 * {@code read_tls}/{@code process_new_packets}/{@code write_tls}) with typed states and errors.
 * Records in through {@link #receive}, application data out through {@link #readApplication};
 * application data in through {@link #writeApplication}, records out through
 * {@link #takeOutput}. No I/O, no clock (time comes in with each input), no randomness of its own
 * (the {@link TlsCrypto} it is given holds the configuration's {@code Rng}).
 *
 * <p>Application data decrypted during {@link #receive(long, byte[], int, int, ByteBuffer)} goes
 * straight into the caller's buffer when it has room and nothing is queued before it, the way
 * {@code SSLEngine.unwrap(src, dst)} works: one copy instead of two (into Bouncy Castle's queue,
 * then out of it). That is the one thing our subclasses of Bouncy Castle's protocol objects change.
 *
 * <p>Never throws for bytes from the peer: any failure moves the engine to {@link Failed},
 * which is final, and leaves the alert to send (if any) in the output. Not thread-safe: one
 * owner drives it (the flow binding, under its lock).
 */
public final class TlsEngine {

    /** Where a session is. Only the states' own data travel with them. */
    public sealed interface State permits Handshaking, Open, Closed, Failed {}

    /** The handshake is running. */
    public record Handshaking() implements State {}

    /** Application data flows both ways. */
    public record Open(Handshake handshake) implements State {}

    /**
     * Closed by close_notify: sent by us ({@code byPeer} false) or received (true, and ours has
     * been queued in answer). Decrypted data may still be waiting to be read.
     */
    public record Closed(boolean byPeer) implements State {}

    /** Failed for good; the alert, if one was sent, is in the output. */
    public record Failed(TlsException error) implements State {}

    private static final State HANDSHAKING = new Handshaking();

    private final TlsProtocol protocol;
    private final Peer peer;
    /** The caller's buffer for application data, during {@link #receive(long, byte[], int, int, ByteBuffer)}. */
    private ByteBuffer direct;
    private State state = HANDSHAKING;
    private Handshake handshake;
    private boolean closedByUs;
    private long droppedInputs;
    /** A server that has not yet produced a byte: Bouncy Castle cannot write an alert then. */
    private boolean silentServer;
    /** An alert record this engine wrote itself (see {@link #alertBeforeHello}), or null. */
    private byte[] ownOutput;
    private int ownOutputTaken;

    private TlsEngine(TlsProtocol protocol, Peer peer) {
        this.protocol = protocol;
        this.peer = peer;
    }

    /**
     * Bouncy Castle's client, handing application data to {@link #deliver} first, and checking
     * what Bouncy Castle does not (decision 0053).
     */
    private static final class Client extends TlsClientProtocol {
        private TlsEngine engine;

        @Override
        protected void processRecord(short type, byte[] buf, int off, int len) throws IOException {
            int n = engine.deliver(type, buf, off, len);
            if (n == 0 || n < len) {
                try {
                    super.processRecord(type, buf, off + n, len - n);
                } catch (IOException e) {
                    throw peerFault(e);
                }
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void handleHandshakeMessage(short type, HandshakeMessageInput buf) throws IOException {
            if (type == HandshakeType.server_hello) {
                HelloChecks.serverHello(body(buf), clientExtensions);
            } else if (connection_state == CS_SERVER_HELLO
                    && !TlsUtils.isTLSv13(getContext().getSecurityParametersHandshake().getNegotiatedVersion())
                    && (type == HandshakeType.server_key_exchange || type == HandshakeType.certificate_request
                            || type == HandshakeType.server_hello_done)) {
                // Every TLS 1.2 suite we offer authenticates the server by certificate, so after a
                // full ServerHello the Certificate comes next; Bouncy Castle reaches a null
                // certificate here and sends internal_error.
                throw new TlsFatalAlert(AlertDescription.unexpected_message,
                        HandshakeType.getText(type) + " before the server's Certificate");
            }
            if (type == HandshakeType.server_key_exchange || type == HandshakeType.certificate_verify) {
                try {
                    super.handleHandshakeMessage(type, buf);
                } catch (RuntimeException e) {
                    // The JCA verifier throws (IllegalStateException "unable to process
                    // signature") for a signature that is not valid DER; Bouncy Castle answers
                    // a runtime exception with internal_error. A signature that cannot be
                    // verified is decrypt_error (RFC 8446 6.2, RFC 5246 7.2.2).
                    throw new TlsFatalAlert(AlertDescription.decrypt_error, "the signature does not verify: " + e, e);
                }
                return;
            }
            if (type != HandshakeType.certificate) {
                super.handleHandshakeMessage(type, buf);
                return;
            }
            try {
                super.handleHandshakeMessage(type, buf);
            } catch (TlsCryptoException e) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "a certificate does not parse: " + e, e);
            } catch (org.bouncycastle.tls.TlsException e) {
                throw e;
            } catch (EOFException e) {
                throw cutShort(e);
            } catch (IOException | RuntimeException e) {
                // The certificates are parsed as they arrive (their checks come later, as
                // TlsFatalAlerts): a DER error is a corrupt certificate, bad_certificate (RFC 8446
                // 6.2, RFC 5246 7.2.2), where Bouncy Castle sends internal_error.
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "a certificate does not parse: " + e, e);
            }
        }
    }

    /**
     * Bouncy Castle's server, handing application data to {@link #deliver} first, and checking
     * what Bouncy Castle does not (decision 0053).
     */
    private static final class Server extends TlsServerProtocol {
        private TlsEngine engine;
        private boolean does13;

        @Override
        protected void processRecord(short type, byte[] buf, int off, int len) throws IOException {
            int n = engine.deliver(type, buf, off, len);
            if (n == 0 || n < len) {
                try {
                    super.processRecord(type, buf, off + n, len - n);
                } catch (IOException e) {
                    throw peerFault(e);
                }
            }
        }

        @Override
        protected void handleHandshakeMessage(short type, HandshakeMessageInput buf) throws IOException {
            if (type == HandshakeType.client_hello) {
                HelloChecks.clientHello(body(buf), does13);
            }
            super.handleHandshakeMessage(type, buf);
        }
    }

    /**
     * A handshake message's body; {@code buf} is left where Bouncy Castle gave it (just after the
     * four-byte header it was built over).
     */
    private static byte[] body(HandshakeMessageInput buf) {
        byte[] body = buf.readAllBytes();
        buf.reset();
        buf.skip(4);
        return body;
    }

    /**
     * Bouncy Castle reads a handshake message with a length field running past its end as an
     * {@link EOFException}, which it answers with internal_error; it is the peer's decode_error
     * (RFC 8446 6.2). Thrown from inside Bouncy Castle's record processing, the alert is the
     * one sent.
     */
    private static TlsFatalAlert cutShort(EOFException e) {
        return new TlsFatalAlert(AlertDescription.decode_error, "a length runs past the end of its message", e);
    }

    /**
     * What Bouncy Castle's record processing threw, with the peer's faults that it would answer
     * with internal_error given their own alert: a message cut short (decode_error), a
     * handshake message longer than Bouncy Castle accepts (32 KiB; illegal_parameter, as
     * OpenSSL sends for an excessive message; Bouncy Castle's only sign is its message text).
     */
    private static IOException peerFault(IOException e) {
        if (e instanceof EOFException eof) {
            return cutShort(eof);
        }
        if (e instanceof TlsFatalAlert a && a.getAlertDescription() == AlertDescription.internal_error
                && String.valueOf(a.getMessage()).contains("Handshake message length exceeds the maximum")) {
            return new TlsFatalAlert(AlertDescription.illegal_parameter, "a handshake message longer than accepted", e);
        }
        return e;
    }

    /**
     * Copies what it can of an application data record into {@link #direct} and returns how
     * much; 0 (for any other record, or when there is no room, or when data is already queued
     * and must be read first) leaves the whole record to Bouncy Castle. Only once the
     * handshake is complete: the peer's result is set in {@code notifyHandshakeComplete}, after
     * Bouncy Castle has marked the session ready for application data, before which it refuses
     * application data records (unexpected_message), as it still does here.
     */
    private int deliver(short type, byte[] buf, int off, int len) {
        ByteBuffer dst = direct;
        if (type != ContentType.application_data || dst == null || peer.result() == null
                || protocol.getAvailableInputBytes() != 0) {
            return 0;
        }
        int n = Math.min(len, dst.remaining());
        dst.put(buf, off, n);
        return n;
    }

    /** A client; its ClientHello is in the output at once. */
    public static TlsEngine client(ClientConfig config, String serverName, boolean sendSni, TlsCrypto crypto) {
        Client protocol = new Client();
        ClientPeer peer = new ClientPeer(crypto, config, serverName, sendSni);
        TlsEngine engine = new TlsEngine(protocol, peer);
        protocol.engine = engine;
        try {
            protocol.connect(peer);
        } catch (Exception e) {
            engine.fail(e);
        }
        return engine;
    }

    /** A server, waiting for a ClientHello. */
    public static TlsEngine server(ServerConfig config, TlsCrypto crypto) {
        Server protocol = new Server();
        protocol.does13 = config.versions().contains(mirage.tls.TlsVersion.TLS_1_3);
        ServerPeer peer = new ServerPeer(crypto, config);
        TlsEngine engine = new TlsEngine(protocol, peer);
        protocol.engine = engine;
        engine.silentServer = true;
        try {
            protocol.accept(peer);
        } catch (Exception e) {
            engine.fail(e);
        }
        return engine;
    }

    public State state() {
        return state;
    }

    /** The completed handshake's result, or null before. */
    public Handshake handshake() {
        return handshake;
    }

    /** Inputs offered after the session ended, and dropped. */
    public long droppedInputs() {
        return droppedInputs;
    }

    /**
     * Bytes from the peer, at wall-clock time {@code nowMillis} (ms since the epoch; certificate
     * validity is checked against it). The bytes are copied or consumed during the call.
     */
    public void receive(long nowMillis, byte[] bytes, int offset, int length) {
        receive(nowMillis, bytes, offset, length, null);
    }

    /**
     * As {@link #receive(long, byte[], int, int)}, and the application data these bytes carry
     * goes straight into {@code plaintext} as far as it has room (and nothing was left to read
     * before); the rest waits for {@link #readApplication}.
     *
     * @param plaintext where to put application data, or null to queue it all
     * @return the bytes of application data put into {@code plaintext}
     */
    public int receive(long nowMillis, byte[] bytes, int offset, int length, ByteBuffer plaintext) {
        if (state instanceof Failed || state instanceof Closed || protocol.isClosed()) {
            droppedInputs++;
            return 0;
        }
        peer.now(nowMillis);
        int before = protocol.getAvailableOutputBytes();
        int start = plaintext == null ? 0 : plaintext.position();
        direct = plaintext;
        try {
            protocol.offerInput(bytes, offset, length);
        } catch (Exception e) {
            boolean written = protocol.getAvailableOutputBytes() > before;
            fail(e, written || alertBeforeHello(e));
            return plaintext == null ? 0 : plaintext.position() - start;
        } finally {
            direct = null;
        }
        silentServer &= protocol.getAvailableOutputBytes() == 0;
        advance();
        return plaintext == null ? 0 : plaintext.position() - start;
    }

    /** The transport ended: fine after close_notify, a truncation otherwise. */
    public void receiveEnd() {
        if (state instanceof Failed || state instanceof Closed) {
            return;
        }
        if (state instanceof Handshaking) {
            fail(Failures.truncated("the transport ended during the handshake", null));
            return;
        }
        try {
            protocol.closeInput();
        } catch (Exception e) {
            fail(e);
            return;
        }
        advance();
    }

    /** Decrypted application data waiting to be read. */
    public int applicationAvailable() {
        return protocol.getAvailableInputBytes();
    }

    /** Moves up to {@code dst.remaining()} decrypted bytes into {@code dst}; returns how many. */
    public int readApplication(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), protocol.getAvailableInputBytes());
        return n == 0 ? 0 : protocol.readInput(dst, n);
    }

    /**
     * Encrypts {@code length} bytes of application data into the output. Only in {@link Open}.
     *
     * @throws IllegalStateException if the session is not open (a caller's error)
     */
    public void writeApplication(byte[] bytes, int offset, int length) {
        if (!(state instanceof Open)) {
            throw new IllegalStateException("application data can be written only in an open session, not " + state);
        }
        try {
            protocol.writeApplicationData(bytes, offset, length);
        } catch (Exception e) {
            fail(e);
        }
    }

    /** Bytes waiting to be sent to the peer. */
    public int outputAvailable() {
        return protocol.getAvailableOutputBytes() + (ownOutput == null ? 0 : ownOutput.length - ownOutputTaken);
    }

    /** Moves up to {@code dst.remaining()} bytes for the peer into {@code dst}; returns how many. */
    public int takeOutput(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), protocol.getAvailableOutputBytes());
        n = n == 0 ? 0 : protocol.readOutput(dst, n);
        if (ownOutput != null && dst.hasRemaining()) {
            int m = Math.min(dst.remaining(), ownOutput.length - ownOutputTaken);
            dst.put(ownOutput, ownOutputTaken, m);
            ownOutputTaken += m;
            n += m;
        }
        return n;
    }

    /**
     * Bouncy Castle's server cannot write a record before it has accepted a ClientHello (its
     * record layer has no version yet), so a peer whose first bytes are wrong got no alert at
     * all. Here the engine writes the alert Bouncy Castle chose as a plaintext record itself
     * (legacy_record_version 0x0303, RFC 8446 5.1), so the peer learns why (decision 0053).
     *
     * @return whether an alert was queued
     */
    private boolean alertBeforeHello(Exception e) {
        if (!silentServer || protocol.getAvailableOutputBytes() != 0 || !(e instanceof TlsFatalAlert a)) {
            return false;
        }
        ownOutput = new byte[] {ContentType.alert, 3, 3, 0, 2, AlertLevel.fatal, (byte) a.getAlertDescription()};
        silentServer = false;
        return true;
    }

    /**
     * Queues close_notify (and user_canceled during a handshake) and ends the session. Nothing
     * if it had already ended.
     */
    public void close() {
        if (state instanceof Failed || state instanceof Closed) {
            return;
        }
        closedByUs = true;
        try {
            protocol.close();
        } catch (Exception e) {
            fail(e);
            return;
        }
        state = new Closed(false);
    }

    private void advance() {
        if (state instanceof Handshaking && peer.result() != null) {
            handshake = peer.result();
            state = new Open(handshake);
        }
        if (protocol.isClosed() && !(state instanceof Failed)) {
            if (protocol.isFailed()) {
                fail(new IllegalStateException("the session failed without an exception"));
            } else {
                state = new Closed(!closedByUs);
            }
        }
    }

    private void fail(Throwable t) {
        fail(t, true);
    }

    /**
     * @param alertWritten whether the failing call added output (the alert): Bouncy Castle sends
     *     nothing, not even an alert, before a valid ClientHello, so there the engine writes it
     *     ({@link #alertBeforeHello})
     */
    private void fail(Throwable t, boolean alertWritten) {
        if (t instanceof TlsException e) {
            state = new Failed(e);
        } else {
            state = new Failed(Failures.of(t, alertWritten));
        }
    }
}
