package mirage.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import mirage.core.FlowException;

/** A body to send: none, bytes in memory, a stream of known length, or a chunked stream. */
public sealed interface Content {

    /** No body (Content-Length: 0 on a response; no body fields on a request). */
    record Empty() implements Content {}

    /** A body in memory: sent with its head as one {@code writev}. The array is not copied: do not change it while it is sent. */
    record Bytes(byte[] bytes) implements Content {
        public Bytes {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * A body of {@code length} bytes that {@code writer} writes, in pieces or at once: one piece
     * of the whole length leaves with the head as one {@code writev}; more pieces are corked with
     * the head. The writer must write exactly {@code length} bytes (fewer, and the connection is
     * closed after it, since the message cannot be completed).
     */
    record Sized(long length, Writer writer) implements Content {
        public Sized {
            if (length < 0) {
                throw new IllegalArgumentException("a body length is not negative: " + length);
            }
            Objects.requireNonNull(writer, "writer");
        }
    }

    /** A body of unknown length, sent in the chunked coding (RFC 9112 section 7.1): each write one chunk. */
    record Chunked(Writer writer) implements Content {
        public Chunked {
            Objects.requireNonNull(writer, "writer");
        }
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    interface Writer {
        /** Writes the body to {@code sink}. */
        void writeTo(BodySink sink) throws FlowException;
    }

    /** No body. */
    static Content empty() {
        return new Empty();
    }

    /** {@code bytes} as the body. */
    static Content of(byte[] bytes) {
        return new Bytes(bytes);
    }

    /** {@code text} in UTF-8 as the body. */
    static Content of(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
