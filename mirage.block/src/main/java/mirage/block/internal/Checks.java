package mirage.block.internal;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.BlockException.Reason;

/** The precondition checks every device in this module makes before touching its store. */
public final class Checks {
    private Checks() {}

    /**
     * The number of sectors {@code buffers} cover.
     *
     * @throws BlockException {@link Reason#MISALIGNED} if a buffer is not whole sectors
     */
    public static long sectors(Block.Info info, List<ByteBuffer> buffers) throws BlockException {
        int mask = info.sectorSize() - 1;
        int shift = Integer.numberOfTrailingZeros(info.sectorSize());
        long total = 0;
        for (int i = 0, n = buffers.size(); i < n; i++) {
            int remaining = buffers.get(i).remaining();
            if ((remaining & mask) != 0) {
                throw new BlockException(Reason.MISALIGNED, "buffer " + i + " has " + remaining
                        + " bytes remaining, not a whole number of " + info.sectorSize() + "-byte sectors");
            }
            total += remaining >>> shift;
        }
        return total;
    }

    /** @throws BlockException {@link Reason#OUT_OF_RANGE} unless the sectors lie within the device */
    public static void range(Block.Info info, long sectorOffset, long sectors) throws BlockException {
        if (sectorOffset < 0 || sectors < 0 || sectorOffset > info.sizeSectors() - sectors) {
            throw new BlockException(Reason.OUT_OF_RANGE, sectors + " sectors at sector " + sectorOffset
                    + " do not lie within the device's " + info.sizeSectors() + " sectors");
        }
    }

    /** @throws BlockException {@link Reason#DISCONNECTED} if {@code closed} */
    public static void open(boolean closed) throws BlockException {
        if (closed) {
            throw disconnected();
        }
    }

    /** A {@link Reason#DISCONNECTED} error. */
    public static BlockException disconnected() {
        return new BlockException(Reason.DISCONNECTED, "the device is closed");
    }

    /** @throws BlockException {@link Reason#READ_ONLY} unless the device is read-write */
    public static void writable(Block.Info info) throws BlockException {
        if (!info.readWrite()) {
            throw new BlockException(Reason.READ_ONLY, "the device is read-only");
        }
    }

    /** @throws java.nio.ReadOnlyBufferException if a buffer with space remaining is read-only */
    public static void intoWritable(List<ByteBuffer> buffers) {
        for (int i = 0, n = buffers.size(); i < n; i++) {
            ByteBuffer b = buffers.get(i);
            if (b.isReadOnly() && b.hasRemaining()) {
                throw new java.nio.ReadOnlyBufferException();
            }
        }
    }
}
