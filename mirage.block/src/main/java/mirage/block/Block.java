package mirage.block;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import mirage.block.internal.CheckedBlock;
import mirage.block.internal.FaultyDevice;
import mirage.block.internal.FileBlock;
import mirage.block.internal.MemoryBlock;
import mirage.block.internal.ReadOnlyBlock;
import mirage.block.internal.SubRangeBlock;

/**
 * A block device: a fixed number of fixed-size sectors, read and written whole (MirageOS's
 * {@code Mirage_block.S}).
 *
 * <h2>Buffers</h2>
 * {@link #read} and {@link #write} take a scatter/gather list. Each buffer is borrowed for the
 * duration of the call only: the device keeps no reference to it after returning. Only the
 * bytes between position and limit are used, and each buffer's remaining must be a whole
 * number of sectors (zero is allowed); the buffers cover consecutive sectors starting at the
 * sector offset, in list order. On success each buffer's position has moved to its limit;
 * limits never change. After a failure, positions and the contents of the sectors and
 * buffers involved are unspecified. Heap and direct buffers are both accepted.
 *
 * <h2>Threading</h2>
 * A device is thread-safe: any thread, typically an application's virtual threads, may call any
 * operation concurrently. Calls block the calling thread until done; they are not meant for the
 * event loop's thread. Each operation is applied as a whole with respect to other operations on
 * the same sectors only in the sense that concurrent writes to, or a read concurrent with a write
 * to, the same sector see or leave an unspecified mix of old and new bytes; operations on
 * disjoint sectors do not interfere. {@link #close()} may be called from any thread; an operation
 * running concurrently with it either completes or fails with
 * {@link BlockException.Reason#DISCONNECTED}.
 *
 * <h2>Durability</h2>
 * A completed {@link #write} is visible to every later {@link #read}, but may be lost in a crash
 * until a later {@link #flush} returns.
 *
 * <h2>Views</h2>
 * {@link #readOnly}, {@link #subRange}, {@link #checked}, {@link #faulty} and the partitions that
 * {@link Partitions} opens are views: they share the device they wrap and never close it, and
 * closing the device disconnects them. Whoever created a device closes it.
 *
 * <h2>Errors</h2>
 * Every operation throws only {@link BlockException} for a failure, or {@link
 * NullPointerException} for a null argument.
 */
public interface Block extends AutoCloseable {

    /**
     * The geometry of a device (MirageOS's {@code Mirage_block.info}).
     *
     * @param sectorSize bytes per sector, a power of two from 1 to {@link #MAX_SECTOR_SIZE}
     * @param sizeSectors the number of sectors, at least 0
     * @param readWrite whether {@link Block#write} and {@link Block#discard} may succeed
     */
    record Info(int sectorSize, long sizeSectors, boolean readWrite) {
        /** The largest sector size: 1 MiB. */
        public static final int MAX_SECTOR_SIZE = 1 << 20;

        public Info {
            if (sectorSize < 1 || sectorSize > MAX_SECTOR_SIZE || Integer.bitCount(sectorSize) != 1) {
                throw new IllegalArgumentException(
                        "sector size " + sectorSize + " is not a power of two from 1 to " + MAX_SECTOR_SIZE);
            }
            if (sizeSectors < 0 || Math.multiplyHigh(sizeSectors, sectorSize) != 0
                    || sizeSectors * sectorSize < 0) {
                throw new IllegalArgumentException(
                        "size of " + sizeSectors + " sectors of " + sectorSize + " bytes is negative or overflows a long");
            }
        }

        /** The size in bytes. */
        public long sizeBytes() {
            return sizeSectors * sectorSize;
        }
    }

    /** The device's geometry; constant for the device's life. Works after close. */
    Info info();

    /**
     * Reads the sectors from {@code sectorOffset} on into {@code buffers}, in order.
     *
     * @throws BlockException with {@link BlockException.Reason#MISALIGNED} if a buffer's remaining
     *     is not a whole number of sectors, {@link BlockException.Reason#OUT_OF_RANGE} if the
     *     sectors lie outside the device, {@link BlockException.Reason#DISCONNECTED} after close,
     *     {@link BlockException.Reason#IO} if the backing store failed
     * @throws java.nio.ReadOnlyBufferException if a buffer with space remaining is read-only
     */
    void read(long sectorOffset, List<ByteBuffer> buffers) throws BlockException;

