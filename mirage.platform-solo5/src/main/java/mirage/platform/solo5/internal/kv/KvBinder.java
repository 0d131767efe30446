package mirage.platform.solo5.internal.kv;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.TarStore;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.internal.files.FileTree;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvRo;

/**
 * Attaches {@code KV_RO} devices: {@code --kv:NAME=PATH} names a host directory, whose regular
 * files (recursively) become the store's values under their relative paths, or a tar file
 * (ustar, GNU or pax, read by {@code mirage.block}'s tar reader). Everything is read into memory
 * here, while the device is bound: after binding the store never touches the host's files, so
 * a sandbox that denies file access may follow.
 *
 * <p>In a directory, a symbolic link is followed only when what it names lies inside the
 * directory; one that leads outside, dangles or loops refuses the binding, as does anything
 * that is not a regular file or directory (a FIFO, a socket, a device node). The sizes are
 * bounded ({@link FileTree.Limits}): the policy of {@link FileTree}, which the link tool
 * shares. The only class the platform calls that touches {@code mirage.kv}
 * and {@code mirage.block} for this: loaded when such a device is bound, never otherwise.
 */
public final class KvBinder {

    /** The tar format's block size. */
    static final int TAR_BLOCK = 512;

    private KvBinder() {}

    /**
     * Reads the store {@code value} names, with {@link FileTree.Limits#DEFAULT}.
     *
     * @param option the binding option as written, {@code --kv:NAME}, for messages
     * @throws ArgumentException one line naming the option: {@code MALFORMED} for a path that
     *     cannot be one, {@code DEVICE} when the path is missing or unreadable, a file is too
     *     big, a symbolic link leads outside the directory, or the tar file is malformed
     */
    public static Device attach(String name, int handle, String option, String value) throws ArgumentException {
        return new HostKv(name, handle, read(option, value, FileTree.Limits.DEFAULT));
    }

    /** The store {@code value} names, read whole; see {@link #attach}. */
    public static KvRo read(String option, String value, FileTree.Limits limits) throws ArgumentException {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new ArgumentException(Problem.MALFORMED, option, oneLine("bad path in " + option + ": " + e.getReason()));
        }
        if (Files.isDirectory(path)) {
            return directory(option, path, limits);
        }
        if (Files.isRegularFile(path)) {
            return tar(option, path, limits);
        }
        String why = Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                ? (Files.exists(path) ? " is neither a directory nor a regular file" : " is a dangling symbolic link")
                : " does not exist";
        throw refused(option, value + why + " (give a directory or a tar file)");
    }

    /** The binding refused, in one line (control characters of paths shown escaped). */
    private static ArgumentException refused(String option, String why) {
        return new ArgumentException(Problem.DEVICE, option, oneLine("cannot attach " + option + ": " + why));
    }

    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A directory's regular files, recursively, as values under their relative paths. */
    private static KvRo directory(String option, Path dir, FileTree.Limits limits) throws ArgumentException {
        FileTree.Tree tree;
        try {
            tree = FileTree.read(dir, limits);
        } catch (FileTree.RefusedException e) {
            throw refused(option, e.getMessage());
        }
        Map<Key, byte[]> values = new LinkedHashMap<>();
        for (Map.Entry<List<String>, byte[]> file : tree.files().entrySet()) {
            try {
                values.put(new Key(file.getKey()), file.getValue());
            } catch (IllegalArgumentException e) {
                throw refused(option, String.join("/", file.getKey()) + " cannot be a key: " + e.getMessage());
            }
        }
        return KvRo.of(values, tree.newest());
    }

    /** A tar file, read whole into a memory block device and opened by the tar reader. */
    private static KvRo tar(String option, Path file, FileTree.Limits limits) throws ArgumentException {
        byte[] bytes;
        try {
            bytes = FileTree.readFile(file, limits.fileBytes());
        } catch (FileTree.RefusedException e) {
            throw refused(option, e.getMessage());
        }
        if (bytes.length == 0) {
            throw refused(option, file + " is empty, not a tar archive (an empty store is an empty directory)");
        }
        long sectors = (bytes.length + TAR_BLOCK - 1) / TAR_BLOCK;
        Block block = Block.memory(TAR_BLOCK, sectors);
        try {
            ByteBuffer padded = ByteBuffer.allocate((int) (sectors * TAR_BLOCK)).put(bytes).flip();
            block.write(0, List.of(padded));
            return TarStore.readOnly(block);
        } catch (BlockException | KvException e) {
            block.close();
            throw refused(option, file + " is not a readable tar archive: " + e.getMessage());
        }
    }

    /** A bound store: the read-only store in memory, and the platform's {@link Device}. */
    static final class HostKv implements KvRo, Device {
        private final String name;
        private final int handle;
        private final KvRo store;

        HostKv(String name, int handle, KvRo store) {
            this.name = name;
            this.handle = handle;
            this.store = store;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeviceKind kind() {
            return DeviceKind.KV_RO;
        }

        @Override
        public int handle() {
            return handle;
        }

        @Override
        public Optional<Kind> exists(Key key) throws KvException {
            return store.exists(key);
        }

        @Override
        public byte[] get(Key key) throws KvException {
            return store.get(key);
        }

        @Override
        public byte[] getPartial(Key key, long offset, int length) throws KvException {
            return store.getPartial(key, offset, length);
        }

        @Override
        public List<Entry> list(Key key) throws KvException {
            return store.list(key);
        }

        @Override
        public Instant lastModified(Key key) throws KvException {
            return store.lastModified(key);
        }

        @Override
        public byte[] digest(Key key) throws KvException {
            return store.digest(key);
        }

        @Override
        public long size(Key key) throws KvException {
            return store.size(key);
        }

        @Override
        public void close() {
            store.close();
        }

        @Override
        public String toString() {
            return "key-value device " + name;
        }
    }
}
