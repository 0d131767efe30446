package mirage.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import mirage.time.Timers;

/**
 * Heap retained per armed timer, for {@code n} timers (default 1,000,000) that share one
 * action, held only by the structure: {@link Timers}, {@link DelayQueue} and {@link ScheduledThreadPoolExecutor}. Heap in
 * use after full collections, before and after building each structure, divided by {@code n}.
 * Run it alone with a stop-the-world collector for stable figures:
 *
 * <pre>java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar mirage.benchmarks.TimersFootprint</pre>
 */
public final class TimersFootprint {
    private TimersFootprint() {}

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    static final class Entry implements Delayed {
        final long deadline;

        Entry(long deadline) {
            this.deadline = deadline;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline, TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(deadline, ((Entry) o).deadline);
        }
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        report("mirage.time Timers", n, timers(n));
        report("DelayQueue", n, delayQueue(n));
        report("ScheduledThreadPoolExecutor", n, executor(n));
    }

    static long timers(int n) {
        Runnable action = () -> {};
        long before = usedAfterGc();
        Timers timers = Timers.create();
        for (int i = 0; i < n; i++) {
            timers.newTimer(action).arm(i * 7919L % n); // the structure holds armed timers
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(timers);
        return after - before;
    }

    static long delayQueue(int n) {
        long before = usedAfterGc();
        DelayQueue<Entry> queue = new DelayQueue<>();
        for (int i = 0; i < n; i++) {
            queue.offer(new Entry(i * 7919L % n + TimeUnit.HOURS.toNanos(1)));
        }
        long after = usedAfterGc();
        Reference.reachabilityFence(queue);
        return after - before;
    }

    static long executor(int n) {
        Runnable action = () -> {};
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
        executor.prestartAllCoreThreads();
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) {
            executor.schedule(action, TimeUnit.HOURS.toNanos(1) + i, TimeUnit.NANOSECONDS);
        }
        long after = usedAfterGc();
        executor.shutdownNow();
        return after - before;
    }

    static void report(String what, int n, long bytes) {
        System.out.printf("%-28s %,d armed timers: %.1f bytes per timer (retained heap)%n", what, n, bytes / (double) n);
    }
}
