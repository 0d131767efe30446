package mirage.block.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import mirage.block.BlockException;
import mirage.block.BlockException.Reason;
import mirage.block.Fault;
import mirage.block.FaultyBlock;

/** Injects one fault into the writes passing through to a device. */
public final class FaultyDevice implements FaultyBlock {
    private final mirage.block.Block device;
    private final Fault fault;
    private final long faultIndex;
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean faulted;
    private volatile boolean crashed;
    private volatile boolean closed;

    public FaultyDevice(mirage.block.Block device, Fault fault) {
        this.device = Objects.requireNonNull(device, "device");
        this.fault = Objects.requireNonNull(fault, "fault");
        this.faultIndex = switch (fault) {
            case Fault.FailWrite f -> f.writeIndex();
            case Fault.TearWrite t -> t.writeIndex();
            case Fault.SeededTear s -> s.writeIndex();
        };
    }

    @Override
    public Info info() {
        return device.info();
    }

    @Override
    public long writes() {
        return writes.get();
    }

    @Override
    public boolean faulted() {
        return faulted;
    }

    private void usable() throws BlockException {
        if (closed) {
            throw Checks.disconnected();
        }
        if (crashed) {
            throw new BlockException(Reason.DISCONNECTED, "the device crashed at an injected torn write");
        }
    }

    @Override
    public void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        usable();
        device.read(sectorOffset, buffers);
    }

    @Override
    public void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException {
        long index = writes.getAndIncrement();
        usable();
        if (index != faultIndex) {
            device.write(sectorOffset, buffers);
            return;
        }
        Info info = device.info();
        Checks.writable(info);
        long sectors = Checks.sectors(info, buffers);
        Checks.range(info, sectorOffset, sectors);
        faulted = true;
        long length = sectors * info.sectorSize();
        long kept = switch (fault) {
            case Fault.FailWrite f -> -1;
            case Fault.TearWrite t -> Math.min(t.bytesKept(), length);
            case Fault.SeededTear s -> new SplittableRandom(s.seed()).nextLong(length + 1);
        };
        if (kept < 0) {
            throw new BlockException(Reason.IO, "injected failure of write " + index);
        }
        crashed = true;
        tear(info, sectorOffset, buffers, (int) Math.min(kept, Integer.MAX_VALUE - 16));
        throw new BlockException(Reason.IO, "injected crash during write " + index + " after " + kept + " of "
                + length + " bytes");
    }

    /** Writes the first {@code kept} bytes of the buffers, read-modify-writing a last partial sector. */
    private void tear(Info info, long sectorOffset, List<ByteBuffer> buffers, int kept) throws BlockException {
        int size = info.sectorSize();
        ByteBuffer prefix = ByteBuffer.allocate(kept);
        for (ByteBuffer b : buffers) {
            if (!prefix.hasRemaining()) {
                break;
            }
            ByteBuffer part = b.slice(b.position(), Math.min(b.remaining(), prefix.remaining()));
            prefix.put(part);
        }
        prefix.flip();
        int whole = kept / size * size;
        if (whole > 0) {
            device.write(sectorOffset, List.of(prefix.slice(0, whole)));
        }
        int rest = kept - whole;
        if (rest > 0) {
            long sector = sectorOffset + whole / size;
            ByteBuffer last = ByteBuffer.allocate(size);
            device.read(sector, List.of(last));
            last.clear();
            last.put(prefix.slice(whole, rest));
            last.clear();
            device.write(sector, List.of(last));
        }
    }

    @Override
    public void flush() throws BlockException {
        usable();
        device.flush();
    }

    @Override
    public void discard(long sectorOffset, long sectors) throws BlockException {
        usable();
        device.discard(sectorOffset, sectors);
    }

    @Override
    public void close() {
        closed = true;
    }
}
