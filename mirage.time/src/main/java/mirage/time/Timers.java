package mirage.time;

import mirage.time.internal.HeapTimers;

/**
 * A set of reusable timers owned by one thread: the structure that protocol engines and their
 * bindings use to keep many deadlines (a retransmission timer per TCP connection, ARP and
 * reassembly timeouts) and that an event loop drains. A timer is allocated once with
 * {@link #newTimer} and then armed, moved and cancelled as often as needed; none of these
 * allocate once the structure has grown to the number of armed timers.
 *
 * <p><b>Not thread-safe.</b> A {@code Timers} and its timers belong to one thread (the event
 * loop, or the single thread of a simulation); calling them from another thread without
 * external synchronisation corrupts the structure. They never read a clock: deadlines and
 * {@code now} are monotonic nanoseconds given by the caller (e.g. {@link MonotonicClock}).
 *
 * <h2>Order</h2>
 * Every {@link Timer#arm arming} takes the next value of a per-structure sequence number. Timers
 * are ordered by deadline, then by that sequence: {@link #expire} runs due timers in deadline
 * order, and timers with equal deadlines in the order they were (last) armed. The order depends
 * only on the calls made, never on hashing, identity or timing, so a simulation replays it.
 *
 * <h2>Timers armed while {@code expire} runs</h2>
 * {@code expire(now)} runs exactly the armings that existed when it was called and were due
 * ({@code deadline <= now}), unless cancelled or moved before their turn. An arming made by an
 * action during the call (a new timer, or a timer moved, including an action re-arming its own
 * timer) is never run by that call, even if its deadline is {@code <= now}: it runs in the next
 * {@code expire}. So one call always ends (an action that re-arms itself at {@code now} cannot
 * spin it forever), and a caller sees such timers through {@link #nextDeadline()} afterwards.
 *
 * <h2>Extreme deadlines</h2>
 * Every {@code long} is a valid deadline, ordered as a signed number; none is rejected or
 * treated specially. {@link Long#MIN_VALUE} is due at any {@code now}. {@link Long#MAX_VALUE}
 * is the latest deadline and in practice means "never": a monotonic clock does not reach it,
 * and {@link #nextDeadline()} then answers {@code Long.MAX_VALUE}, which is also its answer for
 * no timer at all (both mean "block without a deadline" to a loop). Such a timer is still armed
 * and counted by {@link #size()}, and {@code expire(Long.MAX_VALUE)} runs it (a way to drain
 * everything, e.g. at the end of a simulation). Deadline arithmetic is the caller's: add
 * delays with saturation ({@code Math.addExact} or a clamp), since a wrapped sum is a deadline
 * in the past.
 */
public interface Timers {

    /**
     * A new timer that runs {@code action} when it expires. It starts disarmed and stays
     * allocated for reuse: arm it again after it ran or was cancelled. Allocates the handle; the
     * structure itself grows only when more timers are armed at once than ever before.
     *
     * @throws NullPointerException if {@code action} is null
     */
    Timer newTimer(Runnable action);

    /**
     * The earliest deadline of all armed timers, or {@link Long#MAX_VALUE} if none is armed.
     * Constant time, except from inside an {@link #expire} action, where timers armed during
     * that call are scanned too.
     */
    long nextDeadline();

    /**
     * Runs the action of every timer armed before this call whose deadline is {@code <= nowNanos},
     * in deadline order, equal deadlines in arming order. Each timer is disarmed just before its
     * action runs, so the action may re-arm it (see the class comment for armings made during
     * the call); an action may also arm, move or cancel any other timer of this structure. A
     * timer cancelled or moved by an earlier action of the same call runs at its new deadline,
     * or not at all.
     *
     * <p>If an action throws, the exception propagates out of {@code expire}; the timers not yet
     * run stay armed (and run in a later call), and the structure stays consistent.
     *
     * @return how many actions ran (0 when nothing is due)
     * @throws IllegalStateException if called from inside an action of this structure's
     *     {@code expire}
     */
    int expire(long nowNanos);

    /** How many timers are armed. */
    int size();

    /** An empty structure with room for a small number of armed timers before it grows. */
    static Timers create() {
        return new HeapTimers(HeapTimers.DEFAULT_CAPACITY);
    }

    /**
     * An empty structure with room for {@code initialCapacity} armed timers before it grows
     * (it doubles its arrays when full and never shrinks).
     *
     * @throws IllegalArgumentException if {@code initialCapacity} is negative
     */
    static Timers create(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity must be >= 0, was " + initialCapacity);
        }
        return new HeapTimers(initialCapacity);
    }

    /**
     * A reusable timer of one {@link Timers}: armed for one deadline at a time. Same thread
     * rule as its structure.
     */
    interface Timer {

        /**
         * Arms the timer for {@code deadlineNanos}, or moves it there if it is already armed
         * (its old deadline is forgotten; it takes a new place in arming order among equal
         * deadlines). Any {@code long} is accepted; see {@link Timers} for the extremes.
         * No allocation unless more timers are armed at once than ever before.
         *
         * @return {@code true} if it was armed before (a move), {@code false} if it was not
         */
        boolean arm(long deadlineNanos);

        /**
         * Disarms the timer: its action will not run unless it is armed again.
         *
         * @return whether it was armed
         */
        boolean cancel();

        /** Whether the timer is armed: armed and neither run nor cancelled since. */
        boolean armed();

        /**
         * The deadline of the latest arming, whether or not the timer is still armed (an action
         * can read when it was due); {@link Long#MAX_VALUE} if it was never armed.
         */
        long deadline();
    }
}
