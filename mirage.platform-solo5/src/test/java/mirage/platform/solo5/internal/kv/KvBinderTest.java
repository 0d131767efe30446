package mirage.platform.solo5.internal.kv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.internal.files.FileTree;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvRo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KvBinder}: a directory or tar file read whole when a KV_RO device is bound, and every way that fails. */
class KvBinderTest {
    static final String OPTION = "--kv:certs";
    static final FileTree.Limits SMALL = new FileTree.Limits(100, 250, 10);

    @TempDir
    Path dir;

    static KvRo read(Path path) throws ArgumentException {
        return KvBinder.read(OPTION, path.toString(), FileTree.Limits.DEFAULT);
    }

    static void refused(String fragment, Path path, FileTree.Limits limits) {
        ArgumentException e = assertThrows(ArgumentException.class, () -> KvBinder.read(OPTION, path.toString(), limits));
        assertEquals(Problem.DEVICE, e.problem(), e.getMessage());
        assertEquals(OPTION, e.argument());
        assertTrue(e.getMessage().startsWith("cannot attach --kv:certs: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void aDirectoryIsItsFilesRecursivelyReadWhenBound() throws Exception {
        Path root = dir.resolve("certs");
        write(root.resolve("server.pem"), "certificate");
        write(root.resolve("keys/server.key"), "key");
        Files.createDirectories(root.resolve("empty"));
        Files.setLastModifiedTime(root.resolve("server.pem"), FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.setLastModifiedTime(root.resolve("keys/server.key"), FileTime.from(Instant.parse("2026-02-01T00:00:00Z")));
        KvRo kv = read(root);
        // nothing after binding reads the host: the files may go
        Files.delete(root.resolve("server.pem"));
        assertArrayEquals("certificate".getBytes(UTF_8), kv.get(Key.parse("server.pem")));
        assertArrayEquals("key".getBytes(UTF_8), kv.get(Key.parse("keys/server.key")));
        assertEquals(List.of(new Entry(Key.parse("keys"), Kind.DICTIONARY), new Entry(Key.parse("server.pem"), Kind.VALUE)),
                kv.list(Key.ROOT), "an empty directory holds no value, so it is no dictionary");
        assertEquals(Instant.parse("2026-02-01T00:00:00Z"), kv.lastModified(Key.parse("server.pem")),
                "every value is as new as the newest file");
    }

    @Test
    void linksInsideTheDirectoryAreFollowedAndThoseLeadingOutAreRefused() throws Exception {
        Path root = dir.resolve("site");
        write(root.resolve("real/index.html"), "hello");
        Files.createSymbolicLink(root.resolve("index.html"), Path.of("real/index.html"));
        Files.createSymbolicLink(root.resolve("alias"), Path.of("real"));
        KvRo kv = read(root);
        assertArrayEquals("hello".getBytes(UTF_8), kv.get(Key.parse("index.html")));
        assertArrayEquals("hello".getBytes(UTF_8), kv.get(Key.parse("alias/index.html")));

        write(dir.resolve("secret"), "not for the unikernel");
        Files.createSymbolicLink(root.resolve("escape"), dir.resolve("secret"));
        refused("escape is a symbolic link to " + dir.toRealPath().resolve("secret") + ", outside the directory", root,
                FileTree.Limits.DEFAULT);
        Files.delete(root.resolve("escape"));
        Files.createSymbolicLink(root.resolve("up"), Path.of(".."));
        refused("up is a symbolic link", root, FileTree.Limits.DEFAULT);
        Files.delete(root.resolve("up"));
        Files.createSymbolicLink(root.resolve("real/loop"), Path.of(".."));
        refused("loop is a symbolic link that loops", root, FileTree.Limits.DEFAULT);
        Files.delete(root.resolve("real/loop"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("absent"));
        refused("dangling is a dangling symbolic link", root, FileTree.Limits.DEFAULT);
    }

    @Test
    void missingPathsAndOtherKindsOfFileAreRefused() throws Exception {
        refused(dir.resolve("absent") + " does not exist (give a directory or a tar file)", dir.resolve("absent"),
                FileTree.Limits.DEFAULT);
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("absent"));
        refused("is a dangling symbolic link", dir.resolve("dangling"), FileTree.Limits.DEFAULT);
        Path root = dir.resolve("fifo");
        Files.createDirectories(root);
        Process p = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        refused("pipe is not a regular file or directory", root, FileTree.Limits.DEFAULT);
        refused("is neither a directory nor a regular file", root.resolve("pipe"), FileTree.Limits.DEFAULT);
        ArgumentException bad = assertThrows(ArgumentException.class,
                () -> KvBinder.read(OPTION, "a\0b", FileTree.Limits.DEFAULT));
        assertEquals(Problem.MALFORMED, bad.problem());
    }

    @Test
    void sizesAreBounded() throws Exception {
        Path root = dir.resolve("big");
        write(root.resolve("a"), "x".repeat(101));
        refused("a is 101 bytes, more than the limit of 100", root, SMALL);
        write(root.resolve("a"), "x".repeat(100));
        write(root.resolve("b"), "x".repeat(100));
        assertEquals(100, KvBinder.read(OPTION, root.toString(), SMALL).size(Key.parse("b")));
        write(root.resolve("c"), "x".repeat(100));
        refused("the files hold more than the limit of 250 bytes", root, SMALL);
        Path many = dir.resolve("many");
        for (int i = 0; i < 10; i++) {
            write(many.resolve("f" + i), "");
        }
        refused("more than the limit of 10 entries", many, SMALL);
    }

    @Test
    void aTarFileIsReadByTheTarReader() throws Exception {
        Path root = dir.resolve("content");
        write(root.resolve("server.pem"), "certificate");
        write(root.resolve("keys/server.key"), "key");
        Path tar = dir.resolve("certs.tar");
        gnuTar(tar, root);
        KvRo kv = read(tar);
        Files.delete(tar);
        assertArrayEquals("certificate".getBytes(UTF_8), kv.get(Key.parse("server.pem")));
        assertArrayEquals("key".getBytes(UTF_8), kv.get(Key.parse("keys/server.key")));
        refused("is more than the limit of 100 bytes", written(dir.resolve("t.tar"), new byte[10240]), SMALL);
    }

    @Test
    void aMalformedTarFileIsRefused() throws Exception {
        refused("is empty, not a tar archive", written(dir.resolve("empty.tar"), new byte[0]), FileTree.Limits.DEFAULT);
        byte[] text = "-----BEGIN CERTIFICATE-----\n".repeat(40).getBytes(UTF_8);
        refused("is not a readable tar archive", written(dir.resolve("cert.pem"), text), FileTree.Limits.DEFAULT);
        Path root = dir.resolve("content");
        write(root.resolve("a"), "x".repeat(2000));
        Path tar = dir.resolve("good.tar");
        gnuTar(tar, root);
        byte[] bytes = Files.readAllBytes(tar);
        bytes[148] ^= 1; // the first header's checksum
        refused("is not a readable tar archive", written(dir.resolve("bad.tar"), bytes), FileTree.Limits.DEFAULT);
    }

    /** Any tree of small files reads back as exactly those values. */
    @Test
    void everyTreeReadsBackAsItsFiles() {
        qt().withExamples(40).forAll(lists().of(integers().between(0, 5_000)).ofSizeBetween(0, 12)).checkAssert(sizes -> {
            try {
                Path root = Files.createTempDirectory(dir, "tree");
                Map<Key, byte[]> expected = new TreeMap<>();
                for (int i = 0; i < sizes.size(); i++) {
                    int n = sizes.get(i);
                    List<String> segments = new ArrayList<>();
                    for (int d = 0; d <= n % 3; d++) {
                        segments.add("d" + (n % (d + 2)));
                    }
                    segments.set(segments.size() - 1, "f" + i);
                    byte[] value = new byte[n];
                    for (int b = 0; b < n; b++) {
                        value[b] = (byte) (b * 31 + i);
                    }
                    Path file = root.resolve(String.join("/", segments));
                    Files.createDirectories(file.getParent());
                    Files.write(file, value);
                    expected.put(new Key(segments), value);
                }
                KvRo kv = read(root);
                for (Map.Entry<Key, byte[]> e : expected.entrySet()) {
                    assertArrayEquals(e.getValue(), kv.get(e.getKey()), e.getKey().toString());
                }
                assertEquals(expected.keySet(), values(kv, Key.ROOT), "no other values");
            } catch (IOException | ArgumentException e) {
                throw new AssertionError(e);
            }
        });
    }

    static java.util.Set<Key> values(KvRo kv, Key dictionary) throws mirage.kv.KvException {
        java.util.Set<Key> out = new java.util.TreeSet<>();
        if (kv.exists(dictionary).isEmpty()) {
            return out;
        }
        for (Entry e : kv.list(dictionary)) {
            if (e.kind() == Kind.VALUE) {
                out.add(e.key());
            } else {
                out.addAll(values(kv, e.key()));
            }
        }
        return out;
    }

    static Path written(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    static void gnuTar(Path tar, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tar", "--format=gnu", "-cf", tar.toString(), "-C", dir.toString(), ".")
                .inheritIO().start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "tar");
    }

}
