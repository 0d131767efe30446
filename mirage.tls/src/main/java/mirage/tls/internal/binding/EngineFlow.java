package mirage.tls.internal.binding;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.tls.ClientConfig;
import mirage.tls.Handshake;
import mirage.tls.ServerConfig;
import mirage.tls.TlsConfigException;
import mirage.tls.TlsFlow;
import mirage.tls.internal.cert.HostNames;
import mirage.tls.internal.crypto.Backends;
import mirage.tls.internal.crypto.Reserve;
import mirage.tls.internal.engine.TlsEngine;

/**
 * The binding: drives a {@link TlsEngine} from a transport {@link Flow} with blocking calls.
 *
 * <p>Locks: {@code engineLock} guards the engine (held only for engine calls, never across
 * transport I/O); {@code outLock} orders writes to the transport (held while output is taken
 * from the engine and written, so records leave in the order the engine made them);
 * {@code handshakeLock} lets one thread drive the handshake while others wait;
 * {@code readLock} keeps transport reads to one thread at a time.
 */
public final class EngineFlow implements TlsFlow {
    /** A full record: 5-byte header, 2^14 plaintext, up to 256 bytes of expansion. */
    private static final int RECORD = 5 + 16384 + 256;
    /** Application data handed to the engine per call: one record's worth. */
    private static final int CHUNK = 16384;
    /**
     * Records made before they are written to the transport, at most (and so the most one
     * transport write carries): a 64 KiB write is one transport write, not four.
     */
    private static final int RECORDS_PER_WRITE = 4;
    /**
     * The first size of the transport read buffer and of the output buffer: a handshake's
     * messages and a request fit; each grows to a full record's size when it is filled (a read
     * that fills the buffer, output larger than it), so a connection that only shakes hands
     * (most new connections of a busy server) does not allocate and zero ~50 KiB of buffers
     * for records it never sees (decision 0076).
     */
    static final int FIRST_BUFFER = 4096;

    private final Flow transport;
    private final TlsEngine engine;
    private final InstantSource clock;
    private final ReentrantLock engineLock = new ReentrantLock();
    private final ReentrantLock outLock = new ReentrantLock();
    private final ReentrantLock handshakeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    /** The transport read buffer: {@link #FIRST_BUFFER} bytes, then {@link #RECORD} once a read filled it. The reader's (readLock). */
    private byte[] in = new byte[FIRST_BUFFER];
    /** Records on their way to the transport; grows up to {@link #RECORDS_PER_WRITE} records. Under outLock. */
    private ByteBuffer out = ByteBuffer.allocate(FIRST_BUFFER);
    /**
     * Application data not yet made into a record: what writes under a cork (and a writev)
     * leave, packed so that a record is full before it is made. The writer's.
     */
    private byte[] plain;
    private int staged;
    /** Corks not yet uncorked; the writer's. */
    private int corks;
    /** Whether records went to the transport under the current cork (the transport is corked then). The writer's. */
    private boolean transportCorked;
    private volatile boolean closed;
    /**
     * Whether a transport read failed with {@code RESET}: the peer is gone (RFC 9293 3.10.7), so
     * neither close_notify nor an alert is written to the transport any more (each such write
     * would only fail, at the cost of an exception).
     */
    private volatile boolean transportReset;
    private volatile boolean readShut;
    private volatile boolean writeShut;
    private volatile Handshake handshake;

    /**
     * A server's precomputed key share and nonce (decision 0081), refilled after each of its
     * handshake's flights has been handed to the transport; null for a client.
     */
    private final Reserve reserve;

    private EngineFlow(Flow transport, TlsEngine engine, InstantSource clock, Reserve reserve) {
        this.transport = transport;
        this.engine = engine;
        this.clock = clock;
        this.reserve = reserve;
    }

