package mirage.net.internal.binding;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import mirage.core.FlowException;
import mirage.core.spi.EventLoop;
import mirage.net.IpAddress;
import mirage.net.NetException;
import mirage.net.Tcp;
import mirage.net.internal.engine.tcp.TcpConnection;
import mirage.net.internal.engine.tcp.TcpEngine;
import mirage.net.internal.engine.tcp.TcpEvents;
import mirage.net.internal.engine.tcp.TcpState;
import mirage.net.internal.engine.tcp.Termination;

/**
 * TCP of the direct stack: the sans-IO {@link TcpEngine} driven from the loop, its connections
 * offered to applications as blocking {@link Tcp.Connection}s (DESIGN.md section 4).
 *
 * <p>An application thread never touches the engine: each operation is handed to the loop
 * ({@link EventLoop#call}, or {@link EventLoop#execute} when the thread then waits for the
 * outcome anyway), and a thread that must wait awaits its connection's
 * {@link EventLoop.Waiter}, which the loop signals on the engine's events ({@code readable},
 * {@code writable}, {@code connected}, {@code closed}). The waiter's permit makes the
 * check-then-wait free of lost wake-ups. Accepted connections run their handler as a task of
 * their own ({@link EventLoop#spawn}): a virtual thread, or a simulated task on virtual time.
 *
 * <p>The data paths cost as few hand-offs as they can (issue 20, decisions 0031 and 0054): a
 * <em>read</em> lends its buffer to the loop and waits once: the loop fills it as soon as bytes
 * are there, at once or when they arrive ({@code readable}), so a reader that waits costs one
 * wake-up, not a call that finds nothing, a wait, and a second call. A <em>write</em> is
 * copied by the writer into the connection's outbox, a ring the loop drains into the engine
 * (at once, and as ACKs free room in the engine's send buffer), and returns without waiting
 * for the loop while the outbox has room: {@value #OUTBOX} bytes; from a connection's second
 * write larger than that on, a ring of {@value #STAGING} bytes which the engine adopts as its
 * send buffer, so the writer's copy is the only one before the segment (docs/decisions/0061).
 * A write that does not fit waits for room, and the loop wakes it only when half the ring (or
 * what the write still needs, if less) is free: a bulk writer costs one wake-up per
 * {@value #STAGING}/2 bytes acknowledged, where a write the loop moved into the engine cost
 * one hand-off and one wake-up per write. The outbox keeps its
 * bytes' cork: a write whose cork differs from the bytes still in the outbox lends its buffers
 * to the loop instead, which moves them into the engine after the outbox's bytes and wakes the
 * writer once, when the last byte is in. Every other operation drains the outbox first, so the
 * bytes keep their order; a failure found while draining is thrown by the next write.
 * {@code close} hands its work to the loop and does not wait; the loop sends what the outbox
 * still holds before the FIN. A waiter is signalled only when what its thread waits for has
 * happened.
 *
 * <p>A hand-off wakes a sleeping loop only when the loop would not wake in time by itself
 * (decision 0066): a read with nothing to read yet is registered lazily
 * ({@link EventLoop#executeLazily}: what completes it, a segment, a reset or the read timer,
 * wakes the loop anyway), a read timeout is applied by the next read's registration, and a
 * close after the engine ended the connection hands nothing over. A listener whose client
 * speaks first ({@link Handler#clientSpeaksFirst}) has its handler started on the connection's
 * first bytes, which the loop reads ahead for its first reads, on its end, or
 * {@link #DEFER_NANOS} after the handshake.
 */
final class TcpBinding implements Tcp, TcpEvents {
    /** Handshakes in progress per listener before SYN cookies. */
    static final int BACKLOG = 128;
    /** Bytes a connection's outbox holds at first: writes up to this size do not wait for the loop. */
    static final int OUTBOX = 8192;
    /**
     * Bytes of the ring a bulk writer (a second write larger than {@link #OUTBOX}) writes into
     * and the engine adopts as its send buffer: what the writer may have written and the peer
     * not yet acknowledged.
     */
    static final int STAGING = 1024 * 1024;
    /** {@code filled} before the loop has completed the pending read. */
    static final int NOTHING = Integer.MIN_VALUE;
    /** {@code filled} when the flow was closed under a pending read. */
    static final int CANCELLED = Integer.MIN_VALUE + 1;
    /**
     * How long a connection of a listener whose client speaks first
     * ({@link Handler#clientSpeaksFirst}) waits for its first bytes before its handler starts
     * anyway: a client of such a protocol sends at once, so this only bounds a silent one's wait
     * before the handler's own timeouts apply.
     */
    static final long DEFER_NANOS = 1_000_000_000L;
    /** The most bytes the loop takes for a deferred handler's first read (a TLS record's plaintext). */
    static final int READ_AHEAD = 16 * 1024;
    /** Handed to the loop only to wake it. */
    private static final Runnable NOTHING_TO_DO = () -> { };

    private final Direct stack;
    private final EventLoop loop;
    private final TcpEngine engine;
    private final Map<Integer, Listening> listeners = new ConcurrentHashMap<>();
    private final AtomicLong handlerFailures = new AtomicLong();
    /** Connections whose engine handle has not ended yet; loop thread only. */
    private final java.util.Set<DirectConnection> live = new java.util.HashSet<>();
    /**
     * Connections whose handler waits for their first bytes, in the order they were accepted
     * (so by deadline); the entry of one started meanwhile lets go of it and is dropped when the
     * timer reaches it. Loop thread only.
     */
    private final java.util.ArrayDeque<Deferral> deferred = new java.util.ArrayDeque<>();
    /** Armed at the oldest waiting connection's {@code startBy} while one waits; loop thread only. */
    private EventLoop.Timer deferTimer;
    private final Runnable onDeferTimer = this::deferDue;

