package mirage.testkit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import mirage.core.Flow;
import mirage.core.FlowException;

/** {@code HostFlows.of}: a blocking socket channel as a flow. */
public final class SocketChannelFlow implements Flow {
    private final SocketChannel channel;

    public SocketChannelFlow(SocketChannel channel) {
        this.channel = Objects.requireNonNull(channel, "channel");
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
        writev(src);
    }

    @Override
    public void writev(ByteBuffer... srcs) throws FlowException {
        try {
            long left = 0;
            for (ByteBuffer b : srcs) {
                left += b.remaining();
            }
            while (left > 0) {
                left -= channel.write(srcs);
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
