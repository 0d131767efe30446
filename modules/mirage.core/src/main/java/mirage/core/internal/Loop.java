package mirage.core.internal;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Platform;

/**
 * The event loop: one thread runs submitted actions and due timers, then blocks in
 * {@link Platform#yield} until the earliest deadline, device input, or a wake from another
 * thread.
 */
public final class Loop implements EventLoop {
    private final Platform platform;
    /** Actions handed in from any thread; drained by the loop. */
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Owned by the loop thread. */
    private final PriorityQueue<Task> timers = new PriorityQueue<>();
    private long sequence;
    private volatile Thread owner;
    /**
     * Set while the loop is in, or about to enter, {@link Platform#yield}: only then does an
     * action handed in need {@link Platform#wake} (a system call on a platform with devices).
     * A loop that is running will look at its inbox before it yields anyway.
     */
    private volatile boolean sleeping;
    /** Where the loop's sleep ends unless something wakes it: its earliest timer; written before {@link #sleeping}. */
    private volatile long sleepingUntil = Long.MAX_VALUE;
    private volatile boolean stopping;
    private final AtomicInteger failures = new AtomicInteger();

    public Loop(Platform platform) {
        this.platform = platform;
    }

    @Override
    public long now() {
        return platform.monotonicNanos();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == owner;
    }

    @Override
    public void execute(Runnable action) {
        inbox.add(action);
        // After the add: either the loop sees the action before it sleeps, or this sees it
        // sleeping (both are volatile accesses: one of them sees the other's write).
        if (sleeping && !inLoop()) {
            platform.wake();
        }
    }

    /**
     * Wakes a sleeping loop only if its sleep would end after {@code latestNanos}: otherwise the
     * timer it sleeps until (or anything earlier) wakes it in time, and its turn runs the inbox
     * before the timers.
     */
    @Override
    public void executeLazily(Runnable action, long latestNanos) {
        inbox.add(action);
        // as execute: after the add, the loop sees the action before it sleeps, or this sees it
        // sleeping (and then until when: sleepingUntil is written before sleeping)
        if (sleeping && latestNanos < sleepingUntil && !inLoop()) {
            platform.wake();
        }
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable action) {
        Task task = new Task(deadlineNanos, action);
        if (inLoop()) {
            task.sequence = sequence++;
            timers.add(task);
        } else {
            execute(() -> {
                task.sequence = sequence++;
                timers.add(task);
            });
        }
        return task;
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        if (inLoop()) {
            throw new IllegalStateException("blocking on the event loop's thread would stall it");
        }
        if (deadlineNanos <= now()) {
            return;
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        Timer timer = schedule(deadlineNanos, new Complete(done));
        try {
            done.get();
        } catch (InterruptedException e) {
            timer.cancel();
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("the timer completes normally", e);
        }
    }

    /** Completes a sleeper's future on the loop. A class rather than a lambda, for start-up. */
    private record Complete(java.util.concurrent.CompletableFuture<Void> done) implements Runnable {
        @Override
        public void run() {
            done.complete(null);
        }
    }

    /** Asks {@link #run} to return after the current turn. Any thread. */
    public void stop() {
        stopping = true;
        platform.wake();
    }

    /** How many actions have thrown so far. */
    public int failures() {
        return failures.get();
    }

    /** Runs the loop on the calling thread until {@link #stop()}. */
    public void run() {
        owner = Thread.currentThread();
        try {
            while (!stopping) {
                turn();
                if (stopping || !inbox.isEmpty()) {
                    continue;
                }
                Task next = timers.peek();
                sleepingUntil = next == null ? Long.MAX_VALUE : next.deadline;
                sleeping = true;
                if (!inbox.isEmpty()) { // handed in after the look above, by a thread that did not wake
                    sleeping = false;
                    continue;
                }
                platform.yield(next == null ? Long.MAX_VALUE : next.deadline);
                sleeping = false;
            }
        } finally {
            owner = null;
        }
    }

    /** One turn: the inbox as it stands, then every timer due now. */
    private void turn() {
        // Only what is there now: an action that executes another (or itself) must not keep
        // due timers and the yield from ever being reached.
        for (int n = inbox.size(); n > 0; n--) {
            Runnable r = inbox.poll();
            if (r == null) {
                break;
            }
            runAction(r);
        }
        long now = now();
        for (Task t; (t = timers.peek()) != null && t.deadline <= now; ) {
            timers.poll();
            if (t.claim()) {
                runAction(t.action);
            }
        }
    }

    private void runAction(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            failures.incrementAndGet();
            platform.console().println("mirage: loop action failed: " + e);
        }
    }

    private static final class Task implements Timer, Comparable<Task> {
        private static final int PENDING = 0;
        private static final int DONE = 1;
        final long deadline;
        final Runnable action;
        long sequence;
        private final AtomicInteger state = new AtomicInteger(PENDING);

        Task(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        boolean claim() {
            return state.compareAndSet(PENDING, DONE);
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public boolean cancel() {
            return claim();
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
