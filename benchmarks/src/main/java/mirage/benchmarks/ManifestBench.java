package mirage.benchmarks;

import java.util.concurrent.TimeUnit;
import mirage.core.spi.Manifest;
import mirage.core.spi.ManifestException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link Manifest#parse} of a four-device manifest, as a platform reads it at boot. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ManifestBench {

    /** Not a compile-time constant, so the JIT cannot fold the parse of it away. */
    private String text;

    @org.openjdk.jmh.annotations.Setup
    public void setup() {
        text = new StringBuilder()
                .append("mirage-manifest 1\n")
                .append("NET_BASIC service\n")
                .append("NET_BASIC management\n")
                .append("BLOCK_BASIC storage\n")
                .append("BLOCK_BASIC git-objects\n")
                .toString();
    }

    @Benchmark
    public Manifest parse() throws ManifestException {
        return Manifest.parse(text);
    }
}
