package mirage.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.block.BlockException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Random sequences of reads, writes, flushes and discards, valid and not, on each kind of
 * device and through the views, checked against a byte array.
 */
class BlockModelTest {
    static final int SECTOR = 64;
    static final long SECTORS = 48;

    @TempDir
    Path dir;
    final AtomicInteger files = new AtomicInteger();

    sealed interface Op {}

    /** Buffers of these many sectors each; a negative entry is a buffer of one sector plus one byte. */
    record Read(long offset, List<Integer> buffers) implements Op {}

    record Write(long offset, List<Integer> buffers, long seed) implements Op {}

    record Discard(long offset, long sectors) implements Op {}

    record Flush() implements Op {}

    static Gen<Op> op() {
        Gen<List<Integer>> buffers = lists().of(integers().between(-1, 4)).ofSizeBetween(0, 3);
        return integers().between(0, 9).zip(longs().between(-2, SECTORS + 2), buffers, longs().between(0, 8),
                (kind, offset, sizes, n) -> switch (kind) {
                    case 0, 1, 2, 3 -> new Write(offset, sizes, offset * 31 + n);
                    case 4, 5, 6 -> new Read(offset, sizes);
                    case 7, 8 -> new Discard(offset, n);
                    default -> new Flush();
                });
    }

    /** The model: the bytes, and which sectors were discarded (each reads as its bytes or zeros). */
    static final class Model {
        final byte[] bytes = new byte[(int) (SECTORS * SECTOR)];
        final boolean[] discarded = new boolean[(int) SECTORS];
        final boolean readWrite;

        Model(boolean readWrite) {
            this.readWrite = readWrite;
        }
    }

    interface Device {
        Block open() throws Exception;
    }

