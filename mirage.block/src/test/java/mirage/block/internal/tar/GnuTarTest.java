package mirage.block.internal.tar;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import mirage.block.Block;
import mirage.block.FileOption;
import mirage.block.TarStore;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both directions against GNU tar, run by the test: archives it writes, and archives it reads. */
class GnuTarTest {
    static final String LONG_DIR = "l".repeat(80) + "/" + "o".repeat(60);
    static final String DEEP = "d/".repeat(40) + "leaf";

    @TempDir
    Path tmp;

    @BeforeAll
    static void gnuTar() throws Exception {
        boolean gnu;
        try {
            gnu = run(Path.of("."), "tar", "--version").contains("GNU tar");
        } catch (IOException e) {
            gnu = false;
        }
        assumeTrue(gnu, "GNU tar is not installed");
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        int rc = p.waitFor();
        assertEquals(0, rc, String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    /** The files the archives hold: long names, unicode, empty, deep. */
    static Map<String, byte[]> files(boolean ustarOnly) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("plain.txt", "hello\n".getBytes(UTF_8));
        m.put("empty", new byte[0]);
        m.put("déjà vu/€ ünïcödé.txt", "ü".getBytes(UTF_8));
        m.put(LONG_DIR + "/name-over-100-bytes.bin", new byte[1500]);
        m.put(DEEP, "deep".getBytes(UTF_8));
        m.put("block/exactly-512", "x".repeat(512).getBytes(UTF_8));
        if (!ustarOnly) {
            m.put("n".repeat(250) + ".long", "very long".getBytes(UTF_8));
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax", "ustar", "oldgnu"})
    void readsWhatGnuTarWrites(String format) throws Exception {
        boolean ustar = format.equals("ustar");
        Map<String, byte[]> files = files(ustar);
        Path src = Files.createDirectories(tmp.resolve("src"));
        long t = 1_600_000_000L;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = src.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
            Files.setLastModifiedTime(p, FileTime.from(Instant.ofEpochSecond(t++)));
        }
        Files.createDirectories(src.resolve("empty-dir"));
        Files.createLink(src.resolve("hard-link"), src.resolve("plain.txt"));
        Files.createSymbolicLink(src.resolve("sym-link"), Path.of("plain.txt"));
        Path archive = tmp.resolve("a.tar");
        run(src, "tar", "-cf", archive.toString(), "--format=" + format, ".");

        try (Block dev = Block.file(archive, FileOption.readOnly())) {
            KvRo ro = TarStore.readOnly(dev);
            t = 1_600_000_000L;
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Key key = Key.parse(f.getKey());
                assertArrayEquals(f.getValue(), ro.get(key), format + " " + f.getKey());
                assertEquals(f.getValue().length, ro.size(key));
                assertEquals(Instant.ofEpochSecond(t++), ro.lastModified(key), f.getKey());
            }
            assertArrayEquals("hello\n".getBytes(UTF_8), ro.get(Key.parse("hard-link")));
            assertEquals(Optional.empty(), ro.exists(Key.parse("sym-link")), "symbolic links are not values");
            assertEquals(Optional.empty(), ro.exists(Key.parse("empty-dir")), "no empty dictionaries");
            assertEquals(Optional.of(Kind.DICTIONARY), ro.exists(Key.parse("d/d/d")));
            KvException e = org.junit.jupiter.api.Assertions.assertThrows(KvException.class, () -> ro.get(Key.parse("d")));
            assertEquals(Reason.VALUE_EXPECTED, e.reason());
        }
    }

    @Test
    void gnuTarListsAndExtractsWhatTheAppendOnlyStoreWrites() throws Exception {
        Path image = tmp.resolve("img");
        Map<String, byte[]> files = files(false);
        try (Block dev = Block.file(image, FileOption.create(200))) {
            KvRw rw = TarStore.appendOnly(dev, () -> Instant.ofEpochSecond(1_650_000_000L));
            rw.set(Key.parse("plain.txt"), "first version".getBytes(UTF_8));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                rw.set(Key.parse(f.getKey()), f.getValue());
            }
        }
        List<String> expected = new ArrayList<>();
        expected.add("plain.txt");
        expected.addAll(files.keySet());
        String listing = run(tmp, "tar", "--quoting-style=literal", "-tf", image.toString());
        assertEquals(expected, List.of(listing.split("\n")));

        Path out = Files.createDirectories(tmp.resolve("out"));
        run(out, "tar", "-xf", image.toString());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = out.resolve(f.getKey());
            assertArrayEquals(f.getValue(), Files.readAllBytes(p), f.getKey());
            assertEquals(Instant.ofEpochSecond(1_650_000_000L), Files.getLastModifiedTime(p).toInstant());
        }
        try (Stream<Path> all = Files.walk(out)) {
            assertEquals(files.size(), all.filter(Files::isRegularFile).count());
        }
    }

    /**
     * A file of more than 8 GiB: a header with a base-256 size written over a sparse image,
     * read by the store (through getPartial) and listed by GNU tar; then one more append.
     */
    @Test
    void anEntryOverEightGibibytes() throws Exception {
        long size = (8L << 30) + 1;
        long dataBlocks = (size + 511) / 512;
        Path image = tmp.resolve("big.img");
        try (Block dev = Block.file(image, FileOption.create(1 + dataBlocks + 2 + 8))) {
            byte[] header = TarHeader.encode("big".getBytes(UTF_8), TarHeader.REGULAR, size, 1_234_567_890L);
            assertEquals((byte) 0x80, header[124], "base-256 size");
            dev.write(0, List.of(ByteBuffer.wrap(header)));
            byte[] tail = new byte[512];
            byte[] marker = "tail!".getBytes(UTF_8);
            // The last data block holds the final byte at its start: put "tail" before it.
            long lastBlock = dataBlocks; // sector index of the last data block (header is sector 0)
            byte[] previous = new byte[512];
            System.arraycopy(marker, 0, previous, 508, 4);
            tail[0] = marker[4];
            dev.write(lastBlock - 1, List.of(ByteBuffer.wrap(previous)));
            dev.write(lastBlock, List.of(ByteBuffer.wrap(tail)));

            KvRo ro = TarStore.readOnly(dev);
            Key big = Key.parse("big");
            assertEquals(size, ro.size(big));
            assertArrayEquals(marker, ro.getPartial(big, size - 5, 100));
            assertEquals(Instant.ofEpochSecond(1_234_567_890L), ro.lastModified(big));
            KvException e = org.junit.jupiter.api.Assertions.assertThrows(KvException.class, () -> ro.get(big));
            assertEquals(Reason.NO_SPACE, e.reason());

            KvRw rw = TarStore.appendOnly(dev, () -> Instant.EPOCH);
            rw.set(Key.parse("small"), "s".getBytes(UTF_8));
        }
        String listing = run(tmp, "tar", "-tvf", image.toString());
        String[] lines = listing.split("\n");
        assertEquals(2, lines.length, listing);
        assertTrue(lines[0].contains(" " + size + " ") && lines[0].endsWith(" big"), lines[0]);
        assertTrue(lines[1].endsWith(" small"), lines[1]);
    }
}