    /**
     * Writes {@code buffers}, in order, to the sectors from {@code sectorOffset} on.
     *
     * @throws BlockException as {@link #read}, and {@link BlockException.Reason#READ_ONLY} if
     *     the device is read-only (even for an empty write)
     */
    void write(long sectorOffset, List<ByteBuffer> buffers) throws BlockException;

    /**
     * A durability barrier: returns once every write that completed before this call began is
     * on stable storage. A no-op on read-only and memory devices.
     *
     * @throws BlockException with {@link BlockException.Reason#DISCONNECTED} after close, or
     *     {@link BlockException.Reason#IO}
     */
    void flush() throws BlockException;

    /**
     * Tells the device that the contents of {@code sectors} sectors from {@code sectorOffset}
     * on are no longer needed (TRIM). Until next written, each of those sectors reads back as
     * either its old contents or zeros; which one is unspecified.
     *
     * @throws BlockException with {@link BlockException.Reason#OUT_OF_RANGE},
     *     {@link BlockException.Reason#READ_ONLY}, {@link BlockException.Reason#DISCONNECTED} or
     *     {@link BlockException.Reason#IO}
     */
    void discard(long sectorOffset, long sectors) throws BlockException;

    /**
     * Disconnects the device and releases what it holds. Idempotent, never throws; later
     * operations other than {@link #info()} fail with {@link BlockException.Reason#DISCONNECTED}.
     */
    @Override
    void close();

    /**
     * A new, zero-filled, read-write device held in memory (on the Java heap, in chunks, so
     * it may be larger than 2 GiB). Flush does nothing; discard zeroes.
     *
     * @throws IllegalArgumentException if the geometry is invalid (see {@link Info})
     */
    static Block memory(int sectorSize, long sectors) {
        return new MemoryBlock(new Info(sectorSize, sectors, true));
    }

    /**
     * Opens a file, or a raw disk, as a device, through a {@link java.nio.channels.FileChannel}.
     * Without {@link FileOption.Create} the file must exist; its size, rounded down to whole
     * sectors, is the device's. Flush forces the file's data to storage.
     *
     * @throws BlockException with {@link BlockException.Reason#IO} if the file cannot be opened
     *     or created (the cause says why)
     * @throws IllegalArgumentException if options contradict each other (e.g. read-only with
     *     create) or name an invalid geometry
     */
    static Block file(Path path, FileOption... options) throws BlockException {
        return FileBlock.open(path, options);
    }

    /** A read-only view of {@code device}: writes and discards fail with {@link BlockException.Reason#READ_ONLY}. */
    static Block readOnly(Block device) {
        return new ReadOnlyBlock(device);
    }

    /**
     * A view of {@code sectors} sectors of {@code device} from {@code start} on, seen as sectors
     * 0 to {@code sectors - 1}.
     *
     * @throws IllegalArgumentException if the range does not lie within {@code device}
     */
    static Block subRange(Block device, long start, long sectors) {
        return new SubRangeBlock(device, start, sectors);
    }

    /**
     * A view that checks every call's preconditions (buffer alignment, range, read-only, closed)
     * itself and throws the typed error before delegating to {@code device}, so that a
     * {@code device} of unknown quality is reached only by valid calls, and any unchecked
     * exception it throws comes out as a {@link BlockException.Reason#IO} error (MirageOS's
     * {@code Make_safe}).
     */
    static Block checked(Block device) {
        return new CheckedBlock(device);
    }

    /**
     * A view that passes every call to {@code device} except that it injects {@code fault} into
     * the writes, for crash-consistency tests: after a {@link Fault.TearWrite}, reopen whatever
     * was stored on {@code device} itself (which stays open) and check what survived.
     */
    static FaultyBlock faulty(Block device, Fault fault) {
        return new FaultyDevice(device, fault);
    }
}
