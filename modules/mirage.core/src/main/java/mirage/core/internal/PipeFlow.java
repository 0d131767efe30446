package mirage.core.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * One end of an in-memory pipe: two bounded byte queues, one per direction, shared with the
 * other end. Blocking is on a lock and conditions, so readers and writers park cheaply on
 * virtual threads. Semantics follow a TCP connection: {@code shutdown(WRITE)} is a FIN (the
 * peer reads what was buffered, then end of stream); {@code close} is an abortive close (the
 * peer's reads see what was buffered then end of stream, its writes fail with
 * {@link FlowException.Reason#RESET}); this end's operations after {@code close} fail with
 * {@link FlowException.Reason#CLOSED}.
 */
public final class PipeFlow implements Flow {

    /** One direction: a ring of bytes with its writer's and reader's states. */
    private static final class Channel {
        final byte[] ring;
        int head;
        int size;
        boolean writerDone; // FIN or abort from the writing end
        boolean readerGone; // the reading end closed or shut down its read half

        Channel(int capacity) {
            this.ring = new byte[capacity];
        }
    }

    private final ReentrantLock lock;
    private final Condition changed;
    private final Channel in;
    private final Channel out;
    private final String name;
    private boolean closed;
    private boolean writeShut;
    private boolean readShut;
    /** The read timeout in nanoseconds; 0 for none. */
    private volatile long readTimeoutNanos;

    private PipeFlow(ReentrantLock lock, Condition changed, Channel in, Channel out, String name) {
        this.lock = lock;
        this.changed = changed;
        this.in = in;
        this.out = out;
        this.name = name;
    }

    /** Two connected ends, each direction buffering up to {@code capacity} bytes. */
    public static Flow[] pair(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pipe capacity must be at least 1 byte, not " + capacity);
        }
        ReentrantLock lock = new ReentrantLock();
        Condition changed = lock.newCondition();
        Channel ab = new Channel(capacity);
        Channel ba = new Channel(capacity);
        return new Flow[] {new PipeFlow(lock, changed, ba, ab, "left"), new PipeFlow(lock, changed, ab, ba, "right")};
    }

    @Override
    public int read(ByteBuffer dst) throws FlowException {
        Objects.requireNonNull(dst, "dst");
        if (!dst.hasRemaining()) {
            throw new IllegalArgumentException("read buffer has no space remaining");
        }
        long waited = 0;
        boolean interrupted = false;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new FlowException(FlowException.Reason.CLOSED, "pipe end " + name + " is closed");
                }
                if (readShut) {
                    return EOF;
                }
                if (in.size > 0) {
                    int n = Math.min(dst.remaining(), in.size);
                    int first = Math.min(n, in.ring.length - in.head);
                    dst.put(in.ring, in.head, first);
                    dst.put(in.ring, 0, n - first);
                    in.head = (in.head + n) % in.ring.length;
                    in.size -= n;
                    changed.signalAll();
                    return n;
                }
                if (in.writerDone) {
                    return EOF;
                }
                long timeout = readTimeoutNanos;
                if (timeout == 0) {
                    changed.awaitUninterruptibly();
                } else if (waited >= timeout) {
                    throw new FlowException(FlowException.Reason.TIMEOUT,
                            "pipe end " + name + ": no bytes within " + Duration.ofNanos(timeout));
                } else {
                    long before = System.nanoTime();
                    try {
                        changed.awaitNanos(timeout - waited);
                    } catch (InterruptedException e) {
                        interrupted = true; // as the untimed wait: not abandoned; restored on return
                    }
                    waited += System.nanoTime() - before;
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Applied: a read waits at most {@code timeout} for bytes (on the host's clock). */
    @Override
    public boolean readTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("a read timeout cannot be negative: " + timeout);
        }
        readTimeoutNanos = timeout.toNanos();
        return true;
    }

    @Override
    public void write(ByteBuffer src) throws FlowException {
        Objects.requireNonNull(src, "src");
        lock.lock();
        try {
            while (src.hasRemaining()) {
                checkWritable();
                int free = out.ring.length - out.size;
                if (free == 0) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                int n = Math.min(free, src.remaining());
                int tail = (out.head + out.size) % out.ring.length;
                int first = Math.min(n, out.ring.length - tail);
                src.get(out.ring, tail, first);
                src.get(out.ring, 0, n - first);
                out.size += n;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkWritable() throws FlowException {
        if (closed) {
            throw new FlowException(FlowException.Reason.CLOSED, "pipe end " + name + " is closed");
        }
        if (writeShut) {
            throw new FlowException(FlowException.Reason.CLOSED, "pipe end " + name + " was shut down for writing");
        }
        if (out.readerGone) {
            throw new FlowException(FlowException.Reason.RESET, "the other end of the pipe stopped reading");
        }
    }

    @Override
    public void shutdown(Direction direction) throws FlowException {
        Objects.requireNonNull(direction, "direction");
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (direction != Direction.READ) {
                writeShut = true;
                out.writerDone = true;
            }
            if (direction != Direction.WRITE) {
                readShut = true;
                in.readerGone = true;
                in.size = 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            out.writerDone = true;
            in.readerGone = true;
            in.size = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes written by the other end and not yet read here (for tests and statistics). */
    public int available() {
        lock.lock();
        try {
            return in.size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PipeFlow[" + name + "]";
    }
}
