package mirage.block.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.BlockException.Reason;

/**
 * Checks every call's preconditions before the wrapped device sees it, and turns anything
 * unchecked the device throws into an {@link Reason#IO} error.
 */
public final class CheckedBlock implements Block {
    private final Block device;
    private final Info info;
    private volatile boolean closed;

    public CheckedBlock(Block device) {
        this.device = Objects.requireNonNull(device, "device");
        this.info = Objects.requireNonNull(device.info(), "the device's info");
    }

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        Objects.requireNonNull(buffers, "buffers");
        buffers.forEach(b -> Objects.requireNonNull(b, "a buffer"));
        Checks.open(closed);
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        Checks.intoWritable(buffers);
        try {
            device.read(sectorOffset, buffers);
        } catch (RuntimeException e) {
            throw unchecked("read", e);
        }
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        Objects.requireNonNull(buffers, "buffers");
        buffers.forEach(b -> Objects.requireNonNull(b, "a buffer"));
        Checks.open(closed);
        Checks.writable(info);
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        try {
            device.write(sectorOffset, buffers);
        } catch (RuntimeException e) {
            throw unchecked("write", e);
        }
    }

    @Override
    public void flush() throws BlockException {
        Checks.open(closed);
        try {
            device.flush();
        } catch (RuntimeException e) {
            throw unchecked("flush", e);
        }
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        Checks.open(closed);
        Checks.writable(info);
        Checks.range(info, sectorOffset, sectors);
        try {
            device.discard(sectorOffset, sectors);
        } catch (RuntimeException e) {
            throw unchecked("discard", e);
        }
    }

    private static BlockException unchecked(String op, RuntimeException e) {
        return new BlockException(Reason.IO, "the device's " + op + " failed: " + e, e);
    }

    @Override
    public void close() {
        closed = true;
    }
}
