package mirage.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import mirage.core.Flow;
import mirage.core.FlowException;

/**
 * Test-only: a {@link Flow} over a blocking host {@link SocketChannel}, until the project has a
 * host-socket stack. Enough for the git interop tests; not a model of error handling.
 */
final class SocketFlow implements Flow {
    private final SocketChannel channel;

    SocketFlow(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws FlowException {
        try {
            int n = channel.read(dst);
            return n < 0 ? EOF : n;
        } catch (IOException e) {
            throw new FlowException(FlowException.Reason.RESET, "socket read: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(ByteBuffer src) throws FlowException {
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        } catch (IOException e) {
            throw new FlowException(FlowException.Reason.RESET, "socket write: " + e.getMessage(), e);
        }
    }

    @Override
    public void shutdown(Direction direction) throws FlowException {
        try {
            if (direction != Direction.READ) {
                channel.shutdownOutput();
            }
            if (direction != Direction.WRITE) {
                channel.shutdownInput();
            }
        } catch (IOException e) {
            throw new FlowException(FlowException.Reason.RESET, "socket shutdown: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing to report
        }
    }
}
