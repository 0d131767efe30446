package mirage.block.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import mirage.block.Block;
import mirage.block.BlockException;

/** A view of consecutive sectors of another device, renumbered from 0. */
public final class SubRangeBlock implements Block {
    private final Block device;
    private final long start;
    private final Info info;
    private volatile boolean closed;

    public SubRangeBlock(Block device, long start, long sectors) {
        this.device = Objects.requireNonNull(device, "device");
        Info under = device.info();
        if (start < 0 || sectors < 0 || start > under.sizeSectors() - sectors) {
            throw new IllegalArgumentException(sectors + " sectors from sector " + start
                    + " do not lie within a device of " + under.sizeSectors() + " sectors");
        }
        this.start = start;
        this.info = new Info(under.sectorSize(), sectors, under.readWrite());
    }

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        Checks.open(closed);
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        device.read(start + sectorOffset, buffers);
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        Checks.open(closed);
        Checks.writable(info);
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        device.write(start + sectorOffset, buffers);
    }

    @Override
    public void flush() throws BlockException {
        Checks.open(closed);
        device.flush();
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        Checks.open(closed);
        Checks.writable(info);
        Checks.range(info, sectorOffset, sectors);
        device.discard(start + sectorOffset, sectors);
    }

    @Override
    public void close() {
        closed = true;
    }
}
