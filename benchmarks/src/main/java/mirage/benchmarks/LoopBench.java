package mirage.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import mirage.core.internal.Loop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import mirage.testkit.VirtualPlatform;

/**
 * The event loop ({@link Loop}, internal to {@code mirage.core}; reachable here because JMH
 * runs on the class path): one invocation schedules {@value #TIMERS} timers from inside the
 * loop, at shuffled deadlines, and runs the loop until the last one has fired. The platform's
 * yield returns at once after moving a virtual clock to the deadline, so the score is the
 * loop's own cost: the timer heap, the turns and the yields. Reported per timer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoopBench {
    static final int TIMERS = 1000;

    /** Distinct deadlines among the timers: 1000 means one yield per timer, 1 means one turn fires all. */
    @Param({"1000", "10"})
    public int distinctDeadlines;

    private long[] offsets;

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom random = new SplittableRandom(42);
        offsets = new long[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            offsets[i] = 1 + (i % distinctDeadlines) * 1_000L;
        }
        for (int i = TIMERS - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = offsets[i];
            offsets[i] = offsets[j];
            offsets[j] = t;
        }
    }

    @Benchmark
    @OperationsPerInvocation(TIMERS)
    public void scheduleAndRun(Blackhole bh) {
        VirtualPlatform platform = VirtualPlatform.create(VirtualPlatform.Mode.NEVER_BLOCK); // measures the loop, not sleep
        Loop loop = new Loop(platform);
        int[] fired = new int[1];
        Runnable tick = () -> {
            if (++fired[0] == TIMERS) {
                loop.stop();
            }
        };
        loop.execute(() -> {
            long now = loop.now();
            for (long offset : offsets) {
                loop.schedule(now + offset, tick);
            }
        });
        loop.run();
        if (fired[0] != TIMERS || loop.failures() != 0) {
            throw new IllegalStateException("fired " + fired[0] + " of " + TIMERS + ", failures " + loop.failures());
        }
        bh.consume(platform.yieldCount());
    }
}
