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
import mirage.net.Ipv4Address;
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
 * wake-up, not a call that finds nothing, a wait, and a second call. A <em>small write</em>
 * (at most {@value #OUTBOX} bytes, not corked) is copied into the connection's outbox, a ring
 * the loop drains into the engine, and returns without waiting for the loop. Any other
 * <em>write</em> lends its buffers to the loop, which moves them into the engine as ACKs free
 * room and wakes the writer once, when the last byte is in. Every other operation drains the
 * outbox first, so the bytes keep their order; a failure found while draining is thrown by the
 * next write. {@code close} hands its work to the loop and does not wait. A waiter is signalled
 * only when what its thread waits for has happened.
 */
final class TcpBinding implements Tcp, TcpEvents {
    /** Handshakes in progress per listener before SYN cookies. */
    static final int BACKLOG = 128;
    /** Bytes a connection's outbox holds: writes up to this size do not wait for the loop. */
    static final int OUTBOX = 8192;
    /** {@code filled} before the loop has completed the pending read. */
    static final int NOTHING = Integer.MIN_VALUE;
    /** {@code filled} when the flow was closed under a pending read. */
    static final int CANCELLED = Integer.MIN_VALUE + 1;

    private final Direct stack;
    private final EventLoop loop;
    private final TcpEngine engine;
    private final Map<Integer, Listening> listeners = new ConcurrentHashMap<>();
    private final AtomicLong handlerFailures = new AtomicLong();
    /** Connections whose engine handle has not ended yet; loop thread only. */
    private final java.util.Set<DirectConnection> live = new java.util.HashSet<>();

    private record Listening(Options options, Handler handler) {}

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
        if (!(remote instanceof Ipv4Address v4)) {
            throw new NetException(NetException.Reason.NO_ROUTE, "this stack has no IPv6: cannot reach " + remote);
        }
        long nanos = saturatedNanos(timeout);
        DirectConnection c = stack.onLoopChecked(now -> {
            TcpConnection handle = engine.connect(now, null, v4, port, nanos);
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
        c.apply(loop.now(), l.options(), null);
        loop.spawn("tcp-" + handle.localPort() + "-" + handle.remoteAddress() + ":" + handle.remotePort(), () -> {
            try {
                l.handler().handle(c);
                c.close();
            } catch (Exception | Error e) {
                handlerFailures.incrementAndGet();
                c.abort();
            }
        });
    }

    @Override
    public void connected(TcpConnection handle) {
        wake(handle);
    }

    @Override
    public void readable(TcpConnection handle) {
        if (handle.attachment instanceof DirectConnection c) {
            c.completeRead(loop.now());
        }
    }

    @Override
    public void writable(TcpConnection handle) {
        if (handle.attachment instanceof DirectConnection c) {
            long now = loop.now();
            c.drainOutbox(now);
            if (c.pendingWrite != null) {
                c.continueWrite(now); // wakes the writer only once its whole write is in
            } else {
                c.writers.signal();
            }
        }
    }

    @Override
    public void closed(TcpConnection handle, Termination reason) {
        if (handle.attachment instanceof DirectConnection c) {
            live.remove(c);
            c.completeRead(loop.now());
            c.finishWrite(-1);
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
        /** Corks not yet uncorked; the writer's (one writer at a time, {@link mirage.core.Flow}). */
        private int corks;
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
         * Small writes on their way to the engine: a ring written by the writer and drained by
         * the loop, {@code produced - consumed} bytes from {@code consumed % OUTBOX}. Made on
         * first use.
         */
        private byte[] outbox;
        private volatile long produced;
        private volatile long consumed;
        /** Set once this side shut down writing: later writes fail at once, not at the next drain. */
        private volatile boolean writeShut;
        /** Set by the loop when the engine refused outbox bytes (writing over, or the connection ended). */
        private volatile boolean outboxFailed;
        private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();
        /** Two views of the outbox, its bytes up to the ring's end and from its start; loop thread only. */
        private final ByteBuffer[] outboxSlices = new ByteBuffer[2];
        private final Direct.LoopOp<Void, RuntimeException> drainOp = now -> {
            drainScheduled.set(false);
            drainOutbox(now);
            return null;
        };
        private final Runnable drainOnLoop = () -> stack.onLoopQuietly(drainOp);

        DirectConnection(TcpConnection handle, Options options) {
            this.handle = handle;
            this.options = options;
            this.local = new Endpoint(handle.localAddress(), handle.localPort());
            this.remote = new Endpoint(handle.remoteAddress(), handle.remotePort());
        }

        /** Applies {@code o} over {@code previous} (null: the connection's first options). Loop thread. */
        void apply(long now, Options o, Options previous) {
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
                handle.readTimeout(now, saturatedNanos(o.readTimeout()));
            }
        }

        /** Bounds each later read's wait for bytes (the engine's read timer); {@code ZERO}: no bound. */
        @Override
        public boolean readTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("a read timeout is not negative: " + timeout);
            }
            long nanos = saturatedNanos(timeout);
            stack.onLoopQuietly(now -> {
                handle.readTimeout(now, nanos);
                return null;
            });
            return true;
        }

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
            filled = NOTHING;
            requested = dst;
            loop.execute(registerReadOnLoop);
            int n = awaitOutcome(true);
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
            stack.onLoopQuietly(now -> {
                drainOutbox(now);
                handle.cork(now, false);
                return null;
            });
        }

        /**
         * Copies {@code srcs} into the outbox and has the loop drain it, if they fit and the
         * flow is not corked; false (nothing copied) otherwise. The writer's.
         */
        private boolean toOutbox(ByteBuffer... srcs) throws FlowException {
            if (corks > 0 || writeShut || handle.termination() != null) {
                return false; // corked, or a write that must fail now: the waiting path
            }
            long n = 0;
            for (ByteBuffer b : srcs) {
                n += b.remaining();
            }
            if (n == 0 || n > OUTBOX) {
                return false;
            }
            failIfClosed();
            if (outboxFailed) {
                throw writeFailure();
            }
            long p = produced;
            if (n > OUTBOX - (p - consumed)) {
                return false; // the loop has not drained enough yet: the waiting path
            }
            if (outbox == null) {
                outbox = new byte[OUTBOX];
            }
            int at = (int) (p % OUTBOX);
            for (ByteBuffer b : srcs) {
                int len = b.remaining();
                int first = Math.min(len, OUTBOX - at);
                b.get(outbox, at, first);
                if (first < len) {
                    b.get(outbox, 0, len - first);
                }
                at = (at + len) % OUTBOX;
            }
            produced = p + n;
            if (drainScheduled.compareAndSet(false, true)) {
                loop.execute(drainOnLoop);
            }
            return true;
        }

        /**
         * Moves what the outbox holds into the engine, as one gathered write; loop thread.
         *
         * @return true if the outbox is empty now
         */
        boolean drainOutbox(long now) {
            long c = consumed;
            long n = produced - c;
            if (n == 0) {
                return true;
            }
            int at = (int) (c % OUTBOX);
            int first = (int) Math.min(n, OUTBOX - at);
            if (outboxSlices[0] == null) {
                outboxSlices[0] = ByteBuffer.wrap(outbox); // the ring made by the writer, seen through produced
                outboxSlices[1] = ByteBuffer.wrap(outbox);
            }
            outboxSlices[0].clear().position(at).limit(at + first);
            outboxSlices[1].clear().limit((int) (n - first));
            if (handle.corked()) {
                handle.cork(now, false); // outbox bytes were written uncorked
            }
            int taken = handle.write(now, outboxSlices, 0, 2);
            if (taken < 0) {
                outboxFailed = true;
                consumed = c + n; // writing is over: what is left cannot be sent
                writers.signal();
                return true;
            }
            consumed = c + taken;
            return taken == n;
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
            while (true) {
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
            try {
                loop.execute(closeOnLoop);
            } catch (RuntimeException e) {
                // the stack is gone; its engine went with it
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
                drainOutbox(now); // what fits the engine's buffer; the rest is lost, as close allows
                continueWrite(now); // a writer blocked in write leaves with CLOSED
                handle.close(now);
            }
            completeRead(now);
        }

        /** Ends the connection with a reset: its handler failed. Does not wait, as close. */
        void abort() {
            closed = true;
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
