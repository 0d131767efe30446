package mirage.testkit.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import mirage.testkit.ManualLoop;

/** {@link ManualLoop}: actions in a queue, timers in a priority queue, one lock. */
public final class ManualEventLoop implements ManualLoop {
    private long now;
    private long sequence;
    private final Deque<Runnable> pending = new ArrayDeque<>();
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>();
    private final List<Long> sleeps = new ArrayList<>();
    private Thread running;

    public ManualEventLoop(long now) {
        this.now = now;
    }

    private final class Scheduled implements Timer, Comparable<Scheduled> {
        final long deadline;
        final long order = sequence++;
        final Runnable action;
        boolean done;

        Scheduled(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public boolean cancel() {
            synchronized (ManualEventLoop.this) {
                if (done) {
                    return false;
                }
                done = true;
                return timers.remove(this);
            }
        }

        @Override
        public int compareTo(Scheduled o) {
            return deadline != o.deadline ? Long.compare(deadline, o.deadline) : Long.compare(order, o.order);
        }
    }

    @Override
    public synchronized long now() {
        return now;
    }

    @Override
    public synchronized void execute(Runnable action) {
        pending.add(java.util.Objects.requireNonNull(action, "action"));
    }

    @Override
    public synchronized Timer schedule(long deadlineNanos, Runnable action) {
        Scheduled t = new Scheduled(deadlineNanos, java.util.Objects.requireNonNull(action, "action"));
        timers.add(t);
        return t;
    }

    @Override
    public synchronized boolean inLoop() {
        return running == Thread.currentThread();
    }

    @Override
    public synchronized void sleepUntil(long deadlineNanos) {
        sleeps.add(deadlineNanos);
    }

    /** The deadlines {@link #sleepUntil} was called with, in order. */
    @Override
    public synchronized List<Long> sleeps() {
        return List.copyOf(sleeps);
    }

    /** Runs the actions given to {@link #execute} (and those they give) and the timers due now; how many ran. */
    @Override
    public int runPending() {
        return advanceTo(now());
    }

    /**
     * Moves the clock to {@code deadline} (never back), running the timers in deadline order as
     * their time comes and the actions given to {@link #execute} between them, on the calling
     * thread; how many actions and timers ran.
     */
    @Override
    public int advanceTo(long deadline) {
        int ran = 0;
        while (true) {
            Runnable next;
            synchronized (this) {
                running = Thread.currentThread();
                next = pending.poll();
                if (next == null) {
                    Scheduled t = timers.peek();
                    if (t != null && t.deadline <= Math.max(deadline, now)) {
                        timers.poll();
                        t.done = true;
                        now = Math.max(now, t.deadline);
                        next = t.action;
                    }
                }
                if (next == null) {
                    now = Math.max(now, deadline);
                    running = null;
                    return ran;
                }
            }
            next.run();
            ran++;
        }
    }
}
