package mirage.tls;

import java.nio.ByteBuffer;
import mirage.core.Flow;
import mirage.core.FlowException;

/** A transport that, once armed, flips the last bit of everything written through it. */
final class TamperingFlow implements Flow {
    private final Flow inner;
    volatile boolean armed;

    TamperingFlow(Flow inner) {
        this.inner = inner;
    }

    @Override
    public int read(ByteBuffer dst) throws FlowException {
        return inner.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws FlowException {
        if (armed && src.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
            copy.put(copy.limit() - 1, (byte) (copy.get(copy.limit() - 1) ^ 1));
            inner.write(copy);
        } else {
            inner.write(src);
        }
    }

    @Override
    public void shutdown(Direction direction) throws FlowException {
        inner.shutdown(direction);
    }

    @Override
    public void close() {
        inner.close();
    }
}
