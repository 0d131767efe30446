package mirage.block.internal.tar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mirage.block.BlockException;
import mirage.kv.Key;
import mirage.kv.Kind;

/**
 * What an archive holds, built by one pass over its headers at connect: a hash map from the key
 * of every value to where its bytes lie, and one from the key of every dictionary to its
 * children, so that every lookup costs one hash probe.
 *
 * <h2>From entries to keys</h2>
 * Regular files ({@code '0'}, NUL, {@code '7'}) become values; hard links ({@code '1'}) become
 * values sharing their target's bytes; directories, symbolic links, devices and unknown types
 * are skipped (dictionaries are implied by paths, as in mirage-kv). A name becomes a key by
 * dropping empty and {@code "."} segments; names with a {@code ".."} segment or a NUL, or that
 * name the root, are skipped. A later entry of the same key replaces the earlier one (as
 * {@code tar -x} does). An entry that would place a value below a value, or a value where a
 * dictionary is, is skipped.
 *
 * <h2>End of archive</h2>
 * The archive ends at the first zero block, at the first block whose checksum does not match
 * (after a first header, or anywhere if the block is zero from byte 265 on: what a torn append
 * leaves), or where fewer than 512 bytes of the device are left. A first block that is not a
 * header and is not zero from byte 265 on is "not a tar archive". {@link #end} is where an append starts. Other malformed headers, and
 * entries whose data would run past the device, are errors.
 */
final class TarIndex {
    /** The largest GNU long name or pax extended header read (bigger ones are refused). */
    static final int MAX_META = 1 << 20;

    /** Where a value's bytes lie, and its time. */
    static final class FileEntry {
        final long offset;
        final long size;
        final long mtimeNanos;
        volatile byte[] digest;

        FileEntry(long offset, long size, long mtimeNanos) {
            this.offset = offset;
            this.size = size;
            this.mtimeNanos = mtimeNanos;
        }
    }

    /** A dictionary: its children by segment, in {@link String#compareTo} order, and its latest time. */
    static final class Dir {
        final TreeMap<String, Kind> children = new TreeMap<>();
        long latestNanos = Long.MIN_VALUE;
    }

    final Map<Key, FileEntry> values = new HashMap<>();
    final Map<Key, Dir> dirs = new HashMap<>();
    /** Where the end-of-archive marker is (or goes). */
    long end;
    /** Entries skipped (unsupported type, unusable name, conflict). */
    int skipped;

    TarIndex() {
        dirs.put(Key.ROOT, new Dir());
    }

    /** Binds {@code key} to {@code entry} unless that would break the model; false if skipped. */
    boolean add(Key key, FileEntry entry) {
        if (key.isRoot() || dirs.containsKey(key)) {
            return false;
        }
        List<Key> prefixes = new ArrayList<>(key.depth());
        for (int i = 0; i < key.depth(); i++) {
            Key p = new Key(key.segments().subList(0, i));
            if (values.containsKey(p)) {
                return false;
            }
            prefixes.add(p);
        }
        values.put(key, entry);
        for (int i = 0; i < prefixes.size(); i++) {
            Dir d = dirs.computeIfAbsent(prefixes.get(i), k -> new Dir());
            d.children.put(key.segments().get(i), i == key.depth() - 1 ? Kind.VALUE : Kind.DICTIONARY);
            d.latestNanos = Math.max(d.latestNanos, entry.mtimeNanos);
        }
        return true;
    }