    void check(Device device, boolean readWrite) {
        qt().withExamples(150).forAll(lists().of(op()).ofSizeBetween(1, 40)).checkAssert(ops -> {
            try (Block block = device.open()) {
                assertEquals(new Block.Info(SECTOR, SECTORS, readWrite), block.info());
                Model model = new Model(readWrite);
                for (Op op : ops) {
                    apply(block, model, op);
                }
                apply(block, model, new Read(0, List.of((int) SECTORS)));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    static ByteBuffer[] buffers(List<Integer> sizes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer[] out = new ByteBuffer[sizes.size()];
        for (int i = 0; i < out.length; i++) {
            int length = sizes.get(i) < 0 ? SECTOR + 1 : sizes.get(i) * SECTOR;
            int before = random.nextInt(3);
            ByteBuffer b = (i & 1) == 0 ? ByteBuffer.allocate(before + length + 2) : ByteBuffer.allocateDirect(before + length + 2);
            byte[] fill = new byte[b.capacity()];
            random.nextBytes(fill);
            b.put(fill).clear().position(before).limit(before + length);
            out[i] = b;
        }
        return out;
    }

    static Reason expected(Model model, boolean writes, long offset, long sectors, boolean misaligned) {
        if (writes && !model.readWrite) {
            return Reason.READ_ONLY;
        }
        if (misaligned) {
            return Reason.MISALIGNED;
        }
        if (offset < 0 || offset + sectors > SECTORS) {
            return Reason.OUT_OF_RANGE;
        }
        return null;
    }

    static void apply(Block block, Model model, Op op) throws Exception {
        switch (op) {
            case Flush f -> block.flush();
            case Discard d -> {
                Reason want = expected(model, true, d.offset(), d.sectors(), false);
                if (!outcome(want, () -> block.discard(d.offset(), d.sectors()))) {
                    return;
                }
                for (long s = d.offset(); s < d.offset() + d.sectors(); s++) {
                    model.discarded[(int) s] = true;
                }
            }
            case Write w -> {
                ByteBuffer[] bs = buffers(w.buffers(), w.seed());
                long sectors = w.buffers().stream().mapToLong(n -> Math.max(n, 0)).sum();
                Reason want = expected(model, true, w.offset(), sectors, w.buffers().contains(-1));
                List<byte[]> contents = new ArrayList<>();
                for (ByteBuffer b : bs) {
                    byte[] c = new byte[b.remaining()];
                    b.duplicate().get(c);
                    contents.add(c);
                }
                if (!outcome(want, () -> block.write(w.offset(), List.of(bs)))) {
                    return;
                }
                int at = (int) (w.offset() * SECTOR);
                for (int i = 0; i < bs.length; i++) {
                    assertEquals(bs[i].limit(), bs[i].position(), "write consumed the buffer");
                    System.arraycopy(contents.get(i), 0, model.bytes, at, contents.get(i).length);
                    at += contents.get(i).length;
                }
                for (long s = w.offset(); s < w.offset() + sectors; s++) {
                    model.discarded[(int) s] = false;
                }
            }
            case Read r -> {
                ByteBuffer[] bs = buffers(r.buffers(), r.offset());
                long sectors = r.buffers().stream().mapToLong(n -> Math.max(n, 0)).sum();
                Reason want = expected(model, false, r.offset(), sectors, r.buffers().contains(-1));
                int[] starts = Arrays.stream(bs).mapToInt(ByteBuffer::position).toArray();
                if (!outcome(want, () -> block.read(r.offset(), List.of(bs)))) {
                    return;
                }
                long sector = r.offset();
                for (int i = 0; i < bs.length; i++) {
                    assertEquals(bs[i].limit(), bs[i].position(), "read filled the buffer");
                    for (int p = starts[i]; p < bs[i].limit(); p += SECTOR, sector++) {
                        byte[] got = new byte[SECTOR];
                        bs[i].get(p, got);
                        byte[] want2 = Arrays.copyOfRange(model.bytes, (int) sector * SECTOR, (int) (sector + 1) * SECTOR);
                        boolean ok = Arrays.equals(got, want2)
                                || (model.discarded[(int) sector] && Arrays.equals(got, new byte[SECTOR]));
                        assertTrue(ok, "sector " + sector + " differs from the model");
                    }
                }
            }
        }
    }

    interface Call {
        void run() throws BlockException;
    }

    /** Runs the call; true if it succeeded as expected, false if it failed with the expected reason. */
    static boolean outcome(Reason want, Call call) {
        try {
            call.run();
        } catch (BlockException e) {
            assertEquals(want, e.reason(), e.getMessage());
            return false;
        }
        if (want != null) {
            fail("expected " + want);
        }
        return true;
    }

    Path freshFile() {
        return dir.resolve("disk-" + files.incrementAndGet());
    }

    @Test
    void memory() {
        check(() -> Block.memory(SECTOR, SECTORS), true);
    }

    @Test
    void file() {
        check(() -> Block.file(freshFile(), FileOption.create(SECTORS), FileOption.sectorSize(SECTOR)), true);
    }

    @Test
    void checked_file() {
        check(() -> Block.checked(Block.file(freshFile(), FileOption.create(SECTORS), FileOption.sectorSize(SECTOR))), true);
    }

    @Test
    void sub_range_of_memory_through_checked() {
        check(() -> Block.checked(Block.subRange(Block.memory(SECTOR, SECTORS + 20), 7, SECTORS)), true);
    }

    @Test
    void sub_range_of_file() {
        check(() -> Block.subRange(Block.file(freshFile(), FileOption.create(SECTORS + 3), FileOption.sectorSize(SECTOR)),
                3, SECTORS), true);
    }

    @Test
    void read_only_file() {
        check(() -> {
            Path path = freshFile();
            try {
                Files.write(path, new byte[(int) (SECTORS * SECTOR)]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Block.checked(Block.file(path, FileOption.readOnly(), FileOption.sectorSize(SECTOR)));
        }, false);
    }

    @Test
    void read_only_view_of_memory() {
        check(() -> Block.readOnly(Block.memory(SECTOR, SECTORS)), false);
    }
}
