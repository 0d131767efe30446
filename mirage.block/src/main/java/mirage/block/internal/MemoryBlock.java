package mirage.block.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import mirage.block.Block;
import mirage.block.BlockException;

/**
 * A device on the heap, in chunks of {@link #CHUNK} bytes allocated on first write (a chunk
 * never written reads as zeros). A chunk is a whole number of sectors, so no sector straddles
 * two chunks.
 */
public final class MemoryBlock implements Block {
    static final int CHUNK_SHIFT = 20;
    static final int CHUNK = 1 << CHUNK_SHIFT;

    private final Info info;
    private volatile AtomicReferenceArray<byte[]> chunks;

    public MemoryBlock(Info info) {
        this.info = info;
        long count = (info.sizeBytes() + CHUNK - 1) >>> CHUNK_SHIFT;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a memory device of " + info.sizeBytes() + " bytes is too large");
        }
        this.chunks = new AtomicReferenceArray<>((int) count);
    }

    @Override
    public Info info() {
        return info;
    }

    private AtomicReferenceArray<byte[]> chunks() throws BlockException {
        AtomicReferenceArray<byte[]> c = chunks;
        if (c == null) {
            throw Checks.disconnected();
        }
        return c;
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        AtomicReferenceArray<byte[]> c = chunks();
        Checks.range(info, sectorOffset, Checks.sectors(info, buffers));
        Checks.intoWritable(buffers);
        long at = sectorOffset * info.sectorSize();
        for (int i = 0, n = buffers.size(); i < n; i++) {
            ByteBuffer b = buffers.get(i);
            while (b.hasRemaining()) {
                int index = (int) (at >>> CHUNK_SHIFT);
                int within = (int) (at & (CHUNK - 1));
                int len = Math.min(b.remaining(), CHUNK - within);
                byte[] chunk = c.get(index);
                if (chunk == null) {
                    int end = b.position() + len;
                    for (int p = b.position(); p < end; p++) {
                        b.put(p, (byte) 0);
                    }
                    b.position(end);
                } else {
                    b.put(chunk, within, len);
                }
                at += len;
            }
        }
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        AtomicReferenceArray<byte[]> c = chunks();
        long sectors = Checks.sectors(info, buffers);
        Checks.range(info, sectorOffset, sectors);
        long at = sectorOffset * info.sectorSize();
        for (int i = 0, n = buffers.size(); i < n; i++) {
            ByteBuffer b = buffers.get(i);
            while (b.hasRemaining()) {
                int index = (int) (at >>> CHUNK_SHIFT);
                int within = (int) (at & (CHUNK - 1));
                int len = Math.min(b.remaining(), CHUNK - within);
                b.get(chunk(c, index), within, len);
                at += len;
            }
        }
    }

    private byte[] chunk(AtomicReferenceArray<byte[]> c, int index) {
        byte[] chunk = c.get(index);
        if (chunk == null) {
            long start = (long) index << CHUNK_SHIFT;
            int size = (int) Math.min(CHUNK, info.sizeBytes() - start);
            byte[] fresh = new byte[size];
            chunk = c.compareAndExchange(index, null, fresh);
            if (chunk == null) {
                chunk = fresh;
            }
        }
        return chunk;
    }

    @Override
    public void flush() throws BlockException {
        chunks();
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        AtomicReferenceArray<byte[]> c = chunks();
        Checks.range(info, sectorOffset, sectors);
        long at = sectorOffset * info.sectorSize();
        long end = at + sectors * info.sectorSize();
        while (at < end) {
            int index = (int) (at >>> CHUNK_SHIFT);
            int within = (int) (at & (CHUNK - 1));
            int len = (int) Math.min(end - at, CHUNK - within);
            byte[] chunk = c.get(index);
            if (chunk != null) {
                if (len == chunk.length) {
                    c.set(index, null);
                } else {
                    Arrays.fill(chunk, within, within + len, (byte) 0);
                }
            }
            at += len;
        }
    }

    @Override
    public void close() {
        chunks = null;
    }
}
