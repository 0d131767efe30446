package mirage.http.internal.binding;

import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.http.BodySink;
import mirage.http.Content;
import mirage.http.internal.wire.Heads;

/** Writing a message's head and streamed body, for the server's responses and the client's requests alike. */
final class Bodies {
    private Bodies() {}

    /**
     * Writes {@code head} (if not null) and the {@code length} bytes {@code writer} writes: one
     * piece of the whole length leaves with the head as one writev; more pieces are corked with
     * it. Whether the writer wrote the whole length (fewer: the message cannot be completed).
     *
     * @throws IllegalStateException if the writer writes more than {@code length}
     */
    static boolean writeSized(Flow flow, byte[] head, long length, Content.Writer writer) throws FlowException {
        SizedSink sink = new SizedSink(flow, head, length);
        try {
            writer.writeTo(sink);
        } finally {
            sink.uncork();
        }
        return sink.finish();
    }

    /**
     * Writes {@code head} and the body {@code writer} writes, corked together (no piece's short
     * tail waits for the peer's ACK): each piece one chunk and the last chunk after them, or,
     * {@code raw}, the bytes as they are (a body that ends with the connection).
     */
    static void writeChunked(Flow flow, byte[] head, Content.Writer writer, boolean raw) throws FlowException {
        flow.cork();
        try {
            flow.write(ByteBuffer.wrap(head));
            writer.writeTo(raw ? flow::write : new ChunkSink(flow));
            if (!raw) {
                flow.write(ByteBuffer.wrap(Heads.LAST_CHUNK));
            }
        } finally {
            flow.uncork();
        }
    }

    /** A body of known length: one piece of the whole length leaves with the head in one writev. */
    static final class SizedSink implements BodySink {
        private final Flow flow;
        private byte[] head;
        private long left;
        private boolean corked;

        SizedSink(Flow flow, byte[] head, long length) {
            this.flow = flow;
            this.head = head;
            this.left = length;
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            int n = src.remaining();
            if (n > left) {
                throw new IllegalStateException("the body is longer than its length: " + n + " bytes with " + left + " left");
            }
            left -= n;
            if (head == null) {
                flow.write(src);
                return;
            }
            byte[] h = head;
            head = null;
            if (left > 0) {
                flow.cork(); // a body in pieces: corked, so that no piece's short tail waits for the peer's ACK
                corked = true;
            }
            flow.writev(ByteBuffer.wrap(h), src);
        }

        /** Ends the cork taken for a body in pieces, if any. */
        void uncork() throws FlowException {
            if (corked) {
                corked = false;
                flow.uncork();
            }
        }

        /** Sends the head if nothing was written; whether the whole length was written. */
        boolean finish() throws FlowException {
            if (head != null) {
                flow.write(ByteBuffer.wrap(head));
                head = null;
            }
            return left == 0;
        }
    }

    /** Each write one chunk: size line, data and line end in one writev. */
    record ChunkSink(Flow flow) implements BodySink {
        @Override
        public void write(ByteBuffer src) throws FlowException {
            if (src.hasRemaining()) { // a zero-size chunk would end the body
                flow.writev(ByteBuffer.wrap(Heads.chunkStart(src.remaining())), src, ByteBuffer.wrap(Heads.CRLF));
            }
        }
    }
}