    public static EngineFlow client(Flow transport, ClientConfig config, String serverName) {
        Objects.requireNonNull(serverName, "serverName");
        boolean ip = HostNames.ipLiteral(serverName).isPresent();
        if (!ip && !HostNames.isDnsName(serverName)) {
            throw new TlsConfigException("server name \"" + serverName + "\" is neither a DNS host name nor an IP literal");
        }
        TlsEngine engine = TlsEngine.client(config, serverName, !ip, Backends.create(config.crypto(), config.rng()));
        return new EngineFlow(transport, engine, config.clock(), null);
    }

    public static EngineFlow server(Flow transport, ServerConfig config) {
        org.bouncycastle.tls.crypto.TlsCrypto crypto = Backends.server(config.crypto(), config.rng());
        TlsEngine engine = TlsEngine.server(config, crypto);
        return new EngineFlow(transport, engine, InstantSource.system(), Backends.reserve(crypto));
    }

    @Override
    public Flow transport() {
        return transport;
    }

    @Override
    public Handshake handshake() throws FlowException {
        Handshake done = handshake;
        if (done != null) {
            return done;
        }
        handshakeLock.lock();
        try {
            while (true) {
                checkOpen();
                TlsEngine.State state = state();
                switch (state) {
                    case TlsEngine.Open open -> {
                        handshake = open.handshake();
                        flush();
                        return open.handshake();
                    }
                    case TlsEngine.Failed failed -> throw failed(failed);
                    case TlsEngine.Closed c -> {
                        Handshake h = engine.handshake();
                        if (h != null) {
                            handshake = h;
                            return h;
                        }
                        throw new FlowException(FlowException.Reason.CLOSED, "the TLS session was closed during its handshake");
                    }
                    case TlsEngine.Handshaking h -> {
                        flush();
                        pull(null);
                        if (reserve != null) {
                            reserve.refillLater(); // what this flight took, made while the client answers it
                        }
                    }
                }
            }
        } finally {
            handshakeLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws FlowException {
        Objects.requireNonNull(dst, "dst");
        if (!dst.hasRemaining()) {
            throw new IllegalArgumentException("read buffer has no space remaining");
        }
        handshake();
        readLock.lock();
        try {
            while (true) {
                checkOpen();
                if (readShut) {
                    return EOF;
                }
                int n;
                TlsEngine.State state;
                engineLock.lock();
                try {
                    n = engine.readApplication(dst);
                    state = engine.state();
                } finally {
                    engineLock.unlock();
                }
                if (n > 0) {
                    return n;
                }
                switch (state) {
                    case TlsEngine.Failed failed -> throw failed(failed);
                    case TlsEngine.Closed closedState -> {
                        if (closedState.byPeer()) {
                            quietly(this::flush); // our answering close_notify
                            quietly(() -> transport.shutdown(Direction.WRITE));
                        }
                        return EOF;
                    }
                    default -> {
                        int direct = pull(dst);
                        if (direct > 0) {
                            return direct;
                        }
                    }
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Makes records of {@code src} (16 KiB each, the last one shorter) and writes them to the
     * transport, up to {@value #RECORDS_PER_WRITE} records a write. Under a {@link #cork()} the
     * bytes are packed behind what earlier writes left instead, and only full records leave.
     */
    @Override
    public void write(ByteBuffer src) throws FlowException {
        Objects.requireNonNull(src, "src");
        handshake();
        if (corks > 0) {
            stage(src);
            return;
        }
        while (src.hasRemaining()) {
            for (int records = 0; records < RECORDS_PER_WRITE && src.hasRemaining(); records++) {
                int n = Math.min(CHUNK, src.remaining());
                if (src.hasArray()) {
                    seal(src.array(), src.arrayOffset() + src.position(), n);
                    src.position(src.position() + n);
                } else {
                    byte[] p = plain();
                    src.get(p, 0, n);
                    seal(p, 0, n);
                }
            }
            flush();
        }
    }

    /**
     * Bounds each wait of this flow for the transport's bytes, the handshake's included, by
     * {@code timeout}: the transport applies it (a TCP flow does), and a read that times out
     * throws {@link FlowException.Reason#TIMEOUT} with the TLS state untouched (a record half
     * received stays buffered; the next read goes on with it). A wait ends with progress, not
     * with a whole record, so a peer that trickles a record is timed per wait, as on TCP.
     *
     * @return whether the transport applies the bound
     */
    @Override
    public boolean readTimeout(java.time.Duration timeout) {
        return transport.readTimeout(timeout);
    }

    /**
     * Writes under a cork are packed into full records; see {@link mirage.core.Flow#cork()}.
     * {@link #writev} (the default: cork, write each buffer, uncork) therefore packs its buffers
     * into as few records as they fill and writes them to the transport together: a response's
     * head and body are one record, one transport write.
     */
    @Override
    public void cork() throws FlowException {
        checkOpen();
        corks++;
    }

    /**
     * The outermost sends the packed bytes as a last record, with any full records still on
     * their way, in one transport write, and uncorks the transport if it corked it.
     */
    @Override
    public void uncork() throws FlowException {
        if (corks == 0 || --corks > 0) {
            return;
        }
        if (staged > 0) {
            int n = staged;
            staged = 0;
            seal(plain, 0, n);
        }
        if (transportCorked) {
            transportCorked = false;
            flush();
            transport.uncork();
        } else {
            flush();
        }
    }

    /** The staging buffer for application data, made at the first write that needs it. The writer's. */
    private byte[] plain() {
        byte[] p = plain;
        if (p == null) {
            p = plain = new byte[CHUNK];
        }
        return p;
    }

    /** Copies {@code src} behind the packed bytes; each full record's worth becomes a record. */
    private void stage(ByteBuffer src) throws FlowException {
        while (src.hasRemaining()) {
            int n = Math.min(CHUNK - staged, src.remaining());
            byte[] p = plain();
            src.get(p, staged, n);
            staged += n;
            if (staged == CHUNK) {
                staged = 0;
                seal(p, 0, CHUNK);
                if (outputBytes() >= RECORDS_PER_WRITE * CHUNK) {
                    if (!transportCorked) {
                        transport.cork();
                        transportCorked = true;
                    }
                    flush();
                }
            }
        }
    }

    /** Bytes of records waiting in the engine's output. */
    private int outputBytes() {
        engineLock.lock();
        try {
            return engine.outputAvailable();
        } finally {
            engineLock.unlock();
        }
    }

    /** Encrypts {@code n} bytes of application data as one record into the engine's output. */
    private void seal(byte[] bytes, int offset, int n) throws FlowException {
        checkOpen();
        if (writeShut) {
            throw new FlowException(FlowException.Reason.CLOSED, "the TLS flow was shut down for writing");
        }
        engineLock.lock();
        try {
            switch (engine.state()) {
                case TlsEngine.Failed failed -> throw failed(failed);
                case TlsEngine.Closed c -> throw new FlowException(FlowException.Reason.CLOSED,
                        c.byPeer() ? "the peer closed the TLS session (close_notify): no more data can be sent"
                                : "the TLS session was closed");
                default -> engine.writeApplication(bytes, offset, n);
            }
        } finally {
            engineLock.unlock();
        }
    }

    @Override
    public void shutdown(Direction direction) throws FlowException {
        Objects.requireNonNull(direction, "direction");
        if (closed) {
            return;
        }
        if (state() instanceof TlsEngine.Failed failed) {
            throw failed.error();
        }
        if (direction != Direction.READ && !writeShut) {
            if (corks > 0) {
                corks = 1;
                uncork(); // what a cork held back goes before close_notify
            }
            writeShut = true;
            engineLock.lock();
            try {
                engine.close();
            } finally {
                engineLock.unlock();
            }
            flush();
            transport.shutdown(Direction.WRITE);
        }
        if (direction != Direction.WRITE) {
            readShut = true;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // close_notify only for an open session whose peer did not reset the transport: a
            // handshake in progress is abandoned without sending what it had queued, and a
            // writer blocked on the transport keeps outLock, in which case the transport is
            // closed under it.
            if (!transportReset && state() instanceof TlsEngine.Open && outLock.tryLock()) {
                try {
                    engineLock.lock();
                    try {
                        if (staged > 0 && !writeShut) {
                            engine.writeApplication(plain, 0, staged); // what a cork held, before close_notify
                            staged = 0;
                        }
                        engine.close();
                    } finally {
                        engineLock.unlock();
                    }
                    drain();
                } finally {
                    outLock.unlock();
                }
            }
        } catch (FlowException | RuntimeException e) {
            // best effort: the transport is closed below either way
        } finally {
            transport.close();
        }
    }

    private void checkOpen() throws FlowException {
        if (closed) {
            throw new FlowException(FlowException.Reason.CLOSED, "the TLS flow is closed");
        }
    }

    private TlsEngine.State state() {
        engineLock.lock();
        try {
            return engine.state();
        } finally {
            engineLock.unlock();
        }
    }

    /**
     * Reads once from the transport and feeds the engine; then sends what it answered.
     *
     * @param dst where application data goes straight from the engine (one copy fewer), or null
     * @return the bytes put into {@code dst}; a failure is thrown only when there were none
     *     (else the next read throws it), but its alert is sent at once either way
     */
    private int pull(ByteBuffer dst) throws FlowException {
        int n;
        byte[] in = this.in;
        try {
            n = transport.read(ByteBuffer.wrap(in));
            if (n == in.length && n < RECORD) {
                this.in = new byte[RECORD]; // records larger than a handshake's come: read them whole from now on
            }
        } catch (FlowException e) {
            if (e.reason() == FlowException.Reason.RESET) {
                transportReset = true;
            }
            throw e;
        }
        checkOpen();
        int direct = 0;
        engineLock.lock();
        try {
            if (n == EOF) {
                engine.receiveEnd();
            } else {
                direct = engine.receive(clock.millis(), in, 0, n, dst);
            }
        } finally {
            engineLock.unlock();
        }
        switch (state()) {
            case TlsEngine.Failed failed -> {
                FlowException e = failed(failed);
                if (direct == 0) {
                    throw e;
                }
            }
            // Our answering close_notify: the peer may have closed its transport already.
            case TlsEngine.Closed c -> quietly(this::flush);
            default -> flush();
        }
        return direct;
    }

    /** The failure, after the alert was flushed and the transport closed (once). */
    private FlowException failed(TlsEngine.Failed failed) {
        try {
            if (!transportReset) {
                flush();
            }
        } catch (FlowException | RuntimeException e) {
            // the alert could not be delivered; the failure stands
        }
        transport.close();
        return failed.error();
    }

    /** Sends everything the engine has for the peer, in order. */
    private void flush() throws FlowException {
        outLock.lock();
        try {
            drain();
        } finally {
            outLock.unlock();
        }
    }

    /** Writes the engine's output to the transport, up to {@value #RECORDS_PER_WRITE} records a write. Under outLock. */
    private void drain() throws FlowException {
        while (true) {
            engineLock.lock();
            try {
                int available = engine.outputAvailable();
                if (available > out.capacity() && out.capacity() < RECORDS_PER_WRITE * RECORD) {
                    out = ByteBuffer.allocate(Math.min(available, RECORDS_PER_WRITE * RECORD));
                }
                out.clear();
                engine.takeOutput(out);
            } finally {
                engineLock.unlock();
            }
            out.flip();
            if (!out.hasRemaining()) {
                return;
            }
            transport.write(out);
        }
    }

    private interface Action {
        void run() throws FlowException;
    }

    private static void quietly(Action a) {
        try {
            a.run();
        } catch (FlowException | RuntimeException e) {
            // the peer may have gone already
        }
    }

    @Override
    public String toString() {
        return "TlsFlow[" + state() + " over " + transport + "]";
    }
}
