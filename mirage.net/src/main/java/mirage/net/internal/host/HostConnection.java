package mirage.net.internal.host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import mirage.core.FlowException;
import mirage.core.spi.EventLoop;
import mirage.net.Tcp;

/**
 * A connection of the host-socket stack: a blocking {@link SocketChannel} used from virtual
 * threads, with {@link mirage.core.Flow}'s error rules: a failure is sticky (every later
 * operation throws the same reason), this side's own close or shutdown gives {@code CLOSED}, a
 * reset or broken pipe from the peer gives {@code RESET}.
 */
final class HostConnection implements Tcp.Connection {
    private final SocketChannel channel;
    private final Consumer<HostConnection> onClose;
    private final Tcp.Endpoint local;
    private final Tcp.Endpoint remote;
    private volatile Tcp.Options options;
    private volatile FlowException failure;
    private volatile boolean closed;
    private volatile boolean readShut;
    private volatile boolean writeShut;
    /** Corks not yet uncorked; the writer's (one writer at a time, {@link mirage.core.Flow}). */
    private int corks;
    /** What writes under a cork left, not yet sent; the writer's. Made on first need. */
    private ByteBuffer held;
    /** How much a cork holds before it writes anyway. */
    static final int HOLD = 64 * 1024;

    /** Where the idle timeout's checks run, on the loop's clock. */
    private final EventLoop loop;
    private final HostStack.TimeoutCounters counters;
    /** The loop time of the last progress: bytes (or the end) read, or a write the kernel took whole. */
    private volatile long lastProgress;
    /** The idle timeout in nanoseconds, 0 for none. */
    private volatile long idleNanos;
    /** Whether a check of the idle timeout is scheduled on the loop (at most one is). */
    private final AtomicBoolean idleCheckScheduled = new AtomicBoolean();
    /** The read timeout in milliseconds ({@code SO_TIMEOUT}), 0 for none. */
    private volatile int readTimeoutMillis;
    /** The reader's bytes when the read timeout is on and {@code dst} has no array; the reader's. */
    private byte[] readScratch;

    HostConnection(SocketChannel channel, Tcp.Options options, Consumer<HostConnection> onClose, EventLoop loop,
            HostStack.TimeoutCounters counters) throws FlowException {
        this.channel = channel;
        this.onClose = onClose;
        this.loop = loop;
        this.counters = counters;
        this.lastProgress = loop.now();
        try {
            InetSocketAddress l = (InetSocketAddress) channel.getLocalAddress();
            InetSocketAddress r = (InetSocketAddress) channel.getRemoteAddress();
            this.local = new Tcp.Endpoint(HostStack.address(l.getAddress()), l.getPort());
            this.remote = new Tcp.Endpoint(HostStack.address(r.getAddress()), r.getPort());
        } catch (IOException | NullPointerException e) {
            HostStack.closeQuietly(channel);
            throw new FlowException(FlowException.Reason.RESET, "the connection ended before it could be used", e);
        }
        options(options);
    }

    @Override
    public Tcp.Endpoint local() {
        return local;
    }

    @Override
    public Tcp.Endpoint remote() {
        return remote;
    }

    @Override
    public Tcp.Options options() {
        return options;
    }

