package mirage.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.ArgumentException;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Arguments#parse} of a typical boot command line: four declared runtime arguments
 * (text, int, duration, flag), all four given, mixing {@code --name=value} and
 * {@code --name value}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ArgumentsBench {

    private final List<RuntimeArg<?>> declared = List.of(
            RuntimeArg.string("hello", "hello", "what to print"),
            RuntimeArg.integer("count", 4, "how many times to print it"),
            RuntimeArg.duration("interval", Duration.ofSeconds(1), "time between two prints"),
            RuntimeArg.flag("verbose", "log each step"));

    private final List<String> argv = List.of(
            "--hello=world", "--count", "10", "--interval=250ms", "--verbose");

    @Benchmark
    public Arguments parse() throws ArgumentException {
        return Arguments.parse(declared, argv);
    }
}
