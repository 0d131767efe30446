package mirage.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimersTest {

    final Timers timers = Timers.create();
    final List<String> ran = new ArrayList<>();

    Timers.Timer named(String name) {
        return timers.newTimer(() -> ran.add(name));
    }

    @Test
    void emptyHasNoDeadlineAndExpiresNothing() {
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
        assertEquals(0, timers.size());
        assertEquals(0, timers.expire(Long.MIN_VALUE));
        assertEquals(0, timers.expire(0));
        assertEquals(0, timers.expire(Long.MAX_VALUE));
    }

    @Test
    void expireWithNothingDueRunsNothing() {
        Timers.Timer a = named("a");
        a.arm(100);
        assertEquals(0, timers.expire(99));
        assertEquals(List.of(), ran);
        assertTrue(a.armed());
        assertEquals(1, timers.size());
        assertEquals(100, timers.nextDeadline());
    }

    @Test
    void newTimerStartsDisarmed() {
        Timers.Timer a = named("a");
        assertFalse(a.armed());
        assertEquals(Long.MAX_VALUE, a.deadline());
        assertFalse(a.cancel());
        assertEquals(0, timers.size());
    }

    @Test
    void runsInDeadlineOrderThenArmingOrder() {
        Timers.Timer a = named("a");
        Timers.Timer b = named("b");
        Timers.Timer c = named("c");
        Timers.Timer d = named("d");
        assertFalse(c.arm(20));
        assertFalse(a.arm(10));
        assertFalse(b.arm(10));
        assertFalse(d.arm(5));
        assertEquals(4, timers.size());
        assertEquals(5, timers.nextDeadline());
        assertEquals(3, timers.expire(10));
        assertEquals(List.of("d", "a", "b"), ran);
        assertEquals(1, timers.size());
        assertEquals(20, timers.nextDeadline());
        assertFalse(a.armed());
        assertEquals(10, a.deadline(), "the deadline of the latest arming stays readable");
    }

    @Test
    void reArmingMovesTheTimerAndPutsItLastAmongEqualDeadlines() {
        Timers.Timer a = named("a");
        Timers.Timer b = named("b");
        a.arm(10);
        b.arm(10);
        assertTrue(a.arm(10), "a move reports that the timer was armed");
        assertEquals(2, timers.size());
        timers.expire(10);
        assertEquals(List.of("b", "a"), ran);

        ran.clear();
        a.arm(50);
        b.arm(60);
        assertTrue(b.arm(40));
        assertEquals(40, timers.nextDeadline());
        assertTrue(a.arm(100));
        assertEquals(1, timers.expire(99));
        assertEquals(List.of("b"), ran);
        assertEquals(100, timers.nextDeadline());
    }

    @Test
    void cancelDisarms() {
        Timers.Timer a = named("a");
        Timers.Timer b = named("b");
        a.arm(1);
        b.arm(2);
        assertTrue(a.cancel());
        assertFalse(a.cancel());
        assertFalse(a.armed());
        assertEquals(1, timers.size());
        assertEquals(2, timers.nextDeadline());
        assertEquals(1, timers.expire(10));
        assertEquals(List.of("b"), ran);
        assertFalse(b.cancel(), "a timer that ran is no longer armed");
    }

    @Test
    void anActionReArmingItselfLaterRunsAgainLater() {
        long[] now = {0};
        Timers.Timer[] self = new Timers.Timer[1];
        self[0] = timers.newTimer(() -> {
            ran.add("tick@" + now[0]);
            self[0].arm(now[0] + 10);
        });
        self[0].arm(10);
        for (now[0] = 0; now[0] <= 30; now[0] += 5) {
            timers.expire(now[0]);
        }
        assertEquals(List.of("tick@10", "tick@20", "tick@30"), ran);
        assertTrue(self[0].armed());
        assertEquals(40, self[0].deadline());
    }

    @Test
    void anActionReArmingItselfForNowRunsInTheNextExpireNotThisOne() {
        Timers.Timer[] self = new Timers.Timer[1];
        self[0] = timers.newTimer(() -> {
            ran.add("again");
            assertFalse(self[0].armed(), "disarmed while its action runs");
            assertFalse(self[0].arm(7));
            assertTrue(self[0].armed());
        });
        self[0].arm(7);
        assertEquals(1, timers.expire(7), "the call ends although the timer is due again");
        assertEquals(List.of("again"), ran);
        assertEquals(7, timers.nextDeadline());
        assertEquals(1, timers.size());
        assertEquals(1, timers.expire(7));
        assertEquals(List.of("again", "again"), ran);
    }

    @Test
    void armingsMadeDuringExpireAreVisibleButWaitForTheNextCall() {
        Timers.Timer late = named("late");
        Timers.Timer fresh = named("fresh");
        Timers.Timer moved = named("moved");
        moved.arm(9);
        Timers.Timer first = timers.newTimer(() -> {
            ran.add("first");
            fresh.arm(1); // due, but armed during the call
            moved.arm(2); // was due in this call; moved, so it waits too
            ran.add("next=" + timers.nextDeadline() + " size=" + timers.size());
        });
        first.arm(5);
        late.arm(8);
        assertEquals(2, timers.expire(10));
        assertEquals(List.of("first", "next=1 size=3", "late"), ran);
        assertEquals(1, timers.nextDeadline());
        assertEquals(2, timers.size());
        ran.clear();
        assertEquals(2, timers.expire(10));
        assertEquals(List.of("fresh", "moved"), ran);
    }

    @Test
    void cancellingOrMovingDeferredArmingsDuringExpire() {
        Timers.Timer x = named("x");
        Timers.Timer y = named("y");
        Timers.Timer z = named("z");
        Timers.Timer a = timers.newTimer(() -> {
            x.arm(0);
            y.arm(0);
            z.arm(0);
        });
        Timers.Timer b = timers.newTimer(() -> {
            // x, y, z are deferred by now (they reached the top of the heap before b).
            assertTrue(y.cancel());
            assertTrue(x.arm(3));
            ran.add("b size=" + timers.size() + " next=" + timers.nextDeadline());
        });
        a.arm(1);
        b.arm(2);
        assertEquals(2, timers.expire(2));
        assertEquals(List.of("b size=2 next=0"), ran);
        assertFalse(y.armed());
        assertEquals(2, timers.size());
        ran.clear();
        assertEquals(2, timers.expire(5));
        assertEquals(List.of("z", "x"), ran);
    }

    @Test
    void anActionCancellingAnotherTimerDueAtTheSameTimeStopsIt() {
        Timers.Timer[] victim = new Timers.Timer[1];
        Timers.Timer killer = timers.newTimer(() -> {
            ran.add("killer");
            assertTrue(victim[0].cancel());
        });
        victim[0] = named("victim");
        killer.arm(10);
        victim[0].arm(10);
        assertEquals(1, timers.expire(10));
        assertEquals(List.of("killer"), ran);
        assertFalse(victim[0].armed());
        assertEquals(0, timers.size());
        assertEquals(Long.MAX_VALUE, timers.nextDeadline());
    }

    @Test
    void anActionCanMoveAnotherDueTimerLater() {
        Timers.Timer b = named("b");
        Timers.Timer a = timers.newTimer(() -> {
            ran.add("a");
            b.arm(100);
        });
        a.arm(1);
        b.arm(2);
        assertEquals(1, timers.expire(50));
        assertEquals(List.of("a"), ran);
        assertEquals(100, timers.nextDeadline());
    }

    @Test
    void minValueIsDueAtAnyTime() {
        Timers.Timer a = named("a");
        a.arm(Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, timers.nextDeadline());
        assertEquals(1, timers.expire(Long.MIN_VALUE));
        assertEquals(List.of("a"), ran);
    }

    @Test
    void maxValueIsArmedButOnlyDueAtTheEndOfTime() {
        Timers.Timer never = named("never");
        Timers.Timer soon = named("soon");
        never.arm(Long.MAX_VALUE);
        assertTrue(never.armed());
        assertEquals(1, timers.size());
        assertEquals(Long.MAX_VALUE, timers.nextDeadline(), "the same answer as no timer: block without a deadline");
        soon.arm(Long.MAX_VALUE - 1);
        assertEquals(Long.MAX_VALUE - 1, timers.nextDeadline());
        assertEquals(1, timers.expire(Long.MAX_VALUE - 1));
        assertEquals(List.of("soon"), ran);
        assertEquals(1, timers.size());
        assertEquals(1, timers.expire(Long.MAX_VALUE), "expire(MAX_VALUE) drains everything");
        assertEquals(List.of("soon", "never"), ran);
        assertEquals(0, timers.size());
    }

    @Test
    void aThrowingActionPropagatesAndLeavesTheRestArmed() {
        Timers.Timer c = named("c");
        Timers.Timer d = named("d");
        Timers.Timer a = timers.newTimer(() -> {
            ran.add("a");
            d.arm(0); // due, armed during the call: deferred when b throws, and must come back
        });
        RuntimeException boom = new RuntimeException("boom");
        Timers.Timer b = timers.newTimer(() -> {
            throw boom;
        });
        a.arm(1);
        b.arm(2);
        c.arm(3);
        assertSame(boom, assertThrows(RuntimeException.class, () -> timers.expire(10)));
        assertEquals(List.of("a"), ran);
        assertFalse(b.armed());
        assertTrue(c.armed());
        assertTrue(d.armed());
        assertEquals(2, timers.size());
        assertEquals(0, timers.nextDeadline());
        assertEquals(2, timers.expire(10));
        assertEquals(List.of("a", "d", "c"), ran);
    }

    @Test
    void expireFromInsideAnActionIsRefused() {
        Timers.Timer a = timers.newTimer(() -> timers.expire(0));
        a.arm(0);
        assertThrows(IllegalStateException.class, () -> timers.expire(0));
        assertEquals(0, timers.size());
        named("b").arm(0);
        assertEquals(1, timers.expire(0), "usable after the refusal");
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(NullPointerException.class, () -> timers.newTimer(null));
        assertThrows(IllegalArgumentException.class, () -> Timers.create(-1));
        Timers zero = Timers.create(0);
        Timers.Timer t = zero.newTimer(() -> {});
        t.arm(1);
        assertEquals(1, zero.size());
    }

    /** A million timers armed in shuffled order (with ties), expired in a few steps, in order. */
    @Test
    void aMillionTimersExpireInOrder() {
        int n = 1_000_000;
        Timers big = Timers.create();
        long[] lastKey = {Long.MIN_VALUE, -1};
        int[] count = {0};
        long[] deadlineOf = new long[n];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < n; i++) {
            deadlineOf[i] = random.nextLong(n / 4); // about 4 timers per deadline
        }
        final class Check implements Runnable {
            final int id;

            Check(int id) {
                this.id = id;
            }

            @Override
            public void run() {
                long d = deadlineOf[id];
                if (d < lastKey[0] || (d == lastKey[0] && id <= lastKey[1])) {
                    throw new AssertionError("timer " + id + " at " + d + " after timer " + lastKey[1] + " at " + lastKey[0]);
                }
                lastKey[0] = d;
                lastKey[1] = id;
                count[0]++;
            }
        }
        for (int i = 0; i < n; i++) {
            big.newTimer(new Check(i)).arm(deadlineOf[i]); // arming order = id order
        }
        assertEquals(n, big.size());
        int total = 0;
        for (long now = 0; now < n / 4; now += n / 40) {
            total += big.expire(now);
            assertTrue(big.nextDeadline() > now);
        }
        total += big.expire(Long.MAX_VALUE);
        assertEquals(n, total);
        assertEquals(n, count[0]);
        assertEquals(0, big.size());
        assertEquals(Long.MAX_VALUE, big.nextDeadline());
    }

    /**
     * Once the arrays are big enough, arming, moving, cancelling and expiring allocate nothing
     * (measured with the JDK's per-thread allocation counter; not a timing assertion).
     */
    @Test
    void steadyStateAllocatesNothing() {
        AllocationCounter counter = AllocationCounter.forCurrentThread();
        int n = 1000;
        Timers.Timer[] all = new Timers.Timer[n];
        Timers.Timer[] self = new Timers.Timer[1];
        long[] now = {0};
        Runnable rearm = () -> self[0].arm(now[0] + 1 + (now[0] * 7919) % 500);
        Runnable nothing = () -> {};
        for (int i = 0; i < n; i++) {
            all[i] = timers.newTimer(i == 0 ? rearm : nothing);
        }
        self[0] = all[0];
        long allocated = 0;
        for (int round = 0; round < 3; round++) { // round 0 grows the arrays and warms up
            long before = counter.bytes();
            for (int i = 0; i < n; i++) {
                all[i].arm(now[0] + (i * 31L) % 997);
            }
            for (int i = 0; i < n; i += 3) {
                all[i].arm(now[0] + (i * 17L) % 991);
            }
            for (int i = 1; i < n; i += 5) {
                all[i].cancel();
            }
            for (int step = 0; step < 1000; step++) {
                now[0]++;
                timers.expire(now[0]);
            }
            allocated = counter.bytes() - before;
        }
        assertEquals(0, allocated, "bytes allocated by arm/move/cancel/expire in steady state");
    }
}