    @Override
    public void options(Tcp.Options o) throws FlowException {
        Objects.requireNonNull(o, "options");
        check();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, o.noDelay());
            // keepalive timing is the host's (net.ipv4.tcp_keepalive_*): java.nio sets only the switch
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, o.keepalive() != null);
        } catch (IOException e) {
            throw fail(e);
        }
        Tcp.Options before = this.options;
        this.options = o;
        if (before == null || !before.readTimeout().equals(o.readTimeout())) {
            readTimeoutMillis = millis(o.readTimeout());
        }
        if (before == null || !before.idleTimeout().equals(o.idleTimeout())) {
            lastProgress = loop.now();
            idleNanos = saturatedNanos(o.idleTimeout());
            scheduleIdleCheck(lastProgress + idleNanos);
        }
    }

    /** Bounds each later read's wait ({@code SO_TIMEOUT} on the socket's stream); {@code ZERO}: no bound. */
    @Override
    public boolean readTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a read timeout is not negative: " + timeout);
        }
        readTimeoutMillis = millis(timeout);
        return true;
    }

    private static int millis(Duration d) {
        if (d.isZero()) {
            return 0;
        }
        long ms = saturatedNanos(d) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /**
     * The idle timeout, as the direct stack's engine keeps it: a check on the loop at the
     * deadline; if nothing moved since, the connection is reset (SO_LINGER 0) and fails with
     * TIMEOUT, else the check moves to the new deadline. One check at a time per connection.
     */
    private void scheduleIdleCheck(long deadline) {
        if (idleNanos <= 0 || closed || !idleCheckScheduled.compareAndSet(false, true)) {
            return;
        }
        loop.schedule(deadline, this::checkIdle);
    }

    private void checkIdle() {
        idleCheckScheduled.set(false);
        long idle = idleNanos;
        if (idle <= 0 || closed) {
            return;
        }
        long due = lastProgress + idle;
        if (loop.now() - due < 0) {
            scheduleIdleCheck(due);
            return;
        }
        counters.idleTimeouts.incrementAndGet();
        failure = new FlowException(FlowException.Reason.TIMEOUT, "nothing moved on the connection to " + remote + " for "
                + Duration.ofNanos(idle));
        abort();
    }

    private void progress() {
        if (idleNanos > 0) {
            lastProgress = loop.now();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws FlowException {
        if (!dst.hasRemaining()) {
            throw new IllegalArgumentException("read buffer has no space remaining");
        }
        check();
        if (readShut) {
            return EOF;
        }
        try {
            int n = readTimeoutMillis > 0 ? timedRead(dst) : channel.read(dst);
            progress();
            return n < 0 ? EOF : n;
        } catch (SocketTimeoutException e) {
            counters.readTimeouts.incrementAndGet();
            throw new FlowException(FlowException.Reason.TIMEOUT, "nothing from " + remote + " within the read timeout", e);
        } catch (IOException e) {
            if (readShut) {
                return EOF;
            }
            throw fail(e);
        }
    }

    /**
     * A read bounded by {@code SO_TIMEOUT}: java.nio's channels have no timed read, but the
     * socket adaptor's stream of a blocking channel honours it and stays usable after a timeout.
     */
    private int timedRead(ByteBuffer dst) throws IOException {
        java.net.Socket s = channel.socket();
        s.setSoTimeout(readTimeoutMillis);
        if (dst.hasArray()) {
            int n = s.getInputStream().read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        if (readScratch == null) {
            readScratch = new byte[8192];
        }
        int n = s.getInputStream().read(readScratch, 0, Math.min(readScratch.length, dst.remaining()));
        if (n > 0) {
            dst.put(readScratch, 0, n);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws FlowException {
        checkWritable();
        if (corks > 0) {
            hold(src);
            return;
        }
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
            progress();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /** One gathering {@code writev(2)} (as many as the kernel needs): the buffers leave together. */
    @Override
    public void writev(ByteBuffer... srcs) throws FlowException {
        checkWritable();
        if (corks > 0) {
            for (ByteBuffer b : srcs) {
                hold(b);
            }
            return;
        }
        try {
            long left = 0;
            for (ByteBuffer b : srcs) {
                left += b.remaining();
            }
            while (left > 0) {
                left -= channel.write(srcs);
            }
            progress();
        } catch (IOException e) {
            throw fail(e);
        }
    }

    /**
     * Java offers no {@code TCP_CORK}: writes under a cork are copied into a buffer of
     * {@value #HOLD} bytes that is written whenever it fills and at the outermost uncork, so a
     * message written in pieces reaches the kernel in one write.
     */
    @Override
    public void cork() throws FlowException {
        check();
        corks++;
    }

    @Override
    public void uncork() throws FlowException {
        if (corks == 0 || --corks > 0) {
            return;
        }
        check();
        sendHeld();
    }

    private void checkWritable() throws FlowException {
        check();
        if (writeShut) {
            throw new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " was shut down for writing");
        }
    }

    /** Copies {@code src} behind what is held, writing the held bytes whenever they fill {@value #HOLD}. */
    private void hold(ByteBuffer src) throws FlowException {
        while (src.hasRemaining()) {
            if (held == null) {
                held = ByteBuffer.allocate(HOLD);
            }
            int n = Math.min(held.remaining(), src.remaining());
            held.put(held.position(), src, src.position(), n);
            held.position(held.position() + n);
            src.position(src.position() + n);
            if (!held.hasRemaining()) {
                sendHeld();
            }
        }
    }

    /** Writes what the cork held back, if anything. */
    private void sendHeld() throws FlowException {
        if (held == null || held.position() == 0) {
            return;
        }
        held.flip();
        try {
            while (held.hasRemaining()) {
                channel.write(held);
            }
            progress();
        } catch (IOException e) {
            throw fail(e);
        } finally {
            held.clear();
        }
    }

    @Override
    public void shutdown(Direction direction) throws FlowException {
        Objects.requireNonNull(direction, "direction");
        check();
        try {
            if (direction != Direction.READ && !writeShut) {
                sendHeld();
                writeShut = true;
                channel.shutdownOutput();
            }
            if (direction != Direction.WRITE && !readShut) {
                readShut = true;
                channel.shutdownInput();
            }
        } catch (IOException e) {
            throw fail(e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (failure == null && !writeShut) {
            try {
                sendHeld(); // what a cork held back, as the kernel sends its own buffer before the FIN
            } catch (FlowException e) {
                // the connection failed: nothing more can be sent anyway
            }
        }
        closed = true;
        HostStack.closeQuietly(channel);
        onClose.accept(this);
    }

    /** Closes with a reset (SO_LINGER 0): a handler failed. */
    void abort() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            // closed already: close below does nothing more
        }
        close();
    }

    private void check() throws FlowException {
        FlowException f = failure;
        if (f != null) {
            throw new FlowException(f.reason(), f.getMessage());
        }
        if (closed) {
            throw new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " is closed");
        }
    }

    private FlowException fail(IOException e) {
        FlowException f0 = failure;
        if (f0 != null) {
            return new FlowException(f0.reason(), f0.getMessage(), e); // the idle timeout closed it under the call
        }
        if (closed || e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
            return new FlowException(FlowException.Reason.CLOSED, "the connection to " + remote + " is closed", e);
        }
        FlowException f = new FlowException(FlowException.Reason.RESET, "the connection to " + remote + " failed: " + e.getMessage(), e);
        failure = f;
        return f;
    }

    @Override
    public String toString() {
        return "HostConnection[" + local + " -> " + remote + "]";
    }
}
