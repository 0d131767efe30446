package mirage.benchmarks;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mirage.core.spi.EventLoop;
import mirage.time.Simulation;
import mirage.time.Sleep;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * How much faster than wall time a timer-heavy simulation runs: {@link #tasks} tasks each sleep
 * {@value #SLEEPS} times for 10 ms to 1 s, while {@value #LOOP_TIMERS} loop timers fire over the
 * first minute. One invocation runs the whole scenario; it returns the virtual time it covered
 * ({@value #VIRTUAL_NOTE}), so the speed-up is that divided by the score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
public class SimulationBench {
    static final int SLEEPS = 100;
    static final int LOOP_TIMERS = 10_000;
    static final String VIRTUAL_NOTE = "printed once per trial on standard error";

    @Param({"100", "1000"})
    public int tasks;

    private boolean printed;

    @Benchmark
    public long timerHeavy() {
        Simulation sim = Simulation.create(42);
        SplittableRandom random = new SplittableRandom(7);
        Sleep sleep = sim.sleep();
        for (int t = 0; t < tasks; t++) {
            long[] pauses = new long[SLEEPS];
            for (int i = 0; i < SLEEPS; i++) {
                pauses[i] = 10 + random.nextInt(991);
            }
            sim.spawn("t" + t, () -> {
                for (long ms : pauses) {
                    sleep.sleep(Duration.ofMillis(ms));
                }
            });
        }
        EventLoop loop = sim.loop();
        Runnable nothing = () -> { };
        for (int i = 0; i < LOOP_TIMERS; i++) {
            loop.schedule(random.nextLong(60_000_000_000L), nothing);
        }
        long virtualNanos = sim.run().virtualNanos();
        if (!printed) {
            printed = true;
            System.err.println("simulated " + Duration.ofNanos(virtualNanos) + " with " + tasks + " tasks");
        }
        return virtualNanos;
    }
}
