package mirage.block.internal.tar;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;

/**
 * Byte-addressed reads and writes over a {@link Block}: a range that does not start or end on
 * a sector boundary is read (and, for a write, read, patched and written back) as the whole
 * sectors covering it. Every access is checked against the device's size before the device
 * is called, so nothing here reads outside it.
 *
 * <p>Not thread-safe for writes (the append-only store serialises them); reads may run
 * concurrently.
 */
final class ByteDevice {
    /** The most bytes moved by one device call. */
    static final int CHUNK = 1 << 20;

    private final Block block;
    private final int sectorSize;
    private final long sizeBytes;

    ByteDevice(Block block) {
        this.block = block;
        this.sectorSize = block.info().sectorSize();
        this.sizeBytes = block.info().sizeBytes();
    }

    long size() {
        return sizeBytes;
    }

    int sectorSize() {
        return sectorSize;
    }

    boolean readWrite() {
        return block.info().readWrite();
    }

    /** Reads {@code len} bytes at {@code pos} into {@code dst[off..]}. */
    void read(long pos, byte[] dst, int off, int len) throws BlockException {
        checkRange(pos, len);
        while (len > 0) {
            long first = pos / sectorSize;
            int skip = (int) (pos - first * sectorSize);
            int span = (int) Math.min(CHUNK, roundUp(skip + (long) len));
            int take = Math.min(len, span - skip);
            if (skip == 0 && take == span) {
                block.read(first, List.of(ByteBuffer.wrap(dst, off, take)));
            } else {
                byte[] tmp = new byte[span];
                block.read(first, List.of(ByteBuffer.wrap(tmp)));
                System.arraycopy(tmp, skip, dst, off, take);
            }
            pos += take;
            off += take;
            len -= take;
        }
    }

    /** Writes {@code src[off..off+len)} at {@code pos}, keeping the other bytes of partly covered sectors. */
    void write(long pos, byte[] src, int off, int len) throws BlockException {
        checkRange(pos, len);
        while (len > 0) {
            long first = pos / sectorSize;
            int skip = (int) (pos - first * sectorSize);
            int span = (int) Math.min(CHUNK, roundUp(skip + (long) len));
            int put = Math.min(len, span - skip);
            if (skip == 0 && put == span) {
                block.write(first, List.of(ByteBuffer.wrap(src, off, put)));
            } else {
                byte[] tmp = new byte[span];
                block.read(first, List.of(ByteBuffer.wrap(tmp)));
                System.arraycopy(src, off, tmp, skip, put);
                block.write(first, List.of(ByteBuffer.wrap(tmp)));
            }
            pos += put;
            off += put;
            len -= put;
        }
    }

    void flush() throws BlockException {
        block.flush();
    }

    private long roundUp(long n) {
        return (n + sectorSize - 1) / sectorSize * sectorSize;
    }

    private void checkRange(long pos, int len) {
        if (pos < 0 || len < 0 || pos > sizeBytes - len) {
            // A bug in this package, never a property of the archive: callers check first.
            throw new IllegalStateException("bytes " + pos + "+" + len + " lie outside the device of " + sizeBytes + " bytes");
        }
    }
}
