package mirage.block.internal.tar;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRw;

/**
 * An append-only key-value store over a tar archive (mirage's {@code tar_kv_rw}): each write
 * appends one entry (a GNU long-name entry first when the name is over 100 bytes) where the
 * end-of-archive marker was, followed by a new marker, so the device always holds an archive
 * that GNU tar reads. A write of an existing key appends a newer entry that replaces it (as
 * with {@code tar -r}); {@link #remove} and {@link #rename} are not supported.
 *
 * <h2>Crash safety</h2>
 * An append writes every byte of the new entry and marker except its first header block,
 * flushes, then writes that block and flushes again. Until that block is whole, the old
 * marker's first zero block is still (partly) in place and a reader sees the archive as
 * before: a header torn at any byte fails its checksum, because its bytes from the magic on
 * are non-zero, or is complete (the GNU header this store writes is zero after byte 265).
 * So a crash (a torn append) leaves every completed entry readable and no partial one, even
 * on a device that tears writes inside a sector. The next append overwrites the leftovers.
 */
public final class TarKvRw extends TarKvRo implements KvRw {
    private static final byte[] ZEROS = new byte[ByteDevice.CHUNK];

    private final InstantSource clock;

    private TarKvRw(ByteDevice dev, TarIndex index, InstantSource clock) {
        super(dev, index);
        this.clock = clock;
    }

    /**
     * Opens the archive on {@code device} for appending (an all-zero device is an empty archive).
     *
     * @throws KvException as {@link TarKvRo#open}
     * @throws IllegalArgumentException if the device is read-only
     */
    public static TarKvRw open(Block device, InstantSource clock) throws KvException {
        Objects.requireNonNull(clock, "clock");
        if (!device.info().readWrite()) {
            throw new IllegalArgumentException("an append-only tar store needs a read-write device");
        }
        ByteDevice dev = new ByteDevice(device);
        return new TarKvRw(dev, scan(dev), clock);
    }

    private Lock writeLock() {
        Lock l = rw.writeLock();
        l.lock();
        if (isClosed()) {
            l.unlock();
            throw new IllegalStateException("the tar key-value store is closed");
        }
        return l;
    }

