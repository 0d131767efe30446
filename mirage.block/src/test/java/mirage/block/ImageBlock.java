package mirage.block;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.block.BlockException.Reason;

/**
 * A read-only test disk of any size over a byte array: sectors past the array read as zeros.
 * It records any read outside the disk, which a parser must never make.
 */
final class ImageBlock implements Block {
    private final byte[] image;
    private final Info info;
    boolean readOutside;
    long sectorsRead;

    ImageBlock(byte[] image, int sectorSize, long sectors) {
        this.image = image;
        this.info = new Info(sectorSize, sectors, false);
    }

    @Override
    public Info info() {
        return info;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        long total = 0;
        for (ByteBuffer b : buffers) {
            if (b.remaining() % info.sectorSize() != 0) {
                throw new BlockException(Reason.MISALIGNED, "misaligned");
            }
            total += b.remaining() / info.sectorSize();
        }
        if (sectorOffset < 0 || sectorOffset > info.sizeSectors() - total) {
            readOutside = true;
            throw new BlockException(Reason.OUT_OF_RANGE, "read outside the disk");
        }
        sectorsRead += total;
        long at = sectorOffset * info.sectorSize();
        for (ByteBuffer b : buffers) {
            while (b.hasRemaining()) {
                b.put(at < image.length ? image[(int) at] : 0);
                at++;
            }
        }
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        throw new BlockException(Reason.READ_ONLY, "read-only");
    }

    @Override
    public void flush() {}

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        throw new BlockException(Reason.READ_ONLY, "read-only");
    }

    @Override
    public void close() {}
}
