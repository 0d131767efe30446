package mirage.platform.xen.internal.binding.host;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.binding.event.ClockWaiter;
import mirage.platform.xen.internal.binding.event.DomainEvents;
import mirage.platform.xen.internal.hypervisor.Hypervisor;

/**
 * A domain's event loop on a thread of its own, on the real clock: actions, timers, and the
 * domain's event channels (it waits in {@link Hypervisor#await} and dispatches what fired).
 * What the control domain's back ends and xenstored run on; in a simulation they run on the
 * simulation's loop instead, written against the same {@link EventLoop}.
 */
public final class DomainLoop implements EventLoop, AutoCloseable {
    private final Hypervisor hv;
    private final DomainEvents events;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Task> timers = new PriorityQueue<>();
    private final Thread thread;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private long sequence;
    private volatile Throwable failure;

    /** Starts the loop's thread, named {@code name}. */
    public DomainLoop(Hypervisor hv, DomainEvents events, String name) {
        this.hv = hv;
        this.events = events;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    private void run() {
        while (!stopping.get()) {
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
            if (!inbox.isEmpty()) {
                continue;
            }
            Task next = timers.peek();
            try {
                hv.await(next == null ? Long.MAX_VALUE : next.deadline);
            } catch (InterruptedException e) {
                return;
            }
            try {
                events.dispatch();
            } catch (RuntimeException e) {
                report(e);
            }
        }
    }

    private void runAction(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            report(e);
        }
    }

    private void report(Throwable e) {
        failure = e;
        System.err.println(thread.getName() + ": action failed: " + e);
    }

    /** The last action that threw, if any (for tests). */
    public Throwable failure() {
        return failure;
    }

    @Override
    public long now() {
        return hv.now();
    }

    @Override
    public void execute(Runnable action) {
        inbox.add(action);
        if (!inLoop()) {
            hv.wake();
        }
    }

    @Override
    public Timer schedule(long deadlineNanos, Runnable action) {
        Task t = new Task(deadlineNanos, action);
        if (inLoop()) {
            t.sequence = sequence++;
            timers.add(t);
        } else {
            execute(() -> {
                t.sequence = sequence++;
                timers.add(t);
            });
        }
        return t;
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void sleepUntil(long deadlineNanos) throws InterruptedException {
        if (inLoop()) {
            throw new IllegalStateException("blocking on the loop's thread would stall it");
        }
        ClockWaiter w = new ClockWaiter(this::now);
        while (now() < deadlineNanos) {
            w.await(deadlineNanos);
        }
    }

    @Override
    public Waiter waiter() {
        return new ClockWaiter(this::now);
    }

    /** Runs {@code action} on the loop and waits for it (from another thread). */
    public void run(Runnable action) {
        if (inLoop()) {
            action.run();
            return;
        }
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        execute(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        done.join();
    }

    /** Stops the loop and waits for its thread. Idempotent. */
    @Override
    public void close() {
        if (stopping.getAndSet(true)) {
            return;
        }
        hv.wake();
        if (!inLoop()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Task implements Timer, Comparable<Task> {
        final long deadline;
        final Runnable action;
        long sequence;
        private final AtomicBoolean done = new AtomicBoolean();

        Task(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        boolean claim() {
            return done.compareAndSet(false, true);
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
