package mirage.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mirage.block.Block;
import mirage.block.TarStore;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The tar key-value store over a memory device holding a 10,000-entry archive (100 directories
 * of 100 files of {@code valueBytes} bytes each, written by the append-only store):
 * {@code get} of a random key, and {@code connect}, which reads every header and builds the
 * index.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
public class TarBench {
    static final int DIRS = 100;
    static final int FILES = 100;

    @Param({"100"})
    public int valueBytes;

    private Block device;
    private KvRo store;
    private Key[] keys;
    private int next;

    @Setup
    public void setup() throws KvException {
        long perEntry = 512 + (valueBytes + 511) / 512 * 512;
        device = Block.memory(512, (DIRS * FILES * perEntry + 4096) / 512);
        KvRw rw = TarStore.appendOnly(device, () -> java.time.Instant.EPOCH);
        keys = new Key[DIRS * FILES];
        byte[] value = new byte[valueBytes];
        for (int d = 0; d < DIRS; d++) {
            for (int f = 0; f < FILES; f++) {
                Key k = Key.of("dir" + d, "file" + f + ".txt");
                rw.set(k, value);
                keys[d * FILES + f] = k;
            }
        }
        store = TarStore.readOnly(device);
        // A fixed shuffled order of lookups.
        SplittableRandom r = new SplittableRandom(1);
        for (int i = keys.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Key t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] get() throws KvException {
        Key k = keys[next];
        next = next + 1 == keys.length ? 0 : next + 1;
        return store.get(k);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public KvRo connect() throws KvException {
        return TarStore.readOnly(device);
    }
}
