package mirage.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * A request body as it arrives, de-chunked. Read it from the handler's thread while the handler
 * runs; what the handler leaves unread the server reads and drops (or, if it is more than the
 * server's limit or the client waits for {@code 100 Continue}, closes the connection after the
 * response). The server answers {@code Expect: 100-continue} when the body is first read.
 */
public interface Body {

    /** The body's length from Content-Length; -1 for a chunked body, whose length is known at its end. */
    long length();

    /**
     * Reads body bytes into {@code dst}.
     *
     * @return the number of bytes read, at least 1, or {@link Flow#EOF} at the body's end
     * @throws FlowException {@code PROTOCOL} if the body is malformed (bad chunked coding), longer
     *     than the server's limit, or cut short by the connection's end; {@code TIMEOUT} if the
     *     server's body timeout passed with no bytes; the flow's own failures
     * @throws IllegalArgumentException if {@code dst} has no space remaining
     */
    int read(ByteBuffer dst) throws FlowException;

    /**
     * The whole body (the server's limit bounds it).
     *
     * @throws FlowException as {@link #read}
     */
    default byte[] readAll() throws FlowException {
        long length = length();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length > 0 && length < (1 << 20) ? (int) length : 1024);
        ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
        while (read(chunk.clear()) != Flow.EOF) {
            out.write(chunk.array(), 0, chunk.position());
        }
        return out.toByteArray();
    }
}
