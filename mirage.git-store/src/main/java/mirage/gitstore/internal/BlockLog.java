package mirage.gitstore.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import mirage.block.Block;
import mirage.block.BlockException;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.internal.storage.dfs.DfsObjDatabase.PackSource;
import org.eclipse.jgit.internal.storage.dfs.DfsPackDescription;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.pack.PackExt;

/**
 * The block-device layout of a durable repository: an append-only log of pack files and
 * manifests, and two superblock slots at the start of the device.
 *
 * <pre>
 * slot 0 | slot 1 | extent | extent | ... (log, append only)
 * superblock (in a slot, 64 bytes, the rest of the slot zero):
 *   "MGITBLK1" | version u32 = 1 | generation u64 | manifest offset u64 | manifest length u64
 *   | manifest CRC-32C u32 | log end u64 | CRC-32C of the 48 bytes before u32
 * manifest: pack count u32, then per pack: name, source (UTF), last modified, min and max
 *   update index, object count, delta count (u64), index version u32, file count u32, then per
 *   file: extension (UTF), offset u64, length u64, CRC-32C u32
 * </pre>
 *
 * A commit appends the files of packs not yet on the device and a new manifest, flushes, then
 * writes the superblock of the next generation into the other slot and flushes again. Opening
 * takes the newest slot whose superblock, manifest and files all check; so a crash at any write
 * leaves the last committed pack list (or the one being committed, if its superblock landed).
 * The log never reuses space, not even that of a failed commit; replaced packs' space is not
 * reclaimed (a full device fails writes with {@code STORAGE}). Every file is also kept in
 * memory, where the repository reads it.
 */
final class BlockLog implements MemRepository.PackStore {
    static final byte[] MAGIC = "MGITBLK1".getBytes(StandardCharsets.US_ASCII);
    static final int SUPERBLOCK = 64;
    static final int MAX_PACKS = 1 << 16;
    static final int MAX_FILES = 64;

    /** One file of a pack on the device. */
    record Extent(long offset, long length, int crc) {}

    private final Block device;
    private final int sector;
    private final long slotBytes;
    private final long capacity;
    private final DfsRepositoryDescription repo;
    private long generation;
    private long logEnd;
    private final Map<String, Map<PackExt, Extent>> onDevice = new HashMap<>();
    private final List<MemRepository.MemPack> loaded = new ArrayList<>();

    /** Reads the device's newest valid state (none on a blank device). */
    BlockLog(Block device, DfsRepositoryDescription repo) throws IOException {
        this.device = device;
        this.repo = repo;
        Block.Info info = device.info();
        this.sector = info.sectorSize();
        this.slotBytes = roundUp(SUPERBLOCK);
        this.capacity = info.sizeBytes();
        if (capacity < 2 * slotBytes + sector) {
            throw new IOException("the device (" + capacity + " bytes) is too small for a store");
        }
        load();
    }

    /** The packs of the state read at open, newest first. */
    List<MemRepository.MemPack> packs() {
        return loaded;
    }

    private long roundUp(long bytes) {
        return (bytes + sector - 1) / sector * sector;
    }

    // ---------------------------------------------------------------- reading

    private record Super(long generation, long manifestOffset, long manifestLength, int manifestCrc, long logEnd) {}

    private void load() throws IOException {
        byte[] a = read(0, slotBytes);
        byte[] b = read(slotBytes, slotBytes);
        List<Super> candidates = new ArrayList<>();
        for (byte[] slot : List.of(a, b)) {
            Super s = parseSuper(slot);
            if (s != null) {
                candidates.add(s);
            }
        }
        candidates.sort((x, y) -> Long.compare(y.generation, x.generation));
        for (Super s : candidates) {
            try {
                List<MemRepository.MemPack> packs = readManifest(s);
                generation = s.generation;
                logEnd = s.logEnd;
                loaded.addAll(packs);
                return;
            } catch (CorruptObjectException e) {
                // torn or stale: try the older slot
            }
        }
        // A blank device, or one whose very first superblock write was torn (the other slot is
        // still zero, this one holds a prefix of a superblock and zeros): an empty store.
        boolean blank = candidates.isEmpty() && (allZero(a) && tornOrZero(b) || allZero(b) && tornOrZero(a));
        if (!blank) {
            throw new CorruptObjectException("the device holds no readable store: no superblock, manifest and packs that check");
        }
        generation = 0;
        logEnd = 2 * slotBytes;
    }

