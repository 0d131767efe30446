package mirage.block.internal.tar;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRo;

/**
 * A read-only key-value store over a tar archive on a block device (mirage's {@code tar_kv_ro}).
 * The index is built once, at {@link #open}; lookups then touch the device only to read a
 * value's bytes. The device is not owned: {@link #close()} does not close it.
 *
 * <p>Thread-safe: readers share a read lock, which the append-only subclass's writes take
 * exclusively.
 */
public class TarKvRo implements KvRo {
    static final int MAX_VALUE_BYTES = Integer.MAX_VALUE - 16;

    final ByteDevice dev;
    final TarIndex index;
    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private volatile boolean closed;

    TarKvRo(ByteDevice dev, TarIndex index) {
        this.dev = dev;
        this.index = index;
    }

    /**
     * Reads the archive's headers and builds the index.
     *
     * @throws KvException with {@link Reason#STORAGE} if the device fails or the archive is
     *     malformed (the message says where)
     */
    public static TarKvRo open(Block device) throws KvException {
        ByteDevice dev = new ByteDevice(device);
        return new TarKvRo(dev, scan(dev));
    }

    static TarIndex scan(ByteDevice dev) throws KvException {
        try {
            return TarIndex.scan(dev);
        } catch (BlockException e) {
            throw new KvException(Reason.STORAGE, Key.ROOT, null, "cannot read the tar archive: " + e.getMessage(), e);
        } catch (TarFormatException e) {
            throw new KvException(Reason.STORAGE, Key.ROOT, null, "malformed tar archive: " + e.getMessage(), e);
        }
    }

    /** Entries of the archive skipped at connect (unsupported types, unusable names, conflicts). */
    public int skippedEntries() {
        return index.skipped;
    }

    /** Where the end-of-archive marker lies, in bytes. */
    public long endOffset() {
        return index.end;
    }

    Lock readLock() {
        Lock l = rw.readLock();
        l.lock();
        if (closed) {
            l.unlock();
            throw new IllegalStateException("the tar key-value store is closed");
        }
        return l;
    }

    @Override
    public Optional<Kind> exists(Key key) {
        Lock l = readLock();
        try {
            return index.values.containsKey(key) ? Optional.of(Kind.VALUE)
                    : index.dirs.containsKey(key) ? Optional.of(Kind.DICTIONARY) : Optional.empty();
        } finally {
            l.unlock();
        }
    }

    TarIndex.FileEntry file(Key key) throws KvException {
        TarIndex.FileEntry f = index.values.get(key);
        if (f == null) {
            throw KvException.of(index.dirs.containsKey(key) ? Reason.VALUE_EXPECTED : Reason.NOT_FOUND, key);
        }
        return f;
    }

    @Override
    public byte[] get(Key key) throws KvException {
        Lock l = readLock();
        try {
            TarIndex.FileEntry f = file(key);
            if (f.size > MAX_VALUE_BYTES) {
                throw new KvException(Reason.NO_SPACE, key, null,
                        key + " holds " + f.size + " bytes, too many for one array: use getPartial", null);
            }
            return read(key, f.offset, (int) f.size);
        } finally {
            l.unlock();
        }
    }

    @Override
    public byte[] getPartial(Key key, long offset, int length) throws KvException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
        }
        Lock l = readLock();
        try {
            TarIndex.FileEntry f = file(key);
            if (offset >= f.size) {
                return new byte[0];
            }
            return read(key, f.offset + offset, (int) Math.min(length, f.size - offset));
        } finally {
            l.unlock();
        }
    }

    private byte[] read(Key key, long pos, int len) throws KvException {
        byte[] out = new byte[len];
        try {
            dev.read(pos, out, 0, len);
        } catch (BlockException e) {
            throw storage(key, e);
        }
        return out;
    }

    static KvException storage(Key key, BlockException e) {
        return new KvException(Reason.STORAGE, key, null, "device failed for " + key + ": " + e.getMessage(), e);
    }

    @Override
    public List<Entry> list(Key key) throws KvException {
        Lock l = readLock();
        try {
            TarIndex.Dir d = index.dirs.get(key);
            if (d == null) {
                throw KvException.of(index.values.containsKey(key) ? Reason.DICTIONARY_EXPECTED : Reason.NOT_FOUND, key);
            }
            List<Entry> out = new ArrayList<>(d.children.size());
            for (Map.Entry<String, Kind> c : d.children.entrySet()) {
                out.add(new Entry(key.append(c.getKey()), c.getValue()));
            }
            return out;
        } finally {
            l.unlock();
        }
    }

    @Override
    public Instant lastModified(Key key) throws KvException {
        Lock l = readLock();
        try {
            TarIndex.FileEntry f = index.values.get(key);
            if (f != null) {
                return instant(f.mtimeNanos);
            }
            TarIndex.Dir d = index.dirs.get(key);
            if (d == null) {
                throw KvException.of(Reason.NOT_FOUND, key);
            }
            return d.latestNanos == Long.MIN_VALUE ? Instant.EPOCH : instant(d.latestNanos);
        } finally {
            l.unlock();
        }
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /**
     * SHA-256 of a value's bytes, read from the device on first request and then cached; for a
     * dictionary the layout documented in {@link KvRo#digest}.
     */
    @Override
    public byte[] digest(Key key) throws KvException {
        Lock l = readLock();
        try {
            TarIndex.FileEntry f = index.values.get(key);
            if (f != null) {
                return valueDigest(key, f).clone();
            }
            if (!index.dirs.containsKey(key)) {
                throw KvException.of(Reason.NOT_FOUND, key);
            }
            return dictionaryDigest(key);
        } finally {
            l.unlock();
        }
    }

    private byte[] valueDigest(Key key, TarIndex.FileEntry f) throws KvException {
        byte[] d = f.digest;
        if (d != null) {
            return d;
        }
        MessageDigest md = sha256();
        byte[] buf = new byte[(int) Math.min(ByteDevice.CHUNK, Math.max(f.size, 1))];
        try {
            for (long done = 0; done < f.size; ) {
                int n = (int) Math.min(buf.length, f.size - done);
                dev.read(f.offset + done, buf, 0, n);
                md.update(buf, 0, n);
                done += n;
            }
        } catch (BlockException e) {
            throw storage(key, e);
        }
        d = md.digest();
        f.digest = d;
        return d;
    }

    private byte[] dictionaryDigest(Key key) throws KvException {
        MessageDigest md = sha256();
        for (Map.Entry<String, Kind> c : index.dirs.get(key).children.entrySet()) {
            Key child = key.append(c.getKey());
            byte[] d = c.getValue() == Kind.VALUE ? valueDigest(child, index.values.get(child)) : dictionaryDigest(child);
            byte[] name = c.getKey().getBytes(StandardCharsets.UTF_8);
            md.update((byte) (c.getValue() == Kind.VALUE ? 1 : 2));
            md.update(ByteBuffer.allocate(4).putInt(name.length).array());
            md.update(name);
            md.update(d);
        }
        return md.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public long size(Key key) throws KvException {
        Lock l = readLock();
        try {
            return file(key).size;
        } finally {
            l.unlock();
        }
    }

    @Override
    public void close() {
        Lock l = rw.writeLock();
        l.lock();
        try {
            closed = true;
        } finally {
            l.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }
}