    private void checkWritable(Key key) throws KvException {
        if (key.isRoot()) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
        for (int i = 1; i < key.depth(); i++) {
            Key p = new Key(key.segments().subList(0, i));
            if (index.values.containsKey(p)) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, p);
            }
        }
        if (index.dirs.containsKey(key)) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
    }

    @Override
    public void set(Key key, byte[] value) throws KvException {
        byte[] copy = value.clone();
        Lock l = writeLock();
        try {
            checkWritable(key);
            append(key, copy, copy.length, nowNanos());
        } finally {
            l.unlock();
        }
    }

    /** Appends a whole new entry holding the patched value: costs the value's size, not the patch's. */
    @Override
    public void setPartial(Key key, long offset, byte[] data) throws KvException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        byte[] copy = data.clone();
        Lock l = writeLock();
        try {
            checkWritable(key);
            TarIndex.FileEntry old = index.values.get(key);
            long oldSize = old == null ? 0 : old.size;
            long end = Math.max(oldSize, offset + copy.length);
            if (end > MAX_VALUE_BYTES || offset + copy.length < 0) {
                throw KvException.of(Reason.NO_SPACE, key);
            }
            byte[] next = new byte[(int) end];
            if (old != null) {
                try {
                    dev.read(old.offset, next, 0, (int) oldSize);
                } catch (BlockException e) {
                    throw storage(key, e);
                }
            }
            System.arraycopy(copy, 0, next, (int) offset, copy.length);
            append(key, next, next.length, nowNanos());
        } finally {
            l.unlock();
        }
    }

    @Override
    public void remove(Key key) throws KvException {
        throw new KvException(Reason.NOT_SUPPORTED, key, null, "cannot remove " + key + ": the tar store is append-only", null);
    }

    @Override
    public void rename(Key source, Key dest) throws KvException {
        throw new KvException(Reason.NOT_SUPPORTED, source, dest,
                "cannot rename " + source + " to " + dest + ": the tar store is append-only", null);
    }

    /** Appends {@code size} zero bytes (written out: tar has no holes in this layout). */
    @Override
    public void allocate(Key key, long size, Optional<Instant> lastModified) throws KvException {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
        Lock l = writeLock();
        try {
            if (index.values.containsKey(key) || index.dirs.containsKey(key)) {
                throw KvException.of(Reason.ALREADY_PRESENT, key);
            }
            checkWritable(key);
            long when = lastModified.isPresent()
                    ? Math.addExact(Math.multiplyExact(lastModified.get().getEpochSecond(), 1_000_000_000L), lastModified.get().getNano())
                    : nowNanos();
            append(key, null, size, when);
        } finally {
            l.unlock();
        }
    }

    /**
     * Appends the entry for {@code key}: {@code data} (or {@code size} zeros when null), at
     * {@code mtimeNanos} rounded down to the second (the header's resolution).
     */
    private void append(Key key, byte[] data, long size, long mtimeNanos) throws KvException {
        long seconds = Math.floorDiv(mtimeNanos, 1_000_000_000L);
        byte[] name = key.toString().substring(1).getBytes(StandardCharsets.UTF_8);
        byte[] meta;
        if (name.length > 100) {
            byte[] longHeader = TarHeader.encode(TarHeader.LONG_LINK_NAME, TarHeader.GNU_LONG_NAME, name.length + 1, 0);
            meta = Arrays.copyOf(longHeader, TarHeader.BLOCK + pad(name.length + 1L) + TarHeader.BLOCK);
            System.arraycopy(name, 0, meta, TarHeader.BLOCK, name.length);
            byte[] header = TarHeader.encode(Arrays.copyOf(name, 100), TarHeader.REGULAR, size, seconds);
            System.arraycopy(header, 0, meta, meta.length - TarHeader.BLOCK, TarHeader.BLOCK);
        } else {
            meta = TarHeader.encode(name, TarHeader.REGULAR, size, seconds);
        }
        long start = index.end;
        long dataStart = start + meta.length;
        long total;
        try {
            total = Math.addExact(Math.addExact(meta.length, padLong(size)), 2L * TarHeader.BLOCK);
        } catch (ArithmeticException e) {
            total = Long.MAX_VALUE;
        }
        if (total < 0 || total > dev.size() - start) {
            throw new KvException(Reason.NO_SPACE, key, null, "no space left for " + key + ": its entry needs " + total
                    + " bytes and the device has " + (dev.size() - start) + " after the archive", null);
        }
        Blob blob = new Blob(meta, data, size);
        try {
            // Everything but the first header block, then that block: until it is whole, the
            // block at the old end holds what it held (zeros) and the entry is not there.
            blob.write(dev, start, TarHeader.BLOCK, total);
            dev.flush();
            blob.write(dev, start, 0, TarHeader.BLOCK);
            dev.flush();
        } catch (BlockException e) {
            throw storage(key, e);
        }
        index.add(key, new TarIndex.FileEntry(dataStart, size, TarIndex.nanos(seconds)));
        index.end = start + total - 2L * TarHeader.BLOCK;
    }

    private static int pad(long n) {
        return (int) Math.min(Integer.MAX_VALUE, (n + TarHeader.BLOCK - 1) / TarHeader.BLOCK * TarHeader.BLOCK);
    }

    private static long padLong(long n) {
        if (n > Long.MAX_VALUE - TarHeader.BLOCK) {
            return Long.MAX_VALUE;
        }
        return (n + TarHeader.BLOCK - 1) / TarHeader.BLOCK * TarHeader.BLOCK;
    }

    /** The bytes of one append: headers, then the data (or zeros), then zeros to the end. */
    private record Blob(byte[] meta, byte[] data, long size) {
        /** Writes blob bytes {@code [from, to)} at {@code base + from}, a chunk at a time. */
        void write(ByteDevice dev, long base, long from, long to) throws BlockException {
            byte[] chunk = new byte[(int) Math.min(ByteDevice.CHUNK, Math.max(0, to - from))];
            for (long at = from; at < to; ) {
                int n = (int) Math.min(chunk.length, to - at);
                fill(chunk, at, n);
                dev.write(base + at, chunk, 0, n);
                at += n;
            }
        }

        private void fill(byte[] chunk, long at, int n) {
            int i = 0;
            // Header bytes.
            while (i < n && at + i < meta.length) {
                chunk[i] = meta[(int) (at + i)];
                i++;
            }
            // Data bytes, copied in bulk.
            long d = at + i - meta.length;
            if (data != null && i < n && d < size) {
                int m = (int) Math.min(n - i, size - d);
                System.arraycopy(data, (int) d, chunk, i, m);
                i += m;
            }
            // Zeros: allocated data, padding, end marker.
            while (i < n) {
                int m = Math.min(n - i, ZEROS.length);
                System.arraycopy(ZEROS, 0, chunk, i, m);
                i += m;
            }
        }
    }

    /** The clock's now in nanoseconds since the epoch. */
    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
