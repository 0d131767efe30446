package mirage.net.internal.stack;

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
 * <p>An application thread never touches the engine: each operation is one
 * {@link EventLoop#call} that tries it (copy bytes in or out, as many as the buffers allow) and
 * returns at once; if nothing could be done the thread awaits its connection's
 * {@link EventLoop.Waiter}, which the engine's events ({@code readable}, {@code writable},
 * {@code connected}, {@code closed}) signal from the loop. The waiter's permit makes the
 * check-then-wait free of lost wake-ups. Accepted connections run their handler as a task of
 * their own ({@link EventLoop#spawn}): a virtual thread, or a simulated task on virtual time.
 */
final class TcpBinding implements Tcp, TcpEvents {
    /** Handshakes in progress per listener before SYN cookies. */
    static final int BACKLOG = 128;

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
            d.apply(now, options);
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
                s.challengeAcks(), s.synCookiesSent(), s.handlerFailures() + handlerFailures.get());
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
        c.apply(loop.now(), l.options());
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
            c.readers.signal();
        }
    }

    @Override
    public void writable(TcpConnection handle) {
        if (handle.attachment instanceof DirectConnection c) {
            c.writers.signal();
        }
    }

    @Override
    public void closed(TcpConnection handle, Termination reason) {
        if (handle.attachment instanceof DirectConnection c) {
            live.remove(c);
        }
        wake(handle);
    }

    /** The stack closes: every connection is reset and its waiting threads woken. Loop thread. */
    void abortAll(long now) {
        for (DirectConnection c : java.util.List.copyOf(live)) {
            c.handle.abort(now);
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

        DirectConnection(TcpConnection handle, Options options) {
            this.handle = handle;
            this.options = options;
            this.local = new Endpoint(handle.localAddress(), handle.localPort());
            this.remote = new Endpoint(handle.remoteAddress(), handle.remotePort());
        }

        /** Loop thread. */
        void apply(long now, Options o) {
            handle.noDelay(now, o.noDelay());
            if (o.keepalive() != null) {
                handle.keepalive(now, saturatedNanos(o.keepalive().after()), saturatedNanos(o.keepalive().interval()),
                        o.keepalive().probes());
            } else {
                handle.keepalive(now, 0, 0, 1);
            }
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
                    throw switch (t) {
                        case REFUSED -> new FlowException(FlowException.Reason.REFUSED, to + ":" + port + " refused the connection");
                        case TIMEOUT -> new FlowException(FlowException.Reason.TIMEOUT, "no answer from " + to + ":" + port
                                + " within " + timeout);
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
                apply(now, o);
                return null;
            });
            this.options = o;
        }

        @Override
        public int read(ByteBuffer dst) throws FlowException {
            if (!dst.hasRemaining()) {
                throw new IllegalArgumentException("read buffer has no space remaining");
            }
            while (true) {
                failIfClosed();
                int n = stack.onLoopQuietly(now -> handle.read(now, dst));
                if (n > 0) {
                    return n;
                }
                if (n < 0) {
                    Termination t = handle.termination();
                    if (t == null || t == Termination.NORMAL) {
                        return EOF;
                    }
                    throw failure(t);
                }
                awaitQuietly(readers);
            }
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            while (true) {
                failIfClosed();
                boolean cork = corks > 0;
                engineCorked |= cork;
                int n = stack.onLoopQuietly(now -> {
                    if (handle.corked() != cork) {
                        handle.cork(now, cork);
                    }
                    return handle.write(now, src);
                });
                if (n < 0) {
                    throw writeFailure();
                }
                if (!src.hasRemaining()) {
                    return;
                }
                // Nothing or only part taken: the send buffer is full, and only an ACK frees
                // space, which signals the writers. Waiting now saves a call that would find it
                // full again (a signal since the call is kept, so none is lost).
                awaitQuietly(writers);
            }
        }

        /**
         * One hand-off to the loop per send buffer's worth: every buffer is appended before
         * anything is sent, so a message that fits one segment leaves as one.
         */
        @Override
        public void writev(ByteBuffer... srcs) throws FlowException {
            int at = 0;
            while (true) {
                while (at < srcs.length && !srcs[at].hasRemaining()) {
                    at++;
                }
                if (at == srcs.length) {
                    return;
                }
                failIfClosed();
                boolean cork = corks > 0;
                engineCorked |= cork;
                int from = at;
                int n = stack.onLoopQuietly(now -> {
                    if (handle.corked() != cork) {
                        handle.cork(now, cork);
                    }
                    return handle.write(now, srcs, from, srcs.length - from);
                });
                if (n < 0) {
                    throw writeFailure();
                }
                while (at < srcs.length && !srcs[at].hasRemaining()) {
                    at++;
                }
                if (at == srcs.length) {
                    return;
                }
                awaitQuietly(writers); // the send buffer is full: as write
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
                handle.cork(now, false);
                return null;
            });
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
            stack.onLoopQuietly(now -> {
                if (direction != Direction.READ) {
                    handle.shutdownWrite(now);
                }
                if (direction != Direction.WRITE) {
                    handle.shutdownRead(now);
                }
                return null;
            });
            readers.signal();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                stack.onLoopQuietly(now -> {
                    handle.close(now);
                    return null;
                });
            } catch (RuntimeException e) {
                // the stack is gone; its engine went with it
            }
            readers.signal();
            writers.signal();
        }

        /** Ends the connection with a reset: its handler failed. */
        void abort() {
            closed = true;
            try {
                stack.onLoopQuietly(now -> {
                    handle.abort(now);
                    return null;
                });
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
                case RESET -> new FlowException(FlowException.Reason.RESET, remote + " reset the connection");
                case TIMEOUT -> new FlowException(FlowException.Reason.TIMEOUT, "the connection to " + remote + " timed out");
                case REFUSED -> new FlowException(FlowException.Reason.REFUSED, remote + " refused the connection");
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
}