    /** The key for a tar name, or null if the name cannot be one. */
    static Key keyOf(String name) {
        List<String> segments = new ArrayList<>();
        for (String s : name.split("/", -1)) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..") || s.indexOf('\0') >= 0) {
                return null;
            }
            segments.add(s);
        }
        return segments.isEmpty() ? null : new Key(segments);
    }

    /** Seconds to nanoseconds, saturating. */
    static long nanos(long seconds) {
        long max = Long.MAX_VALUE / 1_000_000_000L;
        return seconds > max ? Long.MAX_VALUE : seconds < -max ? -Long.MAX_VALUE : seconds * 1_000_000_000L;
    }

    /** Reads the archive on {@code dev}. */
    static TarIndex scan(ByteDevice dev) throws BlockException, TarFormatException {
        TarIndex index = new TarIndex();
        Window window = new Window(dev);
        long size = dev.size();
        long pos = 0;
        long entryStart = 0;
        byte[] longName = null;
        byte[] longLink = null;
        Map<String, String> pax = Map.of();
        boolean any = false;
        while (true) {
            if (size - pos < TarHeader.BLOCK) {
                index.end = entryStart;
                return index;
            }
            byte[] block = window.block(pos);
            int off = window.offset(pos);
            if (TarHeader.isZero(block, off)) {
                index.end = entryStart;
                return index;
            }
            TarHeader h;
            try {
                h = TarHeader.parse(block, off);
            } catch (TarFormatException e) {
                if (e.checksum && (any || zeroTail(block, off))) {
                    index.end = entryStart;
                    return index;
                }
                throw new TarFormatException((pos == 0 ? "not a tar archive: " : "") + "header at byte " + pos + ": " + e.getMessage());
            }
            any = true;
            long dataPos = pos + TarHeader.BLOCK;
            if (h.extendedSparse()) {
                // Old GNU sparse maps continue in extension blocks, each flagged at byte 504.
                boolean more = true;
                while (more) {
                    if (size - dataPos < TarHeader.BLOCK) {
                        throw new TarFormatException("sparse header at byte " + pos + " runs past the device");
                    }
                    byte[] ext = window.block(dataPos);
                    more = ext[window.offset(dataPos) + 504] != 0;
                    dataPos += TarHeader.BLOCK;
                }
            }
            long dataSize = h.size();
            if (pax.containsKey("size") && h.type() != TarHeader.PAX_EXTENDED && h.type() != TarHeader.PAX_GLOBAL) {
                dataSize = Pax.size(pax.get("size"));
            }
            long padded = (dataSize + TarHeader.BLOCK - 1) / TarHeader.BLOCK * TarHeader.BLOCK;
            if (dataSize > size - dataPos || padded > size - dataPos) {
                throw new TarFormatException("entry at byte " + pos + " declares " + dataSize + " bytes of data, past the device's end at " + size);
            }
            long next = dataPos + padded;
            switch (h.type()) {
                case TarHeader.GNU_LONG_NAME, TarHeader.GNU_LONG_LINK, TarHeader.PAX_EXTENDED -> {
                    if (dataSize > MAX_META) {
                        throw new TarFormatException("extended header at byte " + pos + " of " + dataSize + " bytes is larger than " + MAX_META);
                    }
                    byte[] data = new byte[(int) dataSize];
                    dev.read(dataPos, data, 0, data.length);
                    if (h.type() == TarHeader.PAX_EXTENDED) {
                        Map<String, String> merged = new HashMap<>(pax);
                        merged.putAll(Pax.parse(data, data.length));
                        pax = merged;
                    } else if (h.type() == TarHeader.GNU_LONG_NAME) {
                        longName = TarHeader.field(data, 0, data.length);
                    } else {
                        longLink = TarHeader.field(data, 0, data.length);
                    }
                    pos = next;
                    continue;
                }
                case TarHeader.PAX_GLOBAL -> {
                    // Global defaults (rare; GNU tar writes none by default) are not applied.
                    pos = next;
                    entryStart = pos;
                    continue;
                }
                default -> { }
            }
            String name = pax.containsKey("path") ? pax.get("path")
                    : new String(longName != null ? longName : h.name(), StandardCharsets.UTF_8);
            long mtime = pax.containsKey("mtime") ? Pax.timeNanos(pax.get("mtime")) : nanos(h.mtime());
            Key key = keyOf(name);
            boolean added = false;
            if (key != null) {
                if (h.type() == TarHeader.REGULAR || h.type() == TarHeader.REGULAR_OLD || h.type() == TarHeader.CONTIGUOUS) {
                    added = index.add(key, new FileEntry(dataPos, dataSize, mtime));
                } else if (h.type() == TarHeader.HARD_LINK) {
                    String target = pax.containsKey("linkpath") ? pax.get("linkpath")
                            : new String(longLink != null ? longLink : h.linkName(), StandardCharsets.UTF_8);
                    Key targetKey = keyOf(target);
                    FileEntry t = targetKey == null ? null : index.values.get(targetKey);
                    if (t != null) {
                        added = index.add(key, new FileEntry(t.offset, t.size, mtime));
                    }
                } else if (h.type() == '5') {
                    added = true; // directories are implied by the paths below them
                }
            }
            if (!added) {
                index.skipped++;
            }
            longName = null;
            longLink = null;
            pax = Map.of();
            pos = next;
            entryStart = pos;
        }
    }

    /**
     * Whether a block's bytes from 265 on (after the magic and version) are zero: true of every
     * prefix of a header this store writes followed by the zeros it replaced (a torn append),
     * false of almost any data that is not a tar archive.
     */
    private static boolean zeroTail(byte[] block, int off) {
        for (int i = off + 265; i < off + TarHeader.BLOCK; i++) {
            if (block[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads headers through a 64 KiB window, so a run of small entries costs few device reads. */
    private static final class Window {
        static final int SIZE = 64 * 1024;
        private final ByteDevice dev;
        private final byte[] buf = new byte[SIZE];
        private long start = -1;
        private int length;

        Window(ByteDevice dev) {
            this.dev = dev;
        }

        byte[] block(long pos) throws BlockException {
            if (start < 0 || pos < start || pos + TarHeader.BLOCK > start + length) {
                length = (int) Math.min(SIZE, dev.size() - pos);
                dev.read(pos, buf, 0, length);
                start = pos;
            }
            return buf;
        }

        int offset(long pos) {
            return (int) (pos - start);
        }
    }
}
