package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive against GNU cpio, the reference reader of the newc format. */
class CpioTest {
    @TempDir
    Path dir;

    private Cpio sample() throws IOException {
        Path big = dir.resolve("big");
        Files.write(big, Lz4Test.compressible(9, 100_003));
        return new Cpio()
                .add("bin/java", new Cpio.FileEntry(0755, big))
                .add("lib/x86_64-linux-gnu/libc.so.6", new Cpio.Bytes(0644, "libc".getBytes(StandardCharsets.UTF_8)))
                .add("lib64/ld-linux-x86-64.so.2", new Cpio.Symlink("/lib/x86_64-linux-gnu/libc.so.6"))
                .add("mirage/java.args", new Cpio.Bytes(0644, "-m hello\n".getBytes(StandardCharsets.UTF_8)))
                .add("mirage/empty", new Cpio.Bytes(0600, new byte[0]))
                .add("dev/console", new Cpio.CharDevice(0600, 5, 1))
                .add("dev/ttyS1", new Cpio.CharDevice(0600, 4, 65))
                .add("proc", new Cpio.Directory(0555))
                .add("a-b", new Cpio.Bytes(0644, new byte[] {1}))
                .add("a/b", new Cpio.Bytes(0644, new byte[] {2, 3}));
    }

    private static byte[] bytes(Cpio cpio) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = cpio.writeTo(out);
        assertEquals(out.size(), n, "writeTo counts what it writes");
        return out.toByteArray();
    }

    private static String cpio(Path cwd, byte[] input, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("cpio"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(input);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void gnu_cpio_lists_every_entry_with_its_mode_owner_size_and_device_numbers() throws Exception {
        assumeTrue(Lz4Test.onPath("cpio"), "GNU cpio is not installed (Debian package cpio)");
        String version = cpio(dir, new byte[0], "--version");
        assumeTrue(version.startsWith("cpio (GNU cpio)"), "not GNU cpio: " + version);
        String listing = cpio(dir, bytes(sample()), "-t", "-v", "--quiet", "--numeric-uid-gid");
        List<String> lines = listing.lines().map(l -> l.replaceAll(" +", " ")).toList();
        assertEquals(List.of(
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 a",
                "-rw-r--r-- 1 0 0 1 Jan 1 1970 a-b",
                "-rw-r--r-- 1 0 0 2 Jan 1 1970 a/b",
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 bin",
                "-rwxr-xr-x 1 0 0 100003 Jan 1 1970 bin/java",
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 dev",
                "crw------- 1 0 0 5, 1 Jan 1 1970 dev/console",
                "crw------- 1 0 0 4, 65 Jan 1 1970 dev/ttyS1",
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 lib",
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 lib/x86_64-linux-gnu",
                "-rw-r--r-- 1 0 0 4 Jan 1 1970 lib/x86_64-linux-gnu/libc.so.6",
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 lib64",
                "lrwxrwxrwx 1 0 0 31 Jan 1 1970 lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/libc.so.6",
                "drwxr-xr-x 2 0 0 0 Jan 1 1970 mirage",
                "-rw------- 1 0 0 0 Jan 1 1970 mirage/empty",
                "-rw-r--r-- 1 0 0 9 Jan 1 1970 mirage/java.args",
                "dr-xr-xr-x 2 0 0 0 Jan 1 1970 proc"), lines);
    }

    @Test
    void gnu_cpio_extracts_the_files_byte_for_byte_with_their_modes() throws Exception {
        assumeTrue(Lz4Test.onPath("cpio"), "GNU cpio is not installed (Debian package cpio)");
        Cpio cpio = new Cpio();
        for (var e : sample().entries().entrySet()) {
            if (!(e.getValue() instanceof Cpio.CharDevice)) { // mknod needs root; the listing checks devices
                cpio.add(e.getKey(), e.getValue());
            }
        }
        Path out = Files.createDirectory(dir.resolve("out"));
        cpio(out, bytes(cpio), "-i", "-d", "--quiet", "--no-absolute-filenames");
        assertArrayEquals(Files.readAllBytes(dir.resolve("big")), Files.readAllBytes(out.resolve("bin/java")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/java"))));
        assertEquals("-m hello\n", Files.readString(out.resolve("mirage/java.args")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("mirage/empty"))));
        assertEquals(Path.of("/lib/x86_64-linux-gnu/libc.so.6"), Files.readSymbolicLink(out.resolve("lib64/ld-linux-x86-64.so.2")));
        assertArrayEquals(new byte[] {2, 3}, Files.readAllBytes(out.resolve("a/b")));
    }

    @Test
    void the_same_entries_give_the_same_bytes_whatever_order_they_are_added_in() throws Exception {
        Cpio forward = sample();
        Cpio backward = new Cpio();
        List<String> paths = new java.util.ArrayList<>(forward.entries().keySet());
        java.util.Collections.reverse(paths);
        for (String p : paths) {
            backward.add(p, forward.entries().get(p));
        }
        assertArrayEquals(bytes(forward), bytes(backward));
    }

    @Test
    void every_entry_and_the_archive_are_padded_to_four_bytes_and_end_with_the_trailer() throws Exception {
        byte[] b = bytes(sample());
        assertEquals(0, b.length % 4);
        String tail = new String(b, b.length - 124, 124, StandardCharsets.US_ASCII);
        assertTrue(tail.startsWith("070701") && tail.contains("TRAILER!!!"), tail);
        assertEquals("070701", new String(b, 0, 6, StandardCharsets.US_ASCII));
    }

    @Test
    void paths_that_are_not_canonical_and_relative_are_refused() {
        for (String bad : List.of("", "/bin/java", "bin/", "a//b", "./a", "a/../b", "a/.", "nul\0l")) {
            assertThrows(IllegalArgumentException.class, () -> new Cpio().add(bad, new Cpio.Directory(0755)), bad);
        }
        Cpio c = new Cpio().add("f", new Cpio.Bytes(0644, new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.add("f/g", new Cpio.Bytes(0644, new byte[0])));
        assertEquals("f/g: its parent f is not a directory", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.add("f", new Cpio.Directory(0755)));
        assertEquals("f is already in the archive", e.getMessage());
    }
}
