package mirage.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The fixture of {@code benchmarks/regress-test}, not a measurement of mirage: {@code subject}
 * does the same work as {@code reference} (a fixed amount of CPU) unless the forked JVM is
 * started with {@code -Dmirage.regress.planted=N}, which makes it do N times the work, and
 * {@code zeroAlloc} allocates nothing unless {@code -Dmirage.regress.plantedAlloc=true} makes it
 * allocate a 64-byte array per operation. The test records a baseline, then checks that
 * {@code regress} passes on the unchanged fixture and fails on the planted regressions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RegressFixtureBench {

    private static final long WORK = 2_000;
    private static final long PLANTED = Math.max(1, Long.getLong("mirage.regress.planted", 1));
    private static final boolean PLANTED_ALLOC = Boolean.getBoolean("mirage.regress.plantedAlloc");

    private long counter;

    @Benchmark
    public void reference() {
        Blackhole.consumeCPU(WORK);
    }

    @Benchmark
    public void subject() {
        Blackhole.consumeCPU(WORK * PLANTED);
    }

    @Benchmark
    public void zeroAlloc(Blackhole sink) {
        if (PLANTED_ALLOC) {
            sink.consume(new byte[64]);
        } else {
            sink.consume(counter++);
        }
    }
}
