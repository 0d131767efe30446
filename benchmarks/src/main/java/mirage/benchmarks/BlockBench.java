package mirage.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.block.FileOption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The file-backed {@link Block} against a raw {@link FileChannel} on the same 256 MiB file:
 * sequential 64 KiB and random 4 KiB reads and writes, one direct buffer reused, no flush
 * (so the page cache, not the disk, is measured). {@code device=raw} is the floor.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BlockBench {
    static final long FILE_BYTES = 256L << 20;
    static final int SECTOR = 512;
    static final int SEQ = 64 << 10;
    static final int RANDOM = 4 << 10;

    @Param({"raw", "block"})
    public String device;

    private Path path;
    private FileChannel raw;
    private Block block;
    private final ByteBuffer seqBuffer = ByteBuffer.allocateDirect(SEQ);
    private final ByteBuffer randomBuffer = ByteBuffer.allocateDirect(RANDOM);
    private final List<ByteBuffer> seqList = List.of(seqBuffer);
    private final List<ByteBuffer> randomList = List.of(randomBuffer);
    private final long[] randomOffsets = new long[1 << 16];
    private long seqOffset;
    private int randomIndex;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        path = Files.createTempFile(Path.of("/tmp"), "block-bench", ".img");
        try (FileChannel fill = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            new SplittableRandom(1).ints(chunk.capacity()).forEach(i -> chunk.put((byte) i));
            for (long at = 0; at < FILE_BYTES; at += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    fill.write(chunk, at + chunk.position());
                }
            }
        }
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < randomOffsets.length; i++) {
            randomOffsets[i] = random.nextLong(FILE_BYTES / RANDOM) * RANDOM;
        }
        if (device.equals("raw")) {
            raw = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } else {
            block = Block.file(path, FileOption.sectorSize(SECTOR));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (raw != null) {
            raw.close();
        }
        if (block != null) {
            block.close();
        }
        Files.deleteIfExists(path);
    }

    private long nextSeq() {
        long at = seqOffset;
        seqOffset = at + SEQ == FILE_BYTES ? 0 : at + SEQ;
        return at;
    }

    private long nextRandom() {
        return randomOffsets[randomIndex++ & (randomOffsets.length - 1)];
    }

    private void rawRead(ByteBuffer b, long at) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            raw.read(b, at + b.position());
        }
    }

    private void rawWrite(ByteBuffer b, long at) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            raw.write(b, at + b.position());
        }
    }

    @Benchmark
    public ByteBuffer seqRead64k() throws IOException, BlockException {
        long at = nextSeq();
        if (block == null) {
            rawRead(seqBuffer, at);
        } else {
            seqBuffer.clear();
            block.read(at / SECTOR, seqList);
        }
        return seqBuffer;
    }

    @Benchmark
    public ByteBuffer seqWrite64k() throws IOException, BlockException {
        long at = nextSeq();
        if (block == null) {
            rawWrite(seqBuffer, at);
        } else {
            seqBuffer.clear();
            block.write(at / SECTOR, seqList);
        }
        return seqBuffer;
    }

    @Benchmark
    public ByteBuffer randomRead4k() throws IOException, BlockException {
        long at = nextRandom();
        if (block == null) {
            rawRead(randomBuffer, at);
        } else {
            randomBuffer.clear();
            block.read(at / SECTOR, randomList);
        }
        return randomBuffer;
    }

    @Benchmark
    public ByteBuffer randomWrite4k() throws IOException, BlockException {
        long at = nextRandom();
        if (block == null) {
            rawWrite(randomBuffer, at);
        } else {
            randomBuffer.clear();
            block.write(at / SECTOR, randomList);
        }
        return randomBuffer;
    }
}
