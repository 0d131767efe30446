package mirage.core.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A host directory's regular files, recursively, read whole into memory: what a {@code KV_RO}
 * device bound at boot holds ({@code mirage.platform.solo5}) and what the link tool packs into
 * an image ({@code mirage.link}), one policy for both, exported to those two modules only.
 *
 * <p>A symbolic link is followed only when what it names lies inside the directory; one that
 * leads outside, dangles or loops is refused, as is anything that is neither a regular file
 * nor a directory (a FIFO, a socket, a device node: reading one could block). Sizes are bounded
 * by {@link Limits}. Nothing is kept open once {@link #read} returns.
 */
public final class FileTree {

    /**
     * How much one read may take.
     *
     * @param fileBytes the largest single file
     * @param totalBytes the most bytes of all files together
     * @param entries the most files and directories
     */
    public record Limits(long fileBytes, long totalBytes, int entries) {
        /** 64 MiB a file, 256 MiB in all, 65,536 entries: certificates, keys, static sites. */
        public static final Limits DEFAULT = new Limits(64L << 20, 256L << 20, 65_536);

        /** @throws IllegalArgumentException if a limit is negative or a file may exceed a Java array */
        public Limits {
            if (fileBytes < 0 || totalBytes < 0 || entries < 0 || fileBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("bad limits " + fileBytes + ", " + totalBytes + ", " + entries);
            }
        }
    }

    /**
     * What was read.
     *
     * @param files each regular file's bytes by its path below the directory (its names, in order)
     * @param newest the latest modification time among the files; the epoch when there are none
     */
    public record Tree(SortedMap<List<String>, byte[]> files, Instant newest) {
        public Tree {
            files = Collections.unmodifiableSortedMap(files);
        }
    }

    /** A directory refused: its message says why, in one line naming the file. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    private FileTree() {}

    /**
     * Reads {@code dir}'s files.
     *
     * @throws RefusedException if the directory cannot be read, a link leads outside it, dangles
     *     or loops, an entry is not a regular file or directory, or a limit is passed
     */
    public static Tree read(Path dir, Limits limits) throws RefusedException {
        Path root;
        try {
            root = dir.toRealPath();
        } catch (IOException e) {
            throw new RefusedException("cannot read " + dir + ": " + reason(e));
        }
        Walk walk = new Walk(root, limits);
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, walk);
        } catch (RefusedException e) {
            throw e;
        } catch (IOException e) {
            throw new RefusedException("cannot read " + dir + ": " + reason(e));
        }
        return new Tree(walk.files, walk.newest);
    }

    /**
     * The bytes of one file, at most {@code limit}.
     *
     * @throws RefusedException if it cannot be read or holds more than {@code limit} bytes
     */
    public static byte[] readFile(Path file, long limit) throws RefusedException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, limit + 1));
        } catch (IOException e) {
            throw new RefusedException("cannot read " + file + ": " + reason(e));
        }
        if (bytes.length > limit) {
            throw new RefusedException(file + " is more than the limit of " + limit + " bytes");
        }
        return bytes;
    }

    /** Collects the files of a tree, checking each step against the root and the limits. */
    private static final class Walk extends SimpleFileVisitor<Path> {
        final Path root;
        final Limits limits;
        final SortedMap<List<String>, byte[]> files = new TreeMap<>(FileTree::compare);
        Instant newest = Instant.EPOCH;
        long total;
        int entries;

        Walk(Path root, Limits limits) {
            this.root = root;
            this.limits = limits;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            inside(dir);
            count();
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            if (attrs.isSymbolicLink()) {
                throw new RefusedException(shown(file) + " is a dangling symbolic link");
            }
            if (!attrs.isRegularFile()) {
                throw new RefusedException(shown(file) + " is not a regular file or directory");
            }
            inside(file);
            count();
            if (attrs.size() > limits.fileBytes()) {
                throw new RefusedException(shown(file) + " is " + attrs.size() + " bytes, more than the limit of "
                        + limits.fileBytes());
            }
            byte[] bytes = readFile(file, limits.fileBytes());
            total += bytes.length;
            if (total > limits.totalBytes()) {
                throw new RefusedException("the files hold more than the limit of " + limits.totalBytes() + " bytes");
            }
            List<String> names = new ArrayList<>();
            for (Path p : root.relativize(file)) {
                names.add(p.toString());
            }
            files.put(List.copyOf(names), bytes);
            Instant modified = attrs.lastModifiedTime().toInstant();
            if (modified.isAfter(newest)) {
                newest = modified;
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof FileSystemLoopException) {
                throw new RefusedException(shown(file) + " is a symbolic link that loops back to a directory above it");
            }
            throw new RefusedException("cannot read " + shown(file) + ": " + reason(e));
        }

        /** Refuses a path that, its links followed, lies outside the root. */
        private void inside(Path p) throws IOException {
            Path real = p.toRealPath();
            if (!real.startsWith(root)) {
                throw new RefusedException(shown(p) + " is a symbolic link to " + real
                        + ", outside the directory (links are followed only within it)");
            }
        }

        private void count() throws RefusedException {
            if (++entries > limits.entries()) {
                throw new RefusedException("the directory holds more than the limit of " + limits.entries() + " entries");
            }
        }

        private String shown(Path p) {
            Path relative = root.relativize(p);
            return relative.toString().isEmpty() ? root.toString() : relative.toString();
        }
    }

    /** Paths in the order of their names, name by name. */
    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static String reason(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
