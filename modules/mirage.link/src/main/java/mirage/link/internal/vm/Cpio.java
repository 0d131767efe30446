package mirage.link.internal.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A cpio archive in the "new ASCII" format ({@code newc}, magic {@code 070701}), the one the
 * Linux kernel unpacks as an initramfs ({@code Documentation/driver-api/early-userspace/
 * buffer-format.rst}), written uncompressed.
 *
 * <p>Deterministic: entries are written in the order of their paths (so a directory comes
 * before what it holds; missing parent directories are added, mode 0755), inode numbers count
 * from 1 in that order, owner and group are 0 and every time is 0. The same entries give the
 * same bytes.
 *
 * <p>Paths are relative to the archive's root, {@code /}-separated, without a leading
 * {@code /}, empty, {@code .} or {@code ..} components. Not thread-safe.
 */
public final class Cpio {
    static final String MAGIC = "070701";
    static final String TRAILER = "TRAILER!!!";
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;
    private static final int HEADER = 110;
    private static final int PATH_MAX = 4096;

    /** What a path holds. */
    public sealed interface Entry {
        /** Permission bits (at most 07777). */
        int permissions();
    }

    public record Directory(int permissions) implements Entry {}

    /** A regular file whose bytes are read from {@code source} when the archive is written. */
    public record FileEntry(int permissions, Path source) implements Entry {}

    /** A regular file with the bytes given (copied). */
    public record Bytes(int permissions, byte[] bytes) implements Entry {
        public Bytes {
            bytes = bytes.clone();
        }
    }

    public record Symlink(String target) implements Entry {
        @Override
        public int permissions() {
            return 0777;
        }
    }

    /** A character device node: written as such, no root needed on the host. */
    public record CharDevice(int permissions, int major, int minor) implements Entry {}

    private final NavigableMap<String, Entry> entries = new TreeMap<>();

    /**
     * Adds {@code entry} at {@code path}, and any missing parent directory.
     *
     * @throws IllegalArgumentException for a path that is not canonical and relative, one
     *     already present as something else, or a parent that is not a directory
     */
    public Cpio add(String path, Entry entry) {
        checkPath(path);
        if (entry.permissions() < 0 || entry.permissions() > 07777) {
            throw new IllegalArgumentException("permissions of " + path + " out of range: " + Integer.toOctalString(entry.permissions()));
        }
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            String parent = path.substring(0, slash);
            Entry p = entries.get(parent);
            if (p == null) {
                add(parent, new Directory(0755));
            } else if (!(p instanceof Directory)) {
                throw new IllegalArgumentException(path + ": its parent " + parent + " is not a directory");
            }
        }
        Entry old = entries.get(path);
        if (old != null && !(old instanceof Directory && entry instanceof Directory)) {
            throw new IllegalArgumentException(path + " is already in the archive");
        }
        entries.put(path, entry);
        return this;
    }

    /** The entries, by path. */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** Whether {@code path} is in the archive. */
    public boolean contains(String path) {
        return entries.containsKey(path);
    }

    private static void checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || path.indexOf('\0') >= 0
                || path.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            throw new IllegalArgumentException("not a relative archive path: '" + path + "'");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not a canonical archive path: '" + path + "'");
            }
        }
    }

    /**
     * Writes the archive and its trailer to {@code out} (not closed).
     *
     * @return the number of bytes written
     * @throws IOException if a file entry's source cannot be read, is larger than 4 GiB (newc's
     *     32-bit size), or changes size while it is copied
     */
    public long writeTo(OutputStream out) throws IOException {
        WritableByteChannel ch = Channels.newChannel(out);
        long written = 0;
        int ino = 1;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            written += writeEntry(out, ch, ino++, e.getKey(), e.getValue());
        }
        written += header(out, 0, 0, 1, 0, 0, 0, TRAILER);
        out.flush();
        return written;
    }

    private static long writeEntry(OutputStream out, WritableByteChannel ch, int ino, String path, Entry entry)
            throws IOException {
        return switch (entry) {
            case Directory d -> header(out, ino, S_IFDIR | d.permissions(), 2, 0, 0, 0, path);
            case CharDevice c -> header(out, ino, S_IFCHR | c.permissions(), 1, 0, c.major(), c.minor(), path);
            case Symlink s -> data(out, header(out, ino, S_IFLNK | 0777, 1, length(s.target()), 0, 0, path),
                    s.target().getBytes(StandardCharsets.UTF_8));
            case Bytes b -> data(out, header(out, ino, S_IFREG | b.permissions(), 1, b.bytes().length, 0, 0, path), b.bytes());
            case FileEntry f -> {
                try (FileChannel in = FileChannel.open(f.source(), StandardOpenOption.READ)) {
                    long size = in.size();
                    if (size > 0xffffffffL) {
                        throw new IOException(f.source() + " is larger than a newc archive entry can hold (4 GiB)");
                    }
                    long n = header(out, ino, S_IFREG | f.permissions(), 1, size, 0, 0, path);
                    long done = 0;
                    while (done < size) {
                        long t = in.transferTo(done, size - done, ch);
                        if (t <= 0) {
                            throw new IOException(f.source() + " shrank while it was archived");
                        }
                        done += t;
                    }
                    yield n + size + pad(out, size);
                }
            }
        };
    }

    private static long length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static long data(OutputStream out, long headerBytes, byte[] bytes) throws IOException {
        out.write(bytes);
        return headerBytes + bytes.length + pad(out, bytes.length);
    }

    /** Writes a header and the NUL-terminated, padded name; returns the bytes written. */
    private static long header(OutputStream out, int ino, int mode, int nlink, long size, int rdevMajor, int rdevMinor,
            String name) throws IOException {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(HEADER);
        h.append(MAGIC);
        hex(h, ino);
        hex(h, mode);
        hex(h, 0); // uid
        hex(h, 0); // gid
        hex(h, nlink);
        hex(h, 0); // mtime
        hex(h, size);
        hex(h, 0); // devmajor
        hex(h, 0); // devminor
        hex(h, rdevMajor);
        hex(h, rdevMinor);
        hex(h, n.length + 1L);
        hex(h, 0); // check
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(n);
        out.write(0);
        long len = HEADER + n.length + 1L;
        return len + pad(out, len);
    }

    private static void hex(StringBuilder h, long v) {
        String s = Long.toHexString(v);
        h.append("00000000", 0, 8 - s.length()).append(s);
    }

    /** Pads to a multiple of 4 after {@code length} bytes; returns the padding written. */
    private static int pad(OutputStream out, long length) throws IOException {
        int p = (int) (-length & 3);
        out.write(ByteBuffer.allocate(p).array());
        return p;
    }
}
