package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import mirage.core.spi.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import mirage.testkit.VirtualPlatform;

/** The loop on a virtual clock: every test runs the loop on the test thread unless it says otherwise. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopTest {

    record Ran(int index, long at) {}

    static List<Integer> stableOrder(List<Long> deadlines) {
        return IntStream.range(0, deadlines.size()).boxed()
                .sorted(Comparator.comparing(deadlines::get)).toList();
    }

    static List<Ran> runTimers(List<Long> deadlines, boolean fromLoop) {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<Ran> ran = new ArrayList<>();
        Runnable scheduleAll = () -> {
            for (int i = 0; i < deadlines.size(); i++) {
                int index = i;
                loop.schedule(deadlines.get(i), () -> ran.add(new Ran(index, loop.now())));
            }
            loop.schedule(1_000, loop::stop);
        };
        if (fromLoop) {
            loop.execute(scheduleAll);
        } else {
            scheduleAll.run();
        }
        loop.run();
        return ran;
    }

    @Test
    void timersRunInDeadlineThenSubmissionOrderAtTheirDeadline() {
        qt().forAll(lists().of(longs().between(0, 20)).ofSizeBetween(0, 40)).checkAssert(deadlines -> {
            for (boolean fromLoop : new boolean[] {true, false}) {
                List<Ran> ran = runTimers(deadlines, fromLoop);
                assertEquals(stableOrder(deadlines), ran.stream().map(Ran::index).toList(), "from loop: " + fromLoop);
                for (Ran r : ran) {
                    assertEquals(deadlines.get(r.index()), r.at(), "virtual time when timer " + r.index() + " ran");
                }
            }
        });
    }

    @Test
    void aPastDeadlineRunsWithoutYielding() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<Long> at = new ArrayList<>();
        loop.schedule(10, () -> {
            int yields = p.yields().size();
            loop.schedule(3, () -> {
                at.add(loop.now());
                assertEquals(yields, p.yields().size(), "no yield before a due timer");
                loop.stop();
            });
        });
        loop.run();
        assertEquals(List.of(10L), at);
    }

    @Test
    void cancelBeforeDuePreventsTheRun() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        AtomicBoolean ran = new AtomicBoolean();
        List<Boolean> cancels = new ArrayList<>();
        EventLoop.Timer t = loop.schedule(10, () -> ran.set(true));
        assertEquals(10, t.deadline());
        loop.schedule(5, () -> {
            cancels.add(t.cancel());
            cancels.add(t.cancel());
        });
        loop.schedule(20, loop::stop);
        loop.run();
        assertFalse(ran.get());
        assertEquals(List.of(true, false), cancels);
        assertEquals(20, loop.now());
    }

    @Test
    void cancelFromOutsideBeforeTheLoopSeesTheTimer() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        AtomicBoolean ran = new AtomicBoolean();
        EventLoop.Timer t = loop.schedule(0, () -> ran.set(true));
        assertTrue(t.cancel());
        loop.schedule(1, loop::stop);
        loop.run();
        assertFalse(ran.get());
    }

    @Test
    void cancelAfterRunningReturnsFalse() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        AtomicInteger runs = new AtomicInteger();
        List<Boolean> cancels = new ArrayList<>();
        EventLoop.Timer t = loop.schedule(5, runs::incrementAndGet);
        loop.schedule(10, () -> cancels.add(t.cancel()));
        loop.schedule(20, loop::stop);
        loop.run();
        assertEquals(1, runs.get());
        assertEquals(List.of(false), cancels);
        assertFalse(t.cancel());
    }

    @Test
    void aThrowingActionIsCountedAndTheLoopGoesOn() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<String> ran = new ArrayList<>();
        loop.execute(() -> {
            throw new IllegalStateException("boom");
        });
        loop.execute(() -> ran.add("after execute"));
        loop.schedule(5, () -> {
            throw new AssertionError("timer boom");
        });
        loop.schedule(5, () -> ran.add("after timer"));
        loop.schedule(6, loop::stop);
        loop.run();
        assertEquals(List.of("after execute", "after timer"), ran);
        assertEquals(2, loop.failures());
        assertEquals(List.of("mirage: loop action failed: java.lang.IllegalStateException: boom",
                "mirage: loop action failed: java.lang.AssertionError: timer boom"), p.consoleLines());
    }

    @Test
    void actionsThatResubmitThemselvesDoNotStarveTimers() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        AtomicInteger spins = new AtomicInteger();
        AtomicInteger spinsWhenTimerRan = new AtomicInteger(-1);
        loop.execute(new Runnable() {
            @Override
            public void run() {
                if (spins.incrementAndGet() < 10_000 && spinsWhenTimerRan.get() < 0) {
                    loop.execute(this);
                }
            }
        });
        loop.schedule(0, () -> {
            spinsWhenTimerRan.set(spins.get());
            loop.stop();
        });
        loop.run();
        // the timer is due from the first turn: it runs after the inbox as it stood, not after 10,000 spins
        assertTrue(spinsWhenTimerRan.get() <= 2, "timer ran after " + spinsWhenTimerRan.get() + " spins");
    }

    @Test
    void inLoopIsTrueOnlyOnTheLoopThread() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<Boolean> seen = new ArrayList<>();
        assertFalse(loop.inLoop());
        loop.execute(() -> {
            seen.add(loop.inLoop());
            loop.stop();
        });
        loop.run();
        assertEquals(List.of(true), seen);
        assertFalse(loop.inLoop());
    }

    @Test
    void executeFromAnotherThreadWakesABlockedYield() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        AtomicBoolean onLoop = new AtomicBoolean();
        Thread runner = Thread.ofPlatform().start(loop::run);
        // the loop has nothing to do: it blocks in a yield without deadline
        p.awaitYields(1);
        assertEquals(Long.MAX_VALUE, p.yields().getFirst());
        loop.execute(() -> {
            onLoop.set(loop.inLoop());
            loop.stop();
        });
        runner.join();
        assertTrue(onLoop.get());
    }

    /** A loop on a clock that stands still, run on a thread of its own, asleep until its one timer at 1,000. */
    record Sleeping(VirtualPlatform platform, Loop loop, Thread runner, List<String> ran) {
        static Sleeping start() throws InterruptedException {
            VirtualPlatform p = VirtualPlatform.create(VirtualPlatform.Mode.STILL);
            Loop loop = new Loop(p);
            List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
            loop.schedule(1_000, () -> ran.add("timer"));
            Thread runner = Thread.ofPlatform().start(loop::run);
            p.awaitYields(1);
            assertEquals(1_000L, p.yields().getFirst());
            return new Sleeping(p, loop, runner, ran);
        }
    }

    /**
     * An action handed over lazily does not wake a loop that sleeps until a timer before its
     * latest time: it runs at the loop's next turn, before what woke it. One whose latest time
     * is before that timer wakes the loop.
     */
    @Test
    void executeLazilyWakesTheLoopOnlyIfItWouldSleepPastTheLatestTime() throws Exception {
        Sleeping s = Sleeping.start();
        s.loop().executeLazily(() -> s.ran().add("lazy"), 5_000); // the loop wakes at 1,000 anyway: no wake
        s.loop().execute(() -> {
            s.ran().add("eager");
            s.loop().stop();
        });
        s.runner().join();
        assertEquals(List.of("lazy", "eager"), s.ran(), "the lazy action ran first, at the eager one's wake-up");
        assertEquals(1, s.platform().yieldCount(), "one wake-up for both: the lazy action did not wake the loop");

        Sleeping t = Sleeping.start();
        t.loop().executeLazily(() -> t.ran().add("lazy"), 500); // before the loop's timer: it wakes
        t.platform().awaitYields(2); // the loop woke, ran it and sleeps again
        assertEquals(List.of("lazy"), t.ran());
        t.loop().stop();
        t.runner().join();
    }

    @Test
    void scheduleFromAnotherThreadWakesTheLoopAndRunsAtTheDeadline() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<Long> at = new ArrayList<>();
        Thread runner = Thread.ofPlatform().start(loop::run);
        p.awaitYields(1);
        loop.schedule(1_234, () -> {
            at.add(loop.now());
            loop.stop();
        });
        runner.join();
        assertEquals(List.of(1_234L), at);
    }

    @Test
    void stopFromAnotherThreadEndsRun() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        Thread runner = Thread.ofPlatform().start(loop::run);
        p.awaitYields(1);
        loop.stop();
        runner.join();
        assertFalse(runner.isAlive());
    }

    @Test
    void sleepUntilBlocksAVirtualThreadUntilTheDeadlineTimerRuns() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<Long> wokeAt = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                loop.sleepUntil(5_000);
                wokeAt.add(loop.now());
                loop.sleepUntil(1_000); // already past: returns at once
                wokeAt.add(loop.now());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                loop.stop();
            }
        });
        loop.run();
        assertEquals(List.of(5_000L, 5_000L), wokeAt);
    }

    @Test
    void sleepUntilIsInterruptibleAndCancelsItsTimer() throws Exception {
        VirtualPlatform p = VirtualPlatform.create(VirtualPlatform.Mode.STILL); // only wakes end its yields
        Loop loop = new Loop(p);
        Thread runner = Thread.ofPlatform().start(loop::run);
        java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                loop.sleepUntil(10_000_000_000L);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        // The loop has taken the sleeper's timer and blocks again: a yield until its deadline
        // has begun (counting yields raced: the sleeper may register before the loop's first one).
        while (!p.yields().contains(10_000_000_000L)) {
            Thread.sleep(1);
        }
        sleeper.interrupt();
        sleeper.join();
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        loop.stop();
        runner.join();
    }

    @Test
    void sleepUntilOnTheLoopThreadIsRefused() {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        List<Throwable> seen = new ArrayList<>();
        loop.execute(() -> {
            try {
                loop.sleepUntil(0);
            } catch (Throwable e) {
                seen.add(e);
            }
            loop.stop();
        });
        loop.run();
        assertEquals(1, seen.size());
        assertEquals("blocking on the event loop's thread would stall it", seen.getFirst().getMessage());
    }
}
