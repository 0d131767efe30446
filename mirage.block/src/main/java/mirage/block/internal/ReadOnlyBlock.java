package mirage.block.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import mirage.block.Block;
import mirage.block.BlockException;

/** A read-only view: reads pass through, writes and discards fail. */
public final class ReadOnlyBlock implements Block {
    private final Block device;
    private final Info info;
    private volatile boolean closed;

    public ReadOnlyBlock(Block device) {
        this.device = Objects.requireNonNull(device, "device");
        Info under = device.info();
        this.info = new Info(under.sectorSize(), under.sizeSectors(), false);
    }

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        Checks.open(closed);
        device.read(sectorOffset, buffers);
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        Objects.requireNonNull(buffers, "buffers");
        Checks.open(closed);
        Checks.writable(info);
    }

    @Override
    public void flush() throws BlockException {
        Checks.open(closed);
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        Checks.open(closed);
        Checks.writable(info);
    }

    @Override
    public void close() {
        closed = true;
    }
}