    /** Zeros, or the start of our superblock followed by zeros: what a torn first write leaves. */
    private static boolean tornOrZero(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) {
            n--;
        }
        for (int i = 0; i < Math.min(n, MAGIC.length); i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return n <= SUPERBLOCK;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The superblock in {@code slot}, or null if it does not check. */
    Super parseSuper(byte[] slot) {
        ByteBuffer bb = ByteBuffer.wrap(slot);
        for (byte m : MAGIC) {
            if (bb.get() != m) {
                return null;
            }
        }
        if (bb.getInt() != 1) {
            return null;
        }
        long gen = bb.getLong();
        long mOff = bb.getLong();
        long mLen = bb.getLong();
        int mCrc = bb.getInt();
        long end = bb.getLong();
        int crc = bb.getInt();
        if (crc != crc(slot, 0, 48)) {
            return null;
        }
        if (gen < 1 || end < 2 * slotBytes || end > capacity || mOff < 2 * slotBytes || mLen < 0
                || mLen > Integer.MAX_VALUE - 16 || mOff > end || mLen > end - mOff) {
            return null;
        }
        return new Super(gen, mOff, mLen, mCrc, end);
    }

    private List<MemRepository.MemPack> readManifest(Super s) throws IOException {
        byte[] m = read(s.manifestOffset, s.manifestLength);
        if (crc(m, 0, m.length) != s.manifestCrc) {
            throw new CorruptObjectException("manifest checksum");
        }
        List<MemRepository.MemPack> out = new ArrayList<>();
        Map<String, Map<PackExt, Extent>> extents = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(m))) {
            int n = in.readInt();
            if (n < 0 || n > MAX_PACKS) {
                throw new CorruptObjectException("manifest: " + n + " packs");
            }
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                PackSource source = enumOf(PackSource.class, in.readUTF());
                MemRepository.MemPack p = new MemRepository.MemPack(repo, name, source);
                p.setLastModified(in.readLong());
                p.setMinUpdateIndex(in.readLong());
                p.setMaxUpdateIndex(in.readLong());
                p.setObjectCount(in.readLong());
                p.setDeltaCount(in.readLong());
                p.setIndexVersion(in.readInt());
                int files = in.readInt();
                if (files < 0 || files > MAX_FILES || name.isEmpty() || extents.containsKey(name)) {
                    throw new CorruptObjectException("manifest: pack \"" + name + "\"");
                }
                Map<PackExt, Extent> mine = new HashMap<>();
                for (int f = 0; f < files; f++) {
                    PackExt ext = enumOf(PackExt.class, in.readUTF());
                    Extent e = new Extent(in.readLong(), in.readLong(), in.readInt());
                    if (e.offset < 2 * slotBytes || e.length < 0 || e.length > Integer.MAX_VALUE - 16
                            || e.offset > s.logEnd || e.length > s.logEnd - e.offset || mine.put(ext, e) != null) {
                        throw new CorruptObjectException("manifest: bad extent of " + name);
                    }
                    byte[] data = read(e.offset, e.length);
                    if (crc(data, 0, data.length) != e.crc) {
                        throw new CorruptObjectException("pack file checksum: " + name + "." + ext.getExtension());
                    }
                    p.files.put(ext, data);
                    p.addFileExt(ext);
                    p.setFileSize(ext, data.length);
                }
                extents.put(name, mine);
                out.add(p);
            }
            if (in.available() != 0) {
                throw new CorruptObjectException("manifest: trailing bytes");
            }
        } catch (EOFException | IllegalArgumentException | java.io.UTFDataFormatException e) {
            throw new CorruptObjectException("manifest: " + e.getMessage());
        }
        onDevice.putAll(extents);
        return out;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String name) throws CorruptObjectException {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new CorruptObjectException("manifest: unknown " + type.getSimpleName() + " " + name);
        }
    }

    private byte[] read(long offset, long length) throws IOException {
        long start = offset / sector * sector;
        long end = roundUp(offset + length);
        if (end > capacity) {
            throw new CorruptObjectException("extent beyond the device");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
        try {
            device.read(start / sector, List.of(buf));
        } catch (BlockException e) {
            throw new IOException("reading the device: " + e.getMessage(), e);
        }
        byte[] out = new byte[(int) length];
        buf.position((int) (offset - start));
        buf.get(out);
        return out;
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    // ---------------------------------------------------------------- writing

    @Override
    public synchronized void commit(List<DfsPackDescription> packs) throws IOException {
        try {
            Map<String, Map<PackExt, Extent>> added = new HashMap<>();
            for (DfsPackDescription d : packs) {
                if (onDevice.containsKey(d.getPackName())) {
                    continue;
                }
                Map<PackExt, Extent> files = new HashMap<>();
                for (Map.Entry<PackExt, byte[]> f : ((MemRepository.MemPack) d).files.entrySet()) {
                    files.put(f.getKey(), append(f.getValue()));
                }
                added.put(d.getPackName(), files);
            }
            byte[] manifest = manifest(packs, added);
            Extent m = append(manifest);
            device.flush();
            byte[] slot = new byte[(int) slotBytes];
            ByteBuffer bb = ByteBuffer.wrap(slot);
            bb.put(MAGIC).putInt(1).putLong(generation + 1).putLong(m.offset).putLong(m.length).putInt(m.crc).putLong(logEnd);
            bb.putInt(crc(slot, 0, 48));
            device.write((generation + 1) % 2 * slotBytes / sector, List.of(ByteBuffer.wrap(slot)));
            device.flush();
            generation++;
            onDevice.putAll(added);
            onDevice.keySet().retainAll(packs.stream().map(DfsPackDescription::getPackName).toList());
        } catch (BlockException e) {
            throw new IOException("writing the device: " + e.getMessage(), e);
        }
    }

    private byte[] manifest(List<DfsPackDescription> packs, Map<String, Map<PackExt, Extent>> added) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(packs.size());
            for (DfsPackDescription d : packs) {
                Map<PackExt, Extent> files = onDevice.containsKey(d.getPackName()) ? onDevice.get(d.getPackName()) : added.get(d.getPackName());
                out.writeUTF(d.getPackName());
                out.writeUTF(d.getPackSource().name());
                out.writeLong(d.getLastModified());
                out.writeLong(d.getMinUpdateIndex());
                out.writeLong(d.getMaxUpdateIndex());
                out.writeLong(d.getObjectCount());
                out.writeLong(d.getDeltaCount());
                out.writeInt(d.getIndexVersion());
                out.writeInt(files.size());
                for (Map.Entry<PackExt, Extent> f : files.entrySet()) {
                    out.writeUTF(f.getKey().name());
                    out.writeLong(f.getValue().offset);
                    out.writeLong(f.getValue().length);
                    out.writeInt(f.getValue().crc);
                }
            }
        }
        return bytes.toByteArray();
    }

    /** Writes {@code data} at the log's end (whole sectors); the log end moves even if the write fails. */
    private Extent append(byte[] data) throws IOException {
        long offset = logEnd;
        long padded = roundUp(Math.max(1, data.length));
        if (padded > capacity - offset) {
            throw new IOException("the device is full: " + (capacity - offset) + " bytes left, " + padded + " needed");
        }
        logEnd = offset + padded;
        byte[] buf = java.util.Arrays.copyOf(data, (int) padded);
        device.write(offset / sector, List.of(ByteBuffer.wrap(buf)));
        return new Extent(offset, data.length, crc(data, 0, data.length));
    }
}
