package mirage.http;

import java.nio.ByteBuffer;
import mirage.core.FlowException;

/** Where a {@link Content} writes its body: the connection, through the message's framing. */
public interface BodySink {
    /**
     * Writes every remaining byte of {@code src} as the body's next bytes. The buffer is borrowed
     * for the call only.
     *
     * @throws FlowException as {@code Flow.write}
     * @throws IllegalStateException if a {@link Content.Sized} body is written beyond its length
     */
    void write(ByteBuffer src) throws FlowException;
}
