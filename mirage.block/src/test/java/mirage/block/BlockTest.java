package mirage.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import mirage.block.BlockException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockTest {
    @TempDir
    Path dir;

    static ByteBuffer filled(int size, int value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) value);
        return ByteBuffer.wrap(bytes);
    }

    static Reason reason(Executable e) {
        return assertThrows(BlockException.class, e::run).reason();
    }

    interface Executable {
        void run() throws Exception;
    }

    @Test
    void memory_device_starts_zeroed_and_reads_back_a_scattered_write() throws Exception {
        try (Block b = Block.memory(512, 8)) {
            assertEquals(new Block.Info(512, 8, true), b.info());
            ByteBuffer a = filled(512, 1);
            ByteBuffer c = ByteBuffer.allocateDirect(1024).put(filled(1024, 2)).flip();
            b.write(3, List.of(a, c));
            assertFalse(a.hasRemaining());
            assertFalse(c.hasRemaining());
            ByteBuffer all = ByteBuffer.allocate(8 * 512);
            b.read(0, List.of(all));
            byte[] expected = new byte[8 * 512];
            Arrays.fill(expected, 3 * 512, 4 * 512, (byte) 1);
            Arrays.fill(expected, 4 * 512, 6 * 512, (byte) 2);
            assertArrayEquals(expected, all.array());
        }
    }

    @Test
    void memory_device_larger_than_two_gibibytes_is_sparse() throws Exception {
        try (Block b = Block.memory(4096, 1L << 22)) { // 16 GiB
            b.write((1L << 22) - 1, List.of(filled(4096, 7)));
            ByteBuffer last = ByteBuffer.allocate(4096);
            b.read((1L << 22) - 1, List.of(last));
            assertEquals(7, last.get(4095));
        }
    }

    @Test
    void preconditions_fail_with_their_typed_reason() throws Exception {
        Block b = Block.memory(512, 4);
        assertEquals(Reason.MISALIGNED, reason(() -> b.read(0, List.of(ByteBuffer.allocate(100)))));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> b.read(3, List.of(ByteBuffer.allocate(1024)))));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> b.write(-1, List.of())));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> b.discard(2, 3)));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> b.read(Long.MAX_VALUE, List.of(ByteBuffer.allocate(512)))));
        assertThrows(ReadOnlyBufferException.class, () -> b.read(0, List.of(ByteBuffer.allocate(512).asReadOnlyBuffer())));
        b.close();
        b.close();
        assertEquals(Reason.DISCONNECTED, reason(() -> b.read(0, List.of())));
        assertEquals(Reason.DISCONNECTED, reason(b::flush));
        assertEquals(512, b.info().sectorSize());
    }

    @Test
    void invalid_geometry_is_refused_when_built() {
        assertThrows(IllegalArgumentException.class, () -> Block.memory(500, 1));
        assertThrows(IllegalArgumentException.class, () -> Block.memory(512, -1));
        assertThrows(IllegalArgumentException.class, () -> Block.memory(1 << 21, 1));
        assertThrows(IllegalArgumentException.class, () -> Block.memory(4096, Long.MAX_VALUE / 1024));
    }

    @Test
    void file_device_is_created_sparse_and_persists_after_flush() throws Exception {
        Path path = dir.resolve("disk.img");
        try (Block b = Block.file(path, FileOption.create(1 << 20), FileOption.sectorSize(512))) { // 512 MiB
            assertEquals(new Block.Info(512, 1 << 20, true), b.info());
            b.write(1000, List.of(filled(512, 9)));
            b.flush();
        }
        assertEquals(512L << 20, Files.size(path));
        long allocated = Long.parseLong(new String(new ProcessBuilder("stat", "-c", "%b", path.toString())
                .start().getInputStream().readAllBytes()).trim());
        assertTrue(allocated < 1024, "a sparse file allocates almost nothing, not " + allocated + " blocks");
        byte[] bytes = new byte[512];
        try (var ch = java.nio.channels.FileChannel.open(path)) {
            ch.read(ByteBuffer.wrap(bytes), 1000 * 512);
        }
        assertArrayEquals(filled(512, 9).array(), bytes);
        try (Block ro = Block.file(path, FileOption.readOnly())) {
            assertFalse(ro.info().readWrite());
            assertEquals(Reason.READ_ONLY, reason(() -> ro.write(0, List.of(filled(512, 1)))));
            ByteBuffer back = ByteBuffer.allocate(512);
            ro.read(1000, List.of(back));
            assertArrayEquals(bytes, back.array());
        }
    }

    @Test
    void file_device_rounds_a_ragged_size_down_and_reports_open_failures() throws Exception {
        Path path = dir.resolve("ragged");
        Files.write(path, new byte[1500]);
        try (Block b = Block.file(path)) {
            assertEquals(2, b.info().sizeSectors());
        }
        BlockException e = assertThrows(BlockException.class, () -> Block.file(dir.resolve("absent")));
        assertEquals(Reason.IO, e.reason());
        assertEquals(Reason.IO, reason(() -> Block.file(path, FileOption.create(1))));
        assertThrows(IllegalArgumentException.class, () -> Block.file(path, FileOption.create(1), FileOption.readOnly()));
    }

    @Test
    void read_only_view_reads_through_and_refuses_writes() throws Exception {
        Block b = Block.memory(512, 4);
        b.write(1, List.of(filled(512, 5)));
        Block ro = Block.readOnly(b);
        assertFalse(ro.info().readWrite());
        ByteBuffer s = ByteBuffer.allocate(512);
        ro.read(1, List.of(s));
        assertEquals(5, s.get(0));
        assertEquals(Reason.READ_ONLY, reason(() -> ro.write(0, List.of(filled(512, 1)))));
        assertEquals(Reason.READ_ONLY, reason(() -> ro.discard(0, 1)));
        ro.flush();
        ro.close();
        b.read(1, List.of(ByteBuffer.allocate(512))); // the view does not close its device
    }

    @Test
    void sub_range_view_shifts_offsets_and_keeps_its_bounds() throws Exception {
        Block b = Block.memory(512, 10);
        Block part = Block.subRange(b, 4, 3);
        assertEquals(new Block.Info(512, 3, true), part.info());
        part.write(0, List.of(filled(512, 1)));
        ByteBuffer s = ByteBuffer.allocate(512);
        b.read(4, List.of(s));
        assertEquals(1, s.get(0));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> part.write(2, List.of(filled(1024, 1)))));
        assertThrows(IllegalArgumentException.class, () -> Block.subRange(b, 8, 3));
        assertThrows(IllegalArgumentException.class, () -> Block.subRange(b, -1, 1));
        b.close();
        assertEquals(Reason.DISCONNECTED, reason(() -> part.read(0, List.of(ByteBuffer.allocate(512)))));
    }

    /** A device that trusts its callers and breaks in every unchecked way. */
    static final class Careless implements Block {
        int calls;

        @Override public Info info() { return new Info(512, 4, true); }
        @Override public void read(long o, List<ByteBuffer> b) { calls++; throw new IndexOutOfBoundsException("oops"); }
        @Override public void write(long o, List<ByteBuffer> b) { calls++; throw new IllegalStateException("oops"); }
        @Override public void flush() { calls++; }
        @Override public void discard(long o, long n) { calls++; }
        @Override public void close() {}
    }

    @Test
    void checked_view_stops_bad_calls_before_the_device_and_types_its_failures() throws Exception {
        Careless careless = new Careless();
        Block b = Block.checked(careless);
        assertEquals(Reason.MISALIGNED, reason(() -> b.write(0, List.of(ByteBuffer.allocate(3)))));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> b.read(4, List.of(ByteBuffer.allocate(512)))));
        assertEquals(Reason.OUT_OF_RANGE, reason(() -> b.discard(0, 5)));
        assertEquals(0, careless.calls);
        BlockException e = assertThrows(BlockException.class, () -> b.read(0, List.of(ByteBuffer.allocate(512))));
        assertEquals(Reason.IO, e.reason());
        assertTrue(e.getCause() instanceof IndexOutOfBoundsException);
        assertEquals(Reason.IO, reason(() -> b.write(0, List.of(ByteBuffer.allocate(512)))));
        b.close();
        assertEquals(Reason.DISCONNECTED, reason(b::flush));
        assertEquals(Reason.READ_ONLY, reason(() -> Block.checked(Block.readOnly(careless)).discard(0, 1)));
    }

    @Test
    void failed_write_changes_nothing_and_the_device_goes_on() throws Exception {
        Block mem = Block.memory(512, 4);
        FaultyBlock f = Block.faulty(mem, new Fault.FailWrite(1));
        f.write(0, List.of(filled(512, 1)));
        assertEquals(Reason.IO, reason(() -> f.write(1, List.of(filled(512, 2)))));
        assertTrue(f.faulted());
        f.write(2, List.of(filled(512, 3)));
        assertEquals(3, f.writes());
        ByteBuffer all = ByteBuffer.allocate(2048);
        mem.read(0, List.of(all));
        assertEquals(1, all.get(0));
        assertEquals(0, all.get(512));
        assertEquals(3, all.get(1024));
    }

    @Test
    void torn_write_keeps_exactly_its_first_bytes_then_the_device_is_gone() throws Exception {
        Block mem = Block.memory(512, 4);
        FaultyBlock f = Block.faulty(mem, new Fault.TearWrite(0, 700));
        assertEquals(Reason.IO, reason(() -> f.write(1, List.of(filled(512, 1), filled(1024, 2)))));
        assertEquals(Reason.DISCONNECTED, reason(() -> f.read(0, List.of(ByteBuffer.allocate(512)))));
        assertEquals(Reason.DISCONNECTED, reason(() -> f.write(0, List.of(filled(512, 1)))));
        ByteBuffer all = ByteBuffer.allocate(2048);
        mem.read(0, List.of(all));
        byte[] expected = new byte[2048];
        Arrays.fill(expected, 512, 1024, (byte) 1);
        Arrays.fill(expected, 1024, 512 + 700, (byte) 2);
        assertArrayEquals(expected, all.array());
    }

    @Test
    void seeded_tear_is_reproducible() throws Exception {
        byte[][] images = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Block mem = Block.memory(512, 8);
            FaultyBlock f = Block.faulty(mem, new Fault.SeededTear(0, 42));
            assertThrows(BlockException.class, () -> f.write(0, List.of(filled(4096, 0xAB))));
            ByteBuffer all = ByteBuffer.allocate(4096);
            mem.read(0, List.of(all));
            images[run] = all.array();
        }
        assertArrayEquals(images[0], images[1]);
    }
}
