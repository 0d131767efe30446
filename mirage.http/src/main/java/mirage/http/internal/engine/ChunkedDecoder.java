package mirage.http.internal.engine;

import java.nio.ByteBuffer;

/**
 * Decodes the chunked transfer coding (RFC 9112 section 7.1) from bytes as they arrive, in any
 * pieces: chunk sizes in hex with optional extensions (ignored), chunk data, the last chunk of
 * size 0, then trailer fields (ignored) up to the empty line. Bounded: a size line or trailer
 * line of at most {@value #MAX_LINE} bytes, a chunk of at most 2^60 bytes. Not thread-safe.
 */
public final class ChunkedDecoder {
    /** The longest chunk-size line or trailer line accepted. */
    public static final int MAX_LINE = 4096;

    /** Malformed chunked coding. */
    public static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

    private State state = State.SIZE;
    private final StringBuilder line = new StringBuilder();
    private long left;

    /** Where decoded body bytes go. */
    @FunctionalInterface
    public interface Sink {
        /** Takes {@code data}'s remaining bytes (a view valid during the call). */
        void accept(ByteBuffer data);
    }

    /** Whether the last chunk and the trailer have been read: the body is complete. */
    public boolean done() {
        return state == State.DONE;
    }

    /**
     * Decodes what it can of {@code in} (its position moves past what was consumed), handing
     * body bytes to {@code sink}. Stops at the end of the body: bytes after it stay in
     * {@code in}.
     *
     * @throws MalformedException if the bytes are not the chunked coding
     */
    public void feed(ByteBuffer in, Sink sink) throws MalformedException {
        run(in, sink, Long.MAX_VALUE);
    }

    /**
     * As {@link #feed}, the body bytes copied into {@code out}, at most as many as it has room
     * for: decoding stops when {@code out} is full (the rest stays in {@code in}).
     *
     * @throws MalformedException if the bytes are not the chunked coding
     */
    public void decode(ByteBuffer in, ByteBuffer out) throws MalformedException {
        run(in, out::put, out.remaining());
    }

    private void run(ByteBuffer in, Sink sink, long budget) throws MalformedException {
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case SIZE -> {
                    if (readLine(in)) {
                        left = size(line);
                        line.setLength(0);
                        state = left == 0 ? State.TRAILER : State.DATA;
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(Math.min(left, in.remaining()), budget);
                    if (n == 0) {
                        return; // the caller's room is full
                    }
                    budget -= n;
                    ByteBuffer data = in.slice(in.position(), n);
                    in.position(in.position() + n);
                    left -= n;
                    sink.accept(data);
                    if (left == 0) {
                        state = State.DATA_END;
                    }
                }
                case DATA_END -> {
                    if (readLine(in)) {
                        if (!line.isEmpty()) {
                            throw new MalformedException("chunk data longer than its size");
                        }
                        state = State.SIZE;
                    }
                }
                case TRAILER -> {
                    if (readLine(in)) {
                        boolean empty = line.isEmpty();
                        line.setLength(0);
                        if (empty) {
                            state = State.DONE;
                        }
                    }
                }
                case DONE -> { }
            }
        }
    }

    /** Adds bytes of {@code in} to {@link #line} up to a line end (CRLF or LF, not kept); true at its end. */
    private boolean readLine(ByteBuffer in) throws MalformedException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                if (!line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                    line.setLength(line.length() - 1);
                }
                return true;
            }
            if (line.length() >= MAX_LINE) {
                throw new MalformedException("a chunk-size or trailer line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
        return false;
    }

    /** chunk-size [ chunk-ext ]: hex digits, then optional whitespace and extensions. */
    private static long size(CharSequence s) throws MalformedException {
        long n = 0;
        int i = 0;
        for (; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                break;
            }
            if (i >= 15) {
                throw new MalformedException("a chunk larger than 2^60 bytes");
            }
            n = n << 4 | d;
        }
        if (i == 0) {
            throw new MalformedException("no chunk size: " + printable(s));
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ';') {
                return n; // chunk extensions: ignored
            }
            if (c != ' ' && c != '\t') {
                throw new MalformedException("malformed chunk size: " + printable(s));
            }
        }
        return n;
    }

    /** {@code s} with control characters escaped and cut to 80 characters, for messages. */
    private static String printable(CharSequence s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }
}
