package mirage.link.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers the JDK lacks. */
public final class Files2 {
    private Files2() {}

    /** Deletes {@code dir} and everything under it, if it exists. */
    public static void deleteTree(Path dir) throws LinkException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new LinkException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the file {@code file}, if it exists. */
    static void delete(Path file) throws LinkException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LinkException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    /** Copies the tree {@code from} to {@code to} (which must not exist). */
    public static void copyTree(Path from, Path to) throws LinkException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new LinkException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }
}