    private record Listening(Options options, Handler handler) {}

    /** A connection whose handler waits for its first bytes until {@code startBy}; null once started. Loop thread only. */
    private static final class Deferral {
        DirectConnection connection;
        final long startBy;

        Deferral(DirectConnection connection, long startBy) {
            this.connection = connection;
            this.startBy = startBy;
        }
    }

    TcpBinding(Direct stack, TcpEngine engine) {
        this.stack = stack;
        this.loop = stack.loop();
        this.engine = engine;
        engine.events(this);
    }

    // ---------------------------------------------------------------- Tcp

    @Override
    public Connection connect(IpAddress remote, int port, Duration timeout, Options options) throws NetException, FlowException {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(options, "options");
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a TCP port is 1-65535, got " + port);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a connect timeout is positive, got " + timeout);
        }
        stack.checkFamily(remote);
        long nanos = saturatedNanos(timeout);
        DirectConnection c = stack.onLoopChecked(now -> {
            TcpConnection handle = engine.connect(now, null, remote, port, nanos);
            DirectConnection d = new DirectConnection(handle, options);
            handle.attachment = d;
            live.add(d);
            d.apply(now, options, null);
            return d;
        });
        c.awaitEstablished(remote, port, timeout);
        return c;
    }

    @Override
    public void listen(int port, Options options, Handler handler) throws NetException {
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a TCP port is 1-65535, got " + port);
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        stack.onLoopChecked(now -> {
            engine.listen(port, BACKLOG);
            listeners.put(port, new Listening(options, handler));
            return null;
        });
    }

    @Override
    public void unlisten(int port) {
        if (port < 1 || port > 0xffff) {
            throw new IllegalArgumentException("a TCP port is 1-65535, got " + port);
        }
        stack.onLoopQuietly(now -> {
            engine.unlisten(now, port);
            listeners.remove(port);
            return null;
        });
    }

    @Override
    public Stats stats() {
        Stats s = stack.onLoopQuietly(now -> engine.stats());
        return new Stats(s.activeOpens(), s.passiveOpens(), s.failedAttempts(), s.established(), s.segmentsReceived(),
                s.segmentsSent(), s.retransmittedSegments(), s.resetsReceived(), s.resetsSent(), s.malformed(),
                s.challengeAcks(), s.synCookiesSent(), s.handlerFailures() + handlerFailures.get(), s.dropped(),
                s.overLimit(), s.idleTimeouts(), s.readTimeouts(), s.icmpErrors());
    }

    /** Live connections and armed timers in the engine (tests check both reach 0). */
    int[] footprint() {
        return stack.onLoopQuietly(now -> new int[] {engine.connections(), engine.timers()});
    }

    // ---------------------------------------------------------------- events, on the loop

    @Override
    public void accepted(TcpConnection handle) {
        Listening l = listeners.get(handle.localPort());
        if (l == null) {
            handle.abort(loop.now());
            return;
        }
        DirectConnection c = new DirectConnection(handle, l.options());
        handle.attachment = c;
        live.add(c);
        long now = loop.now();
        c.apply(now, l.options(), null);
        if (l.handler().clientSpeaksFirst()) {
            if (!handle.readReady()) {
                // its first bytes start the handler (readable), or its end (closed), or DEFER_NANOS
                c.waiting = l.handler();
                c.deferral = new Deferral(c, now + DEFER_NANOS);
                deferred.add(c.deferral);
                if (deferTimer == null) {
                    deferTimer = loop.schedule(c.deferral.startBy, onDeferTimer);
                }
                return;
            }
            c.readAhead(now); // bytes came with the handshake's last segment
        }
        start(c, l.handler());
    }

    /** Runs {@code handler} with {@code c} on a task of its own; closes {@code c} after it, or resets it if it threw. Loop thread. */
    private void start(DirectConnection c, Handler handler) {
        TcpConnection handle = c.handle;
        loop.spawn("tcp-" + handle.localPort() + "-" + handle.remoteAddress() + ":" + handle.remotePort(), () -> {
            try {
                handler.handle(c);
                c.close();
            } catch (Exception | Error e) {
                handlerFailures.incrementAndGet();
                c.abort();
            }
        });
    }

    /**
     * Starts the handler of a connection that waited for its first bytes, handing it what
     * arrived so that its first read needs no hand-off to the loop. Loop thread.
     */
    private void startWaiting(DirectConnection c, long now) {
        Handler handler = c.waiting;
        c.waiting = null;
        c.deferral.connection = null; // its entry no longer holds it (it may live less than DEFER_NANOS)
        c.deferral = null;
        c.readAhead(now);
        start(c, handler);
    }

    /** The deferral timer: starts the handlers whose connections waited {@link #DEFER_NANOS} for their first bytes. */
    private void deferDue() {
        deferTimer = null;
        long now = loop.now();
        for (Deferral d; (d = deferred.peek()) != null; ) {
            if (d.connection != null && d.startBy > now) {
                deferTimer = loop.schedule(d.startBy, onDeferTimer);
                return;
            }
            deferred.poll();
            if (d.connection != null) {
                startWaiting(d.connection, now);
            }
        }
    }

    @Override
    public void connected(TcpConnection handle) {
        wake(handle);
    }

    @Override
    public void readable(TcpConnection handle) {
        if (handle.attachment instanceof DirectConnection c) {
            if (c.waiting != null) {
                startWaiting(c, loop.now()); // its first bytes (or its FIN)
            } else {
                c.completeRead(loop.now());
            }
        }
    }

    @Override
    public void writable(TcpConnection handle) {
        if (handle.attachment instanceof DirectConnection c) {
            long now = loop.now();
            boolean drained = c.drainOutbox(now); // wakes a writer waiting for room once there is enough
            if (c.closeWhenDrained) {
                if (drained) {
                    c.closeWhenDrained = false;
                    handle.close(now);
                }
            } else if (c.pendingWrite != null) {
                c.continueWrite(now); // wakes the writer only once its whole write is in
            }
        }
    }

    @Override
    public void closed(TcpConnection handle, Termination reason) {
        if (handle.attachment instanceof DirectConnection c) {
            live.remove(c);
            if (reason != Termination.NORMAL) {
                c.gone = true; // the engine has let the connection go: close has nothing left to do
            }
            c.completeRead(loop.now());
            c.finishWrite(-1);
            if (c.waiting != null) {
                startWaiting(c, loop.now()); // the handler sees how its connection ended
            }
            if (reason != Termination.NORMAL && handle.readable() == 0) {
                c.spent = true; // out of the engine's table: nothing arrives any more
            }
        }
        wake(handle);
    }

    /** The stack closes: every connection is reset and its waiting threads woken. Loop thread. */
    void abortAll(long now) {
        for (DirectConnection c : java.util.List.copyOf(live)) {
            c.handle.abort(now);
            c.completeRead(now);
            c.finishWrite(-1);
            c.readers.signal();
            c.writers.signal();
        }
        live.clear();
        deferred.clear(); // their handlers never started: nothing waits on them
        if (deferTimer != null) {
            deferTimer.cancel();
            deferTimer = null;
        }
    }

    private static void wake(TcpConnection handle) {
        if (handle.attachment instanceof DirectConnection c) {
            c.readers.signal();
            c.writers.signal();
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    // ---------------------------------------------------------------- connections

    /** One connection as the application sees it. Its engine handle is touched on the loop only. */
    final class DirectConnection implements Connection {
        final TcpConnection handle;
        private final Endpoint local;
        private final Endpoint remote;
        final EventLoop.Waiter readers = loop.waiter();
        final EventLoop.Waiter writers = loop.waiter();
        private volatile Options options;
        /** Set once this side closed or aborted: later operations fail with CLOSED. */
        private volatile boolean closed;
        /** The handler to start on the first bytes ({@link Handler#clientSpeaksFirst}), null once started; loop thread only. */
        Handler waiting;
        /** Its entry among the waiting connections while {@link #waiting}; loop thread only. */
        Deferral deferral;
        /**
         * The first bytes, taken by the loop as it started the handler on them: the first reads
         * take them with no hand-off. Published by the handler's start; the reader's after.
         */
        private ByteBuffer early;
        /**
         * Set by the loop when the engine ended the connection by a failure (a reset, a timeout,
         * an abort): it is out of the engine's table, so the engine's {@code close} and
         * {@code abort} do nothing for it and {@link #close} need not hand anything to the loop.
         */
        private volatile boolean gone;
        /**
         * Set by the loop when the engine ended the connection by a failure and held nothing
         * more to read: the engine's read would give the end (-1) now and for ever, so a read
         * reports the failure ({@link TcpConnection#termination}, final once this is set) with
         * no hand-off to the loop and no wake-up (a client that resets right after its last
         * message, as {@code openssl s_time} does, costs its handler no further round trip).
         */
        private volatile boolean spent;
        /**
         * A read timeout {@link #readTimeout} set and the loop has not applied yet, in
         * nanoseconds, or -1: the next read's registration applies it (it bounds later reads
         * only), so setting one costs no hand-off; while a read is in progress it is handed
         * over at once, as it stops that read's clock.
         */
        private final AtomicLong readTimeoutToApply = new AtomicLong(-1);
        /** Set while a thread is in {@link #read}. */
        private volatile boolean reading;
        /** The read timeout in force or set to be applied, in nanoseconds (0: none). */
        private volatile long readTimeoutNanos;
        /**
         * Whether a read now would find something (the engine's {@link TcpConnection#readReady}),
         * as the loop saw it last; the loop updates it on every event that can change it. While
         * it is false a read's registration need not wake the loop: whatever makes the read
         * complete is an event that wakes the loop anyway.
         */
        private volatile boolean readReady;
        /** Corks not yet uncorked; the writer's (one writer at a time, {@link mirage.core.Flow}). */
        private int corks;
        /** Set by the first write larger than {@link #OUTBOX}: the next one adopts a ring; the writer's. */
        private boolean largeWriteSeen;
        /** Whether a write since the outermost cork has corked the engine's connection; the writer's. */
        private boolean engineCorked;

        /** The reader's buffer, handed to the loop by {@link #registerRead}; published by the loop's inbox. */
        private volatile ByteBuffer requested;
        /** The buffer the loop fills when bytes come, lent by a waiting reader; loop thread only. */
        private ByteBuffer pendingRead;
        /** What the loop did with the pending read: bytes, -1, or {@link #CANCELLED}; {@link #NOTHING} until then. */
        private volatile int filled = NOTHING;
        /** Registers {@link #requested} as the pending read and completes it if it can; on the loop. */
        private final Direct.LoopOp<Void, RuntimeException> registerRead = now -> {
            applyReadTimeout(now);
            pendingRead = requested;
            requested = null;
            completeRead(now);
            return null;
        };
        private final Runnable registerReadOnLoop = () -> stack.onLoopQuietly(registerRead);

        /** The writer's buffers, handed to the loop by {@link #registerWrite}, from {@link #lentFrom}, corked or not. */
        private volatile ByteBuffer[] lent;
        private int lentFrom;
        private boolean lentCork;
        /** {@link #write}'s one-buffer array; the writer's. */
        private final ByteBuffer[] single = new ByteBuffer[1];
        /** The buffers the loop moves into the engine as room comes, lent by a waiting writer; loop thread only. */
        private ByteBuffer[] pendingWrite;
        private int pendingAt;
        private boolean pendingCork;
        /** What became of the pending write: 1 done, -1 failed, or {@link #CANCELLED}; {@link #NOTHING} until then. */
        private volatile int written = NOTHING;
        /** Registers {@link #lent} as the pending write and moves what it can; on the loop. */
        private final Direct.LoopOp<Void, RuntimeException> registerWrite = now -> {
            ByteBuffer[] srcs = lent; // read first: the writer's volatile write of lent published the plain fields
            lent = null;
            pendingAt = lentFrom;
            pendingCork = lentCork;
            pendingWrite = srcs;
            continueWrite(now);
            return null;
        };
        private final Runnable registerWriteOnLoop = () -> stack.onLoopQuietly(registerWrite);
        /**
         * Take a lent buffer back from the loop (an interrupted reader or writer); a reader
         * that leaves also stops the engine's read clock.
         */
        private final Direct.LoopOp<Void, RuntimeException> dropRead = this::dropReadOnLoop;
        private final Direct.LoopOp<Void, RuntimeException> dropWrite = now -> {
            pendingWrite = null;
            return null;
        };

        private Void dropReadOnLoop(long now) {
            pendingRead = null;
            handle.readAbandoned(now);
            return null;
        }
        private final Runnable closeOnLoop = () -> stack.onLoopQuietly(now -> {
            end(now, false);
            return null;
        });
        private final Runnable abortOnLoop = () -> stack.onLoopQuietly(now -> {
            end(now, true);
            return null;
        });

        /**
         * Writes on their way to the engine: a ring written by the writer and drained by the
         * loop, {@code produced - consumed} bytes from {@code consumed % outbox.length}. Made on
         * first use ({@link #OUTBOX} bytes) by the writer, which writes the field before it
         * publishes bytes in it through {@link #produced} (the loop reads it after reading
         * {@code produced}); replaced, only while empty, by the loop with the ring the engine
         * adopts ({@link #adopt}).
         */
        private byte[] outbox;
        private volatile long produced;
        /** Counts the bytes whose room in the outbox is free again: moved into the engine, or (adopted) acknowledged. */
        private volatile long consumed;
        /** Counts the bytes the loop handed to the engine; {@link #consumed} until a ring is adopted. */
        private volatile long appended;
        /**
         * Set once the engine adopted the {@link #STAGING} ring as its send buffer
         * ({@link TcpConnection#adoptSendRing}): from then on the writer's copy is the only one
         * before the segment, and room comes back as the peer acknowledges bytes.
         */
        private volatile boolean adopted;
        /** Whether the outbox's bytes were written corked; changed by the writer only while the outbox is empty, and by uncork. */
        private volatile boolean outboxCorked;
        /**
         * Free bytes of the outbox a waiting writer needs before it is woken ({@link #awaitRoom});
         * 0 when none waits. Set by the writer before its last look, cleared by the loop as it
         * signals, so no wake-up is lost and none is sent for nothing.
         */
        private volatile int roomWanted;
        /** Closed while the outbox still held bytes: the loop closes the engine's connection once they are in. Loop thread. */
        private boolean closeWhenDrained;
        /** Set once this side shut down writing: later writes fail at once, not at the next drain. */
        private volatile boolean writeShut;
        /** Set by the loop when the engine refused outbox bytes (writing over, or the connection ended). */
        private volatile boolean outboxFailed;
        /**
         * Set while a drain is coming: an action handed to the loop, or the next {@code writable}
         * (set by the loop while the engine's send buffer has no room for the outbox's bytes). A
         * writer that publishes bytes hands the loop a drain only if it can clear it first.
         */
        private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
        /** Two views of the outbox, its bytes up to the ring's end and from its start; loop thread only. */
        private final ByteBuffer[] outboxSlices = new ByteBuffer[2];
        private final Direct.LoopOp<Void, RuntimeException> drainOp = now -> {
            drainOutbox(now);
            return null;
        };
        private final Runnable drainOnLoop = () -> stack.onLoopQuietly(drainOp);

        DirectConnection(TcpConnection handle, Options options) {
            this.handle = handle;
            this.options = options;
            this.local = new Endpoint(handle.localAddress(), handle.localPort());
            this.remote = new Endpoint(handle.remoteAddress(), handle.remotePort());
            this.readReady = handle.readReady(); // on the loop: connect and accepted make connections there
        }

        /** Applies {@code o} over {@code previous} (null: the connection's first options). Loop thread. */
        void apply(long now, Options o, Options previous) {
            applyReadTimeout(now); // one set before these options goes first, as it was set first
            handle.noDelay(now, o.noDelay());
            if (o.keepalive() != null) {
                handle.keepalive(now, saturatedNanos(o.keepalive().after()), saturatedNanos(o.keepalive().interval()),
                        o.keepalive().probes());
            } else {
                handle.keepalive(now, 0, 0, 1);
            }
            // A timeout the options do not change keeps running (and a Flow.readTimeout stays in force).
            if (previous == null || !o.idleTimeout().equals(previous.idleTimeout())) {
                handle.idleTimeout(now, saturatedNanos(o.idleTimeout()));
            }
            if (previous == null || !o.readTimeout().equals(previous.readTimeout())) {
                readTimeoutNanos = saturatedNanos(o.readTimeout());
                handle.readTimeout(now, readTimeoutNanos);
            }
        }

        /** Bounds each later read's wait for bytes (the engine's read timer); {@code ZERO}: no bound. */
        @Override
        public boolean readTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("a read timeout is not negative: " + timeout);
            }
            long nanos = saturatedNanos(timeout);
            readTimeoutNanos = nanos;
            readTimeoutToApply.set(nanos);
            if (reading) {
                // a read waits (on another thread): its clock stops now, as the engine's
                // readTimeout says; without a read, the next one's registration applies it
                loop.execute(applyReadTimeoutOnLoop);
            }
            return true;
        }

        /** Applies the read timeout {@link #readTimeout} left, if any. Loop thread. */
        private Void applyReadTimeout(long now) {
            long t = readTimeoutToApply.getAndSet(-1);
            if (t >= 0) {
                handle.readTimeout(now, t);
            }
            return null;
        }

        private final Direct.LoopOp<Void, RuntimeException> applyReadTimeoutOp = this::applyReadTimeout;
        private final Runnable applyReadTimeoutOnLoop = () -> stack.onLoopQuietly(applyReadTimeoutOp);

        void awaitEstablished(IpAddress to, int port, Duration timeout) throws FlowException {
            while (true) {
                Object outcome = stack.onLoopQuietly(now -> {
                    Termination t = handle.termination();
                    if (t != null) {
                        return t;
                    }
                    TcpState s = handle.state();
                    return s == TcpState.SYN_SENT || s == TcpState.SYN_RECEIVED ? null : s;
                });
                if (outcome instanceof Termination t) {
                    int icmp = stack.onLoopQuietly(now -> handle.icmpError());
                    throw switch (t) {
                        case REFUSED -> new FlowException(FlowException.Reason.REFUSED, to + ":" + port + " refused the connection");
                        case UNREACHABLE -> new FlowException(FlowException.Reason.REFUSED, to + ":" + port + " is unreachable: "
                                + icmpText(icmp));
                        case TIMEOUT -> new FlowException(FlowException.Reason.TIMEOUT, "no answer from " + to + ":" + port
                                + " within " + timeout + (icmp < 0 ? "" : " (the last ICMP error: " + icmpText(icmp) + ")"));
                        case RESET -> new FlowException(FlowException.Reason.RESET, to + ":" + port + " reset the connection");
                        case NORMAL, ABORTED -> new FlowException(FlowException.Reason.CLOSED, "the connection to " + to + ":"
                                + port + " was closed before it was established");
                    };
                }
                if (outcome != null) {
                    return;
                }
                awaitQuietly(readers);
            }
        }

        @Override
        public Endpoint local() {
            return local;
        }

        @Override
        public Endpoint remote() {
            return remote;
        }

        @Override
        public Options options() {
            return options;
        }

        @Override
        public void options(Options o) throws FlowException {
            Objects.requireNonNull(o, "options");
            failIfDone();
            stack.onLoopQuietly(now -> {
                apply(now, o, options);
                return null;
            });
            this.options = o;
        }

        /**
         * Lends {@code dst} to the loop, which fills it at once if bytes are there, or when they
         * arrive, and wakes this thread: one hand-off and one wake-up.
         */
        @Override
        public int read(ByteBuffer dst) throws FlowException {
            if (!dst.hasRemaining()) {
                throw new IllegalArgumentException("read buffer has no space remaining");
            }
            failIfClosed();
            ByteBuffer e = early;
            if (e != null) {
                int n = Math.min(e.remaining(), dst.remaining());
                int limit = e.limit();
                dst.put(e.limit(e.position() + n));
                e.limit(limit);
                if (!e.hasRemaining()) {
                    early = null;
                }
                return n;
            }
            if (spent) {
                throw failure(handle.termination());
            }
            filled = NOTHING;
            requested = dst;
            reading = true;
            int n;
            try {
                if (readReady) {
                    loop.execute(registerReadOnLoop);
                } else {
                    // Nothing to read yet: what completes this read (bytes, the FIN, a reset, the
                    // read timer) is an event that wakes the loop anyway, and the loop registers
                    // the read at the turn after it. The read clock starts at the registration,
                    // so the loop is woken for it if it would sleep longer than a sixteenth of
                    // the read timeout.
                    long t = readTimeoutNanos;
                    loop.executeLazily(registerReadOnLoop, t == 0 ? Long.MAX_VALUE : loop.now() + Math.max(1, t / 16));
                    if (readReady) {
                        // it became ready after the look above: the loop may have run its turn
                        // before the registration was in its inbox, and gone to sleep
                        loop.execute(NOTHING_TO_DO);
                    }
                }
                n = awaitOutcome(true);
            } finally {
                reading = false;
            }
            if (n > 0) {
                return n;
            }
            if (n == TcpConnection.READ_TIMED_OUT) {
                throw new FlowException(FlowException.Reason.TIMEOUT, "nothing from " + remote + " within the read timeout");
            }
            if (n == CANCELLED) {
                throw new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " is closed");
            }
            Termination t = handle.termination();
            if (t == null || t == Termination.NORMAL) {
                return EOF;
            }
            throw failure(t);
        }

        /** Takes what the engine holds (up to {@link #READ_AHEAD} bytes) for the first reads of a handler about to start. Loop thread. */
        void readAhead(long now) {
            int n = Math.min(handle.readable(), READ_AHEAD);
            if (n > 0) {
                ByteBuffer b = ByteBuffer.allocate(n);
                handle.read(now, b);
                early = b.flip();
            }
            readReady = handle.readReady();
        }

        /**
         * Completes the pending read if bytes are there or none will come (the engine's read
         * gives -1), and then wakes the reader (only then: a reader parked before its read is
         * registered is not woken for nothing); loop thread. Called when it is registered and on
         * every event that may complete it.
         */
        void completeRead(long now) {
            ByteBuffer dst = pendingRead;
            if (dst != null) {
                int r = closed ? CANCELLED : handle.read(now, dst);
                if (r != 0) {
                    pendingRead = null;
                    filled = r;
                    readers.signal();
                }
            }
            readReady = handle.readReady();
        }

        /**
         * Waits until the loop has completed the lent read ({@code read}) or write, and returns
         * its outcome. An interrupt takes the buffers back from the loop before it throws
         * {@code CLOSED}: the loop touches them no more once this returns or throws.
         */
        private int awaitOutcome(boolean read) throws FlowException {
            EventLoop.Waiter waiter = read ? readers : writers;
            int n;
            while ((n = read ? filled : written) == NOTHING) {
                try {
                    waiter.await(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (read) {
                        requested = null; // a registration still on its way finds nothing
                    } else {
                        lent = null;
                    }
                    try {
                        stack.onLoopQuietly(read ? dropRead : dropWrite);
                    } catch (RuntimeException gone) {
                        // the stack is gone: the loop touches the buffers no more
                    }
                    throw new FlowException(FlowException.Reason.CLOSED, "interrupted while waiting on the connection to " + remote, e);
                }
            }
            return n;
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            if (toOutbox(src)) {
                return;
            }
            single[0] = src;
            try {
                lend(single);
            } finally {
                single[0] = null;
            }
        }

        /**
         * Every buffer is appended before anything is sent, so a message that fits one segment
         * leaves as one.
         */
        @Override
        public void writev(ByteBuffer... srcs) throws FlowException {
            if (toOutbox(srcs)) {
                return;
            }
            lend(srcs);
        }

        /**
         * Lends {@code srcs} to the loop, which moves them into the engine's send buffer at once
         * as far as it has room and the rest as ACKs free room ({@code writable}), on its own
         * thread, and wakes this one when the last byte is in (or the connection failed): one
         * hand-off and one wake-up per write, however many ACKs it takes, where a write that
         * came back for more on each {@code writable} cost a hand-off each way per ACK.
         */
        private void lend(ByteBuffer[] srcs) throws FlowException {
            int at = 0;
            while (at < srcs.length && !srcs[at].hasRemaining()) {
                at++;
            }
            if (at == srcs.length) {
                return;
            }
            failIfClosed();
            if (handle.termination() != null) {
                throw writeFailure(); // the loop would only say so: no hand-off
            }
            boolean cork = corks > 0;
            engineCorked |= cork;
            written = NOTHING;
            lentCork = cork;
            lentFrom = at;
            lent = srcs;
            loop.execute(registerWriteOnLoop);
            int n = awaitOutcome(false);
            if (n == CANCELLED) {
                throw new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " is closed");
            }
            if (n < 0) {
                throw writeFailure();
            }
        }

        /**
         * Moves what the pending write holds into the engine, after the outbox's bytes; completes
         * it and wakes the writer once every byte is in or writing has failed. Loop thread.
         */
        void continueWrite(long now) {
            ByteBuffer[] srcs = pendingWrite;
            if (srcs == null) {
                return;
            }
            if (closed) {
                finishWrite(CANCELLED);
                return;
            }
            if (!drainOutbox(now)) {
                if (outboxFailed) {
                    finishWrite(-1);
                }
                return; // the outbox's bytes go first; the engine's buffer is full
            }
            if (handle.corked() != pendingCork) {
                handle.cork(now, pendingCork);
            }
            int at = pendingAt;
            if (handle.write(now, srcs, at, srcs.length - at) < 0) {
                finishWrite(-1);
                return;
            }
            while (at < srcs.length && !srcs[at].hasRemaining()) {
                at++;
            }
            pendingAt = at;
            if (at == srcs.length) {
                finishWrite(1);
            }
        }

        /** Ends the pending write with {@code result} and wakes the writer; loop thread. */
        void finishWrite(int result) {
            if (pendingWrite != null) {
                pendingWrite = null;
                written = result;
                writers.signal();
            }
        }

        /**
         * Costs nothing by itself: the engine's connection is corked with the next write
         * (a cork with nothing written under it never reaches the loop).
         */
        @Override
        public void cork() throws FlowException {
            failIfClosed();
            corks++;
        }

        @Override
        public void uncork() throws FlowException {
            if (corks == 0 || --corks > 0 || !engineCorked) {
                return;
            }
            engineCorked = false;
            failIfClosed();
            outboxCorked = false; // what the outbox holds goes uncorked from now on
            stack.onLoopQuietly(now -> {
                drainOutbox(now);
                handle.cork(now, false);
                return null;
            });
        }

        /**
         * Copies {@code srcs} into the outbox and has the loop drain it, waiting for room as
         * long as it takes (a write that fits the ring is copied whole, so its buffers leave
         * together; a larger one piece by piece); false, with nothing copied, if the write must
         * take the lending path: the outbox holds bytes of the other cork, or the write must
         * fail now. The writer's.
         *
         * @throws FlowException if the flow was closed, failed or was interrupted while waiting
         *     (what was copied before stays in the outbox)
         */
        private boolean toOutbox(ByteBuffer... srcs) throws FlowException {
            if (writeShut || handle.termination() != null) {
                return false; // a write that must fail now: the lending path says why
            }
            long n = 0;
            for (ByteBuffer b : srcs) {
                n += b.remaining();
            }
            if (n == 0) {
                return false;
            }
            failIfClosed();
            if (outboxFailed) {
                throw writeFailure();
            }
            boolean cork = corks > 0;
            if (adopted) {
                if (outboxCorked != cork) {
                    if (produced != appended) {
                        stack.onLoopQuietly(drainOp); // the bytes of the other cork go into the engine first
                    }
                    outboxCorked = cork;
                }
            } else if (produced != consumed) {
                if (outboxCorked != cork || n > OUTBOX) {
                    largeWriteSeen |= n > OUTBOX;
                    return false; // the lending path drains the outbox first
                }
            } else {
                if (n > OUTBOX) {
                    if (!largeWriteSeen) {
                        largeWriteSeen = true;
                        return false; // a first large write (a TLS flight) is lent: a ring is for bulk writers
                    }
                    stack.onLoopQuietly(adoptOp); // once per connection
                    if (!adopted) {
                        return false; // writing is over: the lending path says why
                    }
                } else if (outbox == null) {
                    outbox = new byte[OUTBOX]; // published with the bytes, by produced
                }
                outboxCorked = cork;
            }
            byte[] box = outbox;
            engineCorked |= cork;
            int cap = box.length;
            int i = 0;
            for (long left = n; left > 0; ) {
                awaitRoom(cap, (int) Math.min(left, n <= cap ? n : cap / 2));
                long p = produced;
                long k = Math.min(left, cap - (p - consumed));
                int at = (int) (p % cap);
                for (long m = k; m > 0; ) {
                    ByteBuffer b = srcs[i];
                    int len = (int) Math.min(b.remaining(), Math.min(m, cap - at));
                    b.get(box, at, len);
                    m -= len;
                    at = (at + len) % cap;
                    if (!b.hasRemaining()) {
                        i++;
                    }
                }
                produced = p + k;
                left -= k;
                if (drainScheduled.compareAndSet(false, true)) {
                    loop.execute(drainOnLoop);
                }
            }
            return true;
        }

        /**
         * Waits until the outbox of {@code cap} bytes has {@code want} free, or the flow can take
         * no more. The loop signals only once that much is free ({@link #roomWanted}). The
         * writer's.
         */
        private void awaitRoom(int cap, int want) throws FlowException {
            while (cap - (produced - consumed) < want) {
                roomWanted = want;
                if (cap - (produced - consumed) >= want) {
                    break; // the loop drained after the look above but before it saw roomWanted
                }
                awaitQuietly(writers);
                failIfClosed();
                if (outboxFailed || handle.termination() != null) {
                    roomWanted = 0;
                    throw writeFailure();
                }
            }
            roomWanted = 0;
        }

        /**
         * Moves what the outbox holds into the engine, as gathered writes, with the outbox's
         * cork; wakes a writer waiting for room once there is enough. When the engine's send
         * buffer is full the next {@code writable} drains the rest (it counts as the drain to
         * come, {@link #drainScheduled}). Loop thread.
         *
         * @return true if the outbox is empty now
         */
        boolean drainOutbox(long now) {
            if (adopted) {
                drainAdopted(now);
                return true;
            }
            while (true) {
                long c = consumed;
                long n = produced - c;
                if (n == 0) {
                    // the writer hands a drain over only if it can clear the flag: clear it, then
                    // look again (both volatile: a write published after the look above is seen
                    // here, or that writer hands a drain over)
                    drainScheduled.set(false);
                    if (produced == c) {
                        return true;
                    }
                    continue;
                }
                byte[] box = outbox; // read after produced: the writer's ring for these bytes
                int cap = box.length;
                int at = (int) (c % cap);
                int first = (int) Math.min(n, cap - at);
                if (outboxSlices[0] == null || outboxSlices[0].array() != box) {
                    outboxSlices[0] = ByteBuffer.wrap(box);
                    outboxSlices[1] = ByteBuffer.wrap(box);
                }
                outboxSlices[0].clear().position(at).limit(at + first);
                outboxSlices[1].clear().limit((int) (n - first));
                boolean cork = outboxCorked;
                if (handle.corked() != cork) {
                    handle.cork(now, cork);
                }
                int taken = handle.write(now, outboxSlices, 0, 2);
                if (taken < 0) {
                    outboxFailed = true;
                    consumed = c + n; // writing is over: what is left cannot be sent
                    drainScheduled.set(false);
                    writers.signal();
                    return true;
                }
                consumed = c + taken;
                appended = c + taken;
                int want = roomWanted;
                if (want > 0 && cap - (n - taken) >= want) {
                    roomWanted = 0;
                    writers.signal();
                }
                if (taken < n) {
                    drainScheduled.set(true); // the next writable drains the rest
                    return false;
                }
            }
        }

        /**
         * Adopted: hands the engine what the writer put into its send ring, with the outbox's
         * cork (always all of it: the writer writes only into room the engine has free), and
         * frees the room the peer acknowledged for the writer. Loop thread.
         */
        private void drainAdopted(long now) {
            while (true) {
                long a = appended;
                long n = produced - a;
                if (n > 0) {
                    boolean cork = outboxCorked;
                    if (handle.corked() != cork) {
                        handle.cork(now, cork);
                    }
                    if (handle.appendWritten(now, (int) n) < 0) {
                        outboxFailed = true; // writing is over: what is left cannot be sent
                        appended = a + n;
                        consumed = a + n;
                        drainScheduled.set(false);
                        writers.signal();
                        return;
                    }
                    appended = a + n;
                }
                long freed = a + n - handle.unacknowledged();
                consumed = freed;
                int want = roomWanted;
                if (want > 0 && outbox.length - (a + n - freed) >= want) {
                    roomWanted = 0;
                    writers.signal();
                }
                if (handle.inFlight() > 0) {
                    // an ACK is coming, and its writable drains what the writer adds meanwhile:
                    // the writer need not hand a drain over (nor wake a sleeping loop) for it
                    drainScheduled.set(true);
                    return;
                }
                drainScheduled.set(false); // as drainOutbox: clear, then look again
                if (produced == a + n) {
                    return;
                }
            }
        }

        /**
         * Gives the engine a {@link #STAGING} ring (or one of its send buffer's size, if larger)
         * as its send buffer, ending where the writer writes next; the outbox is empty. Not
         * when writing is over. Loop thread.
         */
        private final Direct.LoopOp<Void, RuntimeException> adoptOp = this::adopt;

        private Void adopt(long now) {
            if (adopted || writeShut || handle.termination() != null) {
                return null;
            }
            byte[] ring = new byte[Math.max(STAGING, handle.sendBufferSize())];
            long p = produced;
            handle.adoptSendRing(ring, (int) (p % ring.length));
            outbox = ring;
            appended = p;
            consumed = p - handle.unacknowledged();
            adopted = true;
            return null;
        }

        private FlowException writeFailure() {
            Termination t = handle.termination();
            if (t == null || t == Termination.NORMAL) {
                return new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " was shut down for writing");
            }
            return failure(t);
        }

        @Override
        public void shutdown(Direction direction) throws FlowException {
            Objects.requireNonNull(direction, "direction");
            failIfDone();
            if (direction != Direction.WRITE) {
                early = null; // bytes read ahead go with the rest of what is unread
            }
            byte[] box = outbox;
            while (true) {
                if (box != null && !adopted) {
                    roomWanted = box.length; // woken when the outbox is empty (an adopted ring's drain never waits)
                }
                boolean done = stack.onLoopQuietly(now -> {
                    if (direction != Direction.READ && !drainOutbox(now)) {
                        return false; // the FIN goes after the outbox's bytes: wait for room
                    }
                    if (direction != Direction.READ) {
                        handle.shutdownWrite(now);
                        writeShut = true;
                    }
                    if (direction != Direction.WRITE) {
                        handle.shutdownRead(now);
                        completeRead(now);
                    }
                    return true;
                });
                if (done) {
                    break;
                }
                awaitQuietly(writers);
                failIfClosed();
            }
            roomWanted = 0;
            readers.signal();
        }

        /**
         * Hands the close to the loop and returns without waiting for it (the loop runs it
         * after every operation this flow handed over before, so the bytes already written
         * still go first, and a blocked reader or writer is woken by it): a handler that ends
         * with {@code close} ends at once, with no wake-up of its thread to come back for.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!gone) { // else the engine's close would do nothing: no hand-off, no wake-up of the loop
                try {
                    loop.execute(closeOnLoop);
                } catch (RuntimeException e) {
                    // the stack is gone; its engine went with it
                }
            }
            readers.signal();
            writers.signal();
        }

        /** The loop's half of {@link #close} and {@link #abort}. */
        private void end(long now, boolean reset) {
            if (reset) {
                continueWrite(now);
                handle.abort(now);
            } else {
                continueWrite(now); // a writer blocked in write leaves with CLOSED
                if (drainOutbox(now)) {
                    handle.close(now);
                } else {
                    closeWhenDrained = true; // the FIN after the outbox's bytes: writable closes
                }
            }
            completeRead(now);
        }

        /** Ends the connection with a reset: its handler failed. Does not wait, as close. */
        void abort() {
            closed = true;
            if (gone) {
                return; // as close
            }
            try {
                loop.execute(abortOnLoop);
            } catch (RuntimeException e) {
                // as close
            }
        }

        private void failIfClosed() throws FlowException {
            if (closed) {
                throw new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " is closed");
            }
        }

        /** As failIfClosed, and a connection that ended by a failure stays failed. */
        private void failIfDone() throws FlowException {
            failIfClosed();
            Termination t = handle.termination();
            if (t != null && t != Termination.NORMAL) {
                throw failure(t);
            }
        }

        private FlowException failure(Termination t) {
            return switch (t) {
                case RESET -> new PeerFailure(FlowException.Reason.RESET, remote + " reset the connection");
                case TIMEOUT -> new PeerFailure(FlowException.Reason.TIMEOUT, "the connection to " + remote + " timed out");
                case REFUSED -> new PeerFailure(FlowException.Reason.REFUSED, remote + " refused the connection");
                case UNREACHABLE -> new PeerFailure(FlowException.Reason.REFUSED, remote + " is unreachable");
                case ABORTED -> new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " was aborted");
                case NORMAL -> new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " is closed");
            };
        }

        private void awaitQuietly(EventLoop.Waiter w) throws FlowException {
            try {
                w.await(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FlowException(FlowException.Reason.CLOSED, "interrupted while waiting on the connection to " + remote, e);
            }
        }

        @Override
        public String toString() {
            return "TcpConnection[" + local + " -> " + remote + "]";
        }
    }

    /** An ICMP error, {@code type << 8 | code} (RFC 792, RFC 1812 section 5.2.7.1), in words. */
    static String icmpText(int typeCode) {
        int type = typeCode >>> 8;
        int code = typeCode & 0xff;
        return switch (type) {
            case 3 -> switch (code) {
                case 0 -> "network unreachable";
                case 1 -> "host unreachable";
                case 2 -> "protocol unreachable";
                case 3 -> "port unreachable";
                case 4 -> "fragmentation needed";
                case 5 -> "source route failed";
                case 9, 10, 13 -> "communication administratively prohibited";
                default -> "destination unreachable, code " + code;
            };
            case 11 -> "time exceeded";
            case 12 -> "parameter problem";
            default -> "ICMP type " + type + ", code " + code;
        };
    }
}
