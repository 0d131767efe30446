package mirage.core.internal;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Platform;

/**
 * The event loop: one thread runs submitted actions and due timers, then blocks in
 * {@link Platform#yield} until the earliest deadline, device input, or a wake from another
 * thread. Application tasks ({@link #spawn}) are virtual threads that this thread carries
 * between its actions where the JDK lets it ({@link LoopTasks}, docs/decisions/0079); the
 * thread that calls {@link #run} must then be a platform thread (a virtual thread cannot carry
 * others).
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
    /** How {@link #spawn} starts tasks; made by the first spawn (it costs reflection: not on the boot path). */
    private volatile LoopTasks tasks;
    /**
     * Turns in a row that ended with actions waiting (tasks on the loop that stay ready, or
     * actions that hand in more): the loop looks at its devices without sleeping after
     * {@link #BUSY_TURNS} of them, so that input and wakes are not starved.
     */
    private int busyTurns;
    static final int BUSY_TURNS = 32;

    public Loop(Platform platform) {
        this.platform = platform;
    }

    /** A loop whose tasks run on the JDK's scheduler whatever {@link LoopTasks#PROPERTY} says. */
    static Loop pooled(Platform platform) {
        Loop loop = new Loop(platform);
        loop.tasks = LoopTasks.pooled(loop, platform);
        return loop;
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

    /**
     * Starts {@code task} as a virtual thread carried by this loop's thread (or, where the JDK
     * does not allow it, by its own scheduler: {@link LoopTasks}). Any thread.
     */
    @Override
    public void spawn(String name, Runnable task) {
        java.util.Objects.requireNonNull(task, "task");
        tasks().start(name, task);
    }

    /** Whether {@link #spawn}'s tasks run on this loop's thread. */
    boolean carriesTasks() {
        return tasks().onLoop();
    }

    private LoopTasks tasks() {
        LoopTasks t = tasks;
        if (t == null) {
            synchronized (this) {
                t = tasks;
                if (t == null) {
                    t = LoopTasks.of(this, platform);
                    tasks = t;
                }
            }
        }
        return t;
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

    /**
     * Runs the loop on the calling thread until {@link #stop()}. On a virtual thread, which
     * cannot carry others, {@link #spawn}'s tasks run on the JDK's scheduler (unless a spawn
     * before this call already chose the loop).
     */
    public void run() {
        owner = Thread.currentThread();
        if (owner.isVirtual()) {
            synchronized (this) {
                if (tasks == null) {
                    tasks = LoopTasks.pooled(this, platform); // a virtual thread cannot carry others
                }
            }
        }
        try {
            while (!stopping) {
                turn();
                if (stopping) {
                    continue;
                }
                if (!inbox.isEmpty()) {
                    if (++busyTurns >= BUSY_TURNS) {
                        busyTurns = 0;
                        platform.yield(now()); // devices' input, without sleeping
                    }
                    continue;
                }
                busyTurns = 0;
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
