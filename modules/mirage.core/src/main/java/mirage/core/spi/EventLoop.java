package mirage.core.spi;

/**
 * The unikernel's one event loop (DESIGN.md section 4): it owns the protocol engines, runs
 * timers, and blocks in {@link Platform#yield} between events. OS-service modules use it to run
 * code on the loop's thread and to be called back at a deadline.
 *
 * <p>All methods are thread-safe. Actions given to the loop run on the loop's thread, one at a
 * time, in the order of their deadlines (then of submission); they must not block. An action
 * that throws is reported on the console and does not stop the loop.
 */
public interface EventLoop {

    /** The loop's clock: the platform's monotonic nanoseconds. */
    long now();

    /** Runs {@code action} on the loop's thread as soon as possible. */
    void execute(Runnable action);

    /**
     * Runs {@code action} on the loop's thread at its next turn, in order with {@link #execute}'s
     * actions, without waking the loop for it unless it would otherwise sleep past
     * {@code latestNanos} (by {@link #now()}): for work that matters only once something else
     * (device input, a timer, another action) wakes the loop anyway, so that handing it over
     * costs no wake-up. The default runs it as {@link #execute} does.
     */
    default void executeLazily(Runnable action, long latestNanos) {
        execute(action);
    }

    /**
     * Runs {@code action} on the loop's thread once {@link #now()} reaches {@code deadlineNanos}
     * (at once if it already has).
     *
     * @return a handle that can cancel the timer before it runs
     */
    Timer schedule(long deadlineNanos, Runnable action);

    /** Whether the calling thread is the loop's thread. */
    boolean inLoop();

    /**
     * Blocks the calling application task until {@link #now()} reaches {@code deadlineNanos};
     * returns at once (or, in a simulation, after letting other ready tasks run) if it already
     * has. The loop decides how a task blocks: a virtual thread parks until a loop timer wakes
     * it; a simulated task yields to the simulator. This is the one blocking primitive time
     * services are built on.
     *
     * @throws InterruptedException if the thread is interrupted while blocked; the timer is
     *     cancelled
     * @throws IllegalStateException if called on the loop's own thread, which it would stall
     */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    /**
     * Runs {@code action} on the loop's thread and returns its result, blocking the calling
     * application task until it has run; on the loop's own thread it runs at once. What the
     * action throws is thrown to the caller. This is how a service's methods, callable from
     * any thread, reach engines the loop owns (the {@code mirage.net} threading rule). A
     * simulation, whose tasks never run at the same time as its loop, runs the action at once.
     *
     * <p>An interrupt while waiting does not abandon the action (it has been handed over and
     * will run); the wait goes on and the interrupt status is restored on return.
     */
    default <T, X extends Exception> T call(Action<T, X> action) throws X {
        return mirage.core.internal.Handoff.call(this, action);
    }

    /**
     * A new {@link Waiter}: how an application task blocks until the loop tells it that
     * something it waits for may have happened (bytes arrived on a connection, space in a send
     * buffer). Blocking flows are built on it: the task checks its condition under the
     * engine's rules, and if it does not hold, awaits; the loop signals after each event that
     * may change it.
     */
    default Waiter waiter() {
        return new mirage.core.internal.ParkingWaiter(this);
    }

    /**
     * Starts {@code task} as an application task of its own: a virtual thread here (which a
     * platform's event loop may carry on its own thread between its actions, so that the task
     * runs until it blocks: docs/decisions/0079), a simulated task in a simulation (so that it
     * blocks on virtual time). Services use it for
     * work that belongs to no caller, such as a TCP listener's handler of each accepted
     * connection. What the task throws is its own: it is reported on the standard error stream
     * and ends the task.
     */
    default void spawn(String name, Runnable task) {
        java.util.Objects.requireNonNull(task, "task");
        Thread.ofVirtual().name(name).start(task);
    }

    /** An action run on the loop by {@link #call}: a result or an exception of type {@code X}. */
    @FunctionalInterface
    interface Action<T, X extends Exception> {
        T run() throws X;
    }

    /**
     * A binary permit for one application task at a time (as {@code LockSupport}'s, but known
     * to the loop, so that a simulation can run blocked tasks on virtual time). {@link #signal}
     * from any thread (usually the loop's) grants the permit and wakes the task if it waits;
     * {@link #await} takes the permit, waiting for it if needed. Wake-ups carry no meaning
     * beyond "look again": the task re-checks its condition after every return.
     */
    interface Waiter {
        /**
         * Takes the permit, waiting until it is granted or the loop's clock reaches
         * {@code deadlineNanos} ({@code Long.MAX_VALUE}: no deadline).
         *
         * @return {@code true} if the permit was taken, {@code false} at the deadline
         * @throws InterruptedException if the task is interrupted while waiting
         * @throws IllegalStateException if called on the loop's thread, which it would stall
         */
        boolean await(long deadlineNanos) throws InterruptedException;

        /** Grants the permit and wakes the waiting task, if any. Any thread. */
        void signal();
    }

    /** A scheduled action. */
    interface Timer {
        /** When the action is due, in {@link EventLoop#now()} nanoseconds. */
        long deadline();

        /**
         * Stops the action from running.
         *
         * @return {@code true} if it had not run and now will not; {@code false} if it already
         *     ran, is running, or was cancelled before
         */
        boolean cancel();
    }
}
