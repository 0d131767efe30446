package mirage.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * A flow that plays a client's bytes, piece by piece, and records what is written to it and how
 * (each {@code write}, {@code writev}, {@code cork}, {@code uncork}, {@code shutdown} and the
 * read timeouts set). A {@link #SILENCE} piece is a client that sends nothing for longer than
 * the read timeout: the read throws {@code TIMEOUT} if a timeout is set, and fails the test if
 * none is (a real flow would wait for ever). Single-threaded, as the server is.
 */
final class ScriptedFlow implements Flow {
    /** A pause longer than any read timeout. */
    static final byte[] SILENCE = new byte[0];

    private final Deque<byte[]> pieces = new ArrayDeque<>();
    private final boolean timeouts;
    private Duration readTimeout = Duration.ZERO;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    /** The operations in order: {@code write N}, {@code writev N+M}, {@code cork}, {@code uncork}, {@code shutdown WRITE}, {@code timeout PT..}. */
    final List<String> ops = new ArrayList<>();
    private boolean writeShut;

    ScriptedFlow(boolean timeouts, byte[]... pieces) {
        this.timeouts = timeouts;
        this.pieces.addAll(List.of(pieces));
    }

    static ScriptedFlow of(String... pieces) {
        byte[][] b = new byte[pieces.length][];
        for (int i = 0; i < pieces.length; i++) {
            b[i] = pieces[i] == null ? SILENCE : pieces[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new ScriptedFlow(true, b);
    }

    String output() {
        return written.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public int read(ByteBuffer dst) throws FlowException {
        byte[] p = pieces.peekFirst();
        if (p == null) {
            return EOF;
        }
        if (p == SILENCE) {
            pieces.removeFirst();
            if (!timeouts || readTimeout.isZero()) {
                throw new AssertionError("a read without a timeout met a silent client: it would wait for ever");
            }
            throw new FlowException(FlowException.Reason.TIMEOUT, "silent for " + readTimeout);
        }
        int n = Math.min(p.length, dst.remaining());
        dst.put(p, 0, n);
        pieces.removeFirst();
        if (n < p.length) {
            pieces.addFirst(java.util.Arrays.copyOfRange(p, n, p.length));
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws FlowException {
        ops.add("write " + src.remaining());
        take(src);
    }

    @Override
    public void writev(ByteBuffer... srcs) throws FlowException {
        StringBuilder b = new StringBuilder("writev ");
        for (int i = 0; i < srcs.length; i++) {
            b.append(i == 0 ? "" : "+").append(srcs[i].remaining());
        }
        ops.add(b.toString());
        for (ByteBuffer s : srcs) {
            take(s);
        }
    }

    private void take(ByteBuffer src) throws FlowException {
        if (writeShut) {
            throw new FlowException(FlowException.Reason.CLOSED, "written after shutdown");
        }
        byte[] b = new byte[src.remaining()];
        src.get(b);
        written.writeBytes(b);
    }

    @Override
    public void cork() {
        ops.add("cork");
    }

    @Override
    public void uncork() {
        ops.add("uncork");
    }

    @Override
    public boolean readTimeout(Duration timeout) {
        if (!timeouts) {
            return false;
        }
        readTimeout = timeout;
        ops.add("timeout " + timeout);
        return true;
    }

    @Override
    public void shutdown(Direction direction) {
        ops.add("shutdown " + direction);
        if (direction != Direction.READ) {
            writeShut = true;
        }
    }

    @Override
    public void close() {
        ops.add("close");
    }

    /** The operations other than timeouts. */
    List<String> writes() {
        return ops.stream().filter(o -> !o.startsWith("timeout")).toList();
    }
}
