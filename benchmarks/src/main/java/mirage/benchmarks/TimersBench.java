package mirage.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import mirage.time.Timers;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link Timers} (mirage.time's indexed 4-ary heap) against {@link DelayQueue} and
 * {@link ScheduledThreadPoolExecutor}, with {@code live} timers armed at random deadlines in a
 * span of {@value #SPAN} ns. Operations, each reported per single operation:
 *
 * <ul>
 *   <li>{@code arm}: a timer that is not armed gets a random deadline (batches of
 *       {@value #BATCH}, disarmed again between invocations, unmeasured). DelayQueue: {@code offer};
 *       executor: {@code schedule}.
 *   <li>{@code cancel}: an armed timer is disarmed (batches of {@value #BATCH} armed before each
 *       invocation, unmeasured). DelayQueue: {@code remove(Object)}; executor:
 *       {@code Future.cancel} with {@code setRemoveOnCancelPolicy(true)}.
 *   <li>{@code rearm}: a random armed timer moves to a new random deadline. DelayQueue:
 *       {@code remove} + {@code offer}; executor: {@code cancel} + {@code schedule}.
 *   <li>{@code expire}: steady state of a loop: the earliest timer is taken off and re-armed
 *       later. Ours: {@code expire(nextDeadline())} whose action re-arms its timer; DelayQueue:
 *       {@code poll} + {@code offer} with the virtual clock at the head's deadline. None for the
 *       executor, which runs due tasks on its own thread (it is given delays of an hour and
 *       more, so nothing ever runs: only schedule and cancel are measured).
 * </ul>
 *
 * Random indices and deadlines come from tables filled once with a fixed seed, the same for
 * all three; no side reads a real clock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimersBench {
    static final int BATCH = 50;
    static final long SPAN = 1_000_000_000L;
    static final int TABLE = 1 << 16;
    /** Executor delays start here, so that no task ever runs during a benchmark. */
    static final long FAR = TimeUnit.HOURS.toNanos(1);

    /** Fixed random tables and a virtual clock. */
    @State(Scope.Thread)
    public abstract static class Base {
        @Param({"100", "1000000"})
        public int live;

        long now;
        private long[] deltas;
        private int[] picks;
        private int cursor;

        void tables() {
            SplittableRandom random = new SplittableRandom(20261126);
            deltas = new long[TABLE];
            picks = new int[TABLE];
            for (int i = 0; i < TABLE; i++) {
                deltas[i] = 1 + random.nextLong(SPAN);
                picks[i] = random.nextInt(live);
            }
        }

        final long delta() {
            return deltas[cursor++ & (TABLE - 1)];
        }

        final int pick() {
            return picks[cursor++ & (TABLE - 1)];
        }
    }

    // ---- mirage.time.Timers ----------------------------------------------------------------

    @State(Scope.Thread)
    public static class Ours extends Base {
        Timers timers;
        Timers.Timer[] armed;
        Timers.Timer[] spare;

        /** The action of every live timer: re-arm itself later (used by {@code expire}). */
        final class Rearm implements Runnable {
            Timers.Timer self;

            @Override
            public void run() {
                self.arm(now + delta());
            }
        }

        @Setup(Level.Trial)
        public void build() {
            tables();
            timers = Timers.create();
            armed = new Timers.Timer[live];
            for (int i = 0; i < live; i++) {
                Rearm action = new Rearm();
                action.self = timers.newTimer(action);
                armed[i] = action.self;
                armed[i].arm(now + delta());
            }
            spare = new Timers.Timer[BATCH];
            for (int i = 0; i < BATCH; i++) {
                spare[i] = timers.newTimer(() -> {});
            }
        }
    }

    @State(Scope.Thread)
    public static class OursArm extends Ours {
        @TearDown(Level.Invocation)
        public void disarm() {
            for (Timers.Timer t : spare) {
                t.cancel();
            }
        }
    }

    @State(Scope.Thread)
    public static class OursCancel extends Ours {
        @Setup(Level.Invocation)
        public void arm() {
            for (Timers.Timer t : spare) {
                t.arm(now + delta());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void oursArm(OursArm s) {
        for (Timers.Timer t : s.spare) {
            t.arm(s.now + s.delta());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void oursCancel(OursCancel s) {
        for (Timers.Timer t : s.spare) {
            t.cancel();
        }
    }

    @Benchmark
    public boolean oursRearm(Ours s) {
        return s.armed[s.pick()].arm(s.now + s.delta());
    }

    @Benchmark
    public int oursExpire(Ours s) {
        long next = s.timers.nextDeadline();
        s.now = next;
        return s.timers.expire(next);
    }

    // ---- java.util.concurrent.DelayQueue ---------------------------------------------------

    /** A DelayQueue element whose delay is read from the benchmark's virtual clock. */
    static final class Entry implements Delayed {
        final Base clock;
        long deadline;
        long seq;

        Entry(Base clock) {
            this.clock = clock;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - clock.now, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Entry e = (Entry) o;
            int c = Long.compare(deadline, e.deadline);
            return c != 0 ? c : Long.compare(seq, e.seq);
        }
    }

    @State(Scope.Thread)
    public static class Dq extends Base {
        DelayQueue<Entry> queue;
        Entry[] armed;
        Entry[] spare;
        long seq;

        void set(Entry e, long deadline) {
            e.deadline = deadline;
            e.seq = seq++;
        }

        @Setup(Level.Trial)
        public void build() {
            tables();
            queue = new DelayQueue<>();
            armed = new Entry[live];
            for (int i = 0; i < live; i++) {
                armed[i] = new Entry(this);
                set(armed[i], now + delta());
                queue.offer(armed[i]);
            }
            spare = new Entry[BATCH];
            for (int i = 0; i < BATCH; i++) {
                spare[i] = new Entry(this);
            }
        }
    }

    @State(Scope.Thread)
    public static class DqArm extends Dq {
        @TearDown(Level.Invocation)
        public void disarm() {
            for (Entry e : spare) {
                queue.remove(e);
            }
        }
    }

    @State(Scope.Thread)
    public static class DqCancel extends Dq {
        @Setup(Level.Invocation)
        public void arm() {
            for (Entry e : spare) {
                set(e, now + delta());
                queue.offer(e);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void delayQueueArm(DqArm s) {
        for (Entry e : s.spare) {
            s.set(e, s.now + s.delta());
            s.queue.offer(e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void delayQueueCancel(DqCancel s) {
        for (Entry e : s.spare) {
            s.queue.remove(e);
        }
    }

    @Benchmark
    public boolean delayQueueRearm(Dq s) {
        Entry e = s.armed[s.pick()];
        boolean was = s.queue.remove(e);
        s.set(e, s.now + s.delta());
        s.queue.offer(e);
        return was;
    }

    @Benchmark
    public Entry delayQueueExpire(Dq s) {
        s.now = s.queue.peek().deadline;
        Entry e = s.queue.poll();
        s.set(e, s.now + s.delta());
        s.queue.offer(e);
        return e;
    }

    // ---- java.util.concurrent.ScheduledThreadPoolExecutor ----------------------------------

    @State(Scope.Thread)
    public static class Stpe extends Base {
        ScheduledThreadPoolExecutor executor;
        ScheduledFuture<?>[] armed;
        ScheduledFuture<?>[] spare;
        final Runnable task = () -> {
            throw new AssertionError("no task is ever due during the benchmark");
        };

        ScheduledFuture<?> schedule() {
            return executor.schedule(task, FAR + delta(), TimeUnit.NANOSECONDS);
        }

        @Setup(Level.Trial)
        public void build() {
            tables();
            executor = new ScheduledThreadPoolExecutor(1);
            executor.setRemoveOnCancelPolicy(true);
            armed = new ScheduledFuture<?>[live];
            for (int i = 0; i < live; i++) {
                armed[i] = schedule();
            }
            spare = new ScheduledFuture<?>[BATCH];
        }

        @TearDown(Level.Trial)
        public void stop() {
            executor.shutdownNow();
        }
    }

    @State(Scope.Thread)
    public static class StpeArm extends Stpe {
        @TearDown(Level.Invocation)
        public void disarm() {
            for (ScheduledFuture<?> f : spare) {
                f.cancel(false);
            }
        }
    }

    @State(Scope.Thread)
    public static class StpeCancel extends Stpe {
        @Setup(Level.Invocation)
        public void arm() {
            for (int i = 0; i < BATCH; i++) {
                spare[i] = schedule();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void executorArm(StpeArm s) {
        ScheduledFuture<?>[] spare = s.spare;
        for (int i = 0; i < BATCH; i++) {
            spare[i] = s.schedule();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void executorCancel(StpeCancel s) {
        for (ScheduledFuture<?> f : s.spare) {
            f.cancel(false);
        }
    }

    @Benchmark
    public ScheduledFuture<?> executorRearm(Stpe s) {
        int i = s.pick();
        s.armed[i].cancel(false);
        return s.armed[i] = s.schedule();
    }
}
