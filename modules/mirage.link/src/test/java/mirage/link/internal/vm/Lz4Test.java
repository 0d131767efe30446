package mirage.link.internal.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Lz4Test {
    /** Data with repeats at many distances and lengths, some runs, some noise. */
    static byte[] compressible(long seed, int size) {
        Random r = new Random(seed);
        byte[] b = new byte[size];
        int i = 0;
        while (i < size) {
            int kind = r.nextInt(4);
            int n = Math.min(size - i, 1 + r.nextInt(300));
            if (kind == 0 || i == 0) {
                for (int k = 0; k < n; k++) {
                    b[i + k] = (byte) r.nextInt(256);
                }
            } else if (kind == 1) {
                java.util.Arrays.fill(b, i, i + n, (byte) r.nextInt(4));
            } else {
                int dist = 1 + r.nextInt(Math.min(i, kind == 2 ? 8 : 70000));
                for (int k = 0; k < n; k++) {
                    b[i + k] = b[i + k - dist];
                }
            }
            i += n;
        }
        return b;
    }

    private static byte[] decodeBlock(byte[] block, int max) throws MalformedException {
        byte[] out = new byte[max];
        int n = Lz4.decodeBlock(block, 0, block.length, out, 0, max);
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void a_block_decodes_to_what_was_encoded() {
        qt().forAll(longs().all(), integers().between(1, 200_000)).checkAssert((seed, size) -> {
            byte[] data = compressible(seed, size);
            byte[] block = Lz4Encoder.block(data);
            try {
                assertArrayEquals(data, decodeBlock(block, size));
            } catch (MalformedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void a_legacy_frame_of_several_blocks_decodes_whole() throws Exception {
        byte[] data = compressible(7, 3 * 100_000 + 17);
        byte[] frame = Lz4Encoder.legacyFrame(data, 100_000);
        assertArrayEquals(data, Lz4.decodeLegacyFrame(frame, 0, frame.length, data.length));
    }

    @Test
    void overlapping_matches_repeat_their_pattern() throws Exception {
        // "ab" then a match of offset 2, length 10: "ab" x 6; then the last literals "xyzzy"
        byte[] block = {0x26, 'a', 'b', 2, 0, 0x50, 'x', 'y', 'z', 'z', 'y'};
        assertEquals("ab".repeat(6) + "xyzzy", new String(decodeBlock(block, 100)));
        // offset 1: a run
        byte[] run = {0x1f, 'q', 1, 0, 5, 0x10, '!'};
        assertEquals("q".repeat(1 + 15 + 4 + 5) + "!", new String(decodeBlock(run, 100)));
    }

    @Test
    void an_offset_before_the_output_is_refused() {
        byte[] block = {0x14, 'a', 2, 0, 0x00};
        MalformedException e = assertThrows(MalformedException.class, () -> decodeBlock(block, 100));
        assertEquals("match offset 2 at byte 2 reaches before the block's output (1 bytes so far)", e.getMessage());
        byte[] zero = {0x14, 'a', 0, 0, 0x00};
        assertThrows(MalformedException.class, () -> decodeBlock(zero, 100));
    }

    @Test
    void literals_past_the_block_and_output_past_the_bound_are_refused() {
        assertThrows(MalformedException.class, () -> decodeBlock(new byte[] {0x50, 'a', 'b'}, 100));
        MalformedException e = assertThrows(MalformedException.class, () -> decodeBlock(new byte[] {0x30, 'a', 'b', 'c'}, 2));
        assertEquals("block decodes to more than 2 bytes", e.getMessage());
        assertThrows(MalformedException.class, () -> decodeBlock(new byte[0], 2));
    }

    @Test
    void a_frame_without_the_magic_or_with_a_block_past_the_end_is_refused() throws Exception {
        MalformedException e = assertThrows(MalformedException.class,
                () -> Lz4.decodeLegacyFrame(new byte[] {1, 2, 3, 4, 5}, 0, 5, 100));
        assertEquals("not an LZ4 legacy frame (no magic 0x184C2102)", e.getMessage());
        byte[] frame = Lz4Encoder.legacyFrame(compressible(1, 1000), 1000);
        e = assertThrows(MalformedException.class, () -> Lz4.decodeLegacyFrame(frame, 0, frame.length - 1, 1000));
        assertTrue(e.getMessage().contains("runs past the input"), e.getMessage());
        e = assertThrows(MalformedException.class, () -> Lz4.decodeLegacyFrame(frame, 0, frame.length, 999));
        assertTrue(e.getMessage().contains("at most 999 bytes in all"), e.getMessage());
    }

    /** The reference encoder: lz4(1)'s legacy format, as the kernel's build makes it. */
    @Test
    void frames_written_by_the_lz4_tool_decode(@TempDir Path dir) throws Exception {
        assumeTrue(onPath("lz4"), "lz4(1) is not installed (Debian package lz4)");
        for (int round = 0; round < 4; round++) {
            byte[] data = compressible(round, round == 0 ? 0 : 1 << (14 + 3 * round));
            Path in = dir.resolve("in" + round);
            Path out = dir.resolve("out" + round + ".lz4");
            Files.write(in, data);
            Process p = new ProcessBuilder("lz4", "-l", "-9", "-f", "-q", in.toString(), out.toString())
                    .redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
            byte[] frame = Files.readAllBytes(out);
            assertArrayEquals(data, Lz4.decodeLegacyFrame(frame, 0, frame.length, data.length), "round " + round);
        }
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
