package mirage.time.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import mirage.core.Unikernel;
import mirage.core.spi.Boot;
import mirage.core.spi.EventLoop;
import mirage.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopSleepTest {

    /** A loop whose timers the test fires by hand. */
    static final class ManualLoop implements EventLoop {
        volatile long now;
        volatile boolean inLoop;
        final List<ManualTimer> timers = new ArrayList<>();
        final CountDownLatch scheduled = new CountDownLatch(1);

        final class ManualTimer implements Timer {
            final long deadline;
            final Runnable action;
            volatile boolean cancelled;

            ManualTimer(long deadline, Runnable action) {
                this.deadline = deadline;
                this.action = action;
            }

            @Override
            public long deadline() {
                return deadline;
            }

            @Override
            public boolean cancel() {
                boolean was = cancelled;
                cancelled = true;
                return !was;
            }
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public void execute(Runnable action) {
            throw new AssertionError("sleep has no use for execute");
        }

        @Override
        public synchronized Timer schedule(long deadlineNanos, Runnable action) {
            ManualTimer t = new ManualTimer(deadlineNanos, action);
            timers.add(t);
            scheduled.countDown();
            return t;
        }

        synchronized ManualTimer only() {
            assertEquals(1, timers.size());
            return timers.getFirst();
        }

        @Override
        public boolean inLoop() {
            return inLoop;
        }
    }

    /** Boots on {@code p} (a real event loop) and runs {@code entry} as the unikernel. */
    static int boot(VirtualPlatform p, Boot.Entry entry) {
        return Boot.run("sleepy", () -> p, List.of(), new String[0], entry);
    }

    @Test
    void sleepReturnsExactlyWhenVirtualTimeReachesTheDeadline() {
        VirtualPlatform p = new VirtualPlatform();
        List<Long> wokeAt = new ArrayList<>();
        int status = boot(p, c -> {
            Sleep sleep = Sleep.on(c.loop());
            for (Duration d : List.of(Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofNanos(1), Duration.ofDays(3))) {
                sleep.sleep(d);
                wokeAt.add(c.loop().now());
            }
        });
        assertEquals(Unikernel.EXIT_OK, status);
        long s = 1_000_000_000L;
        assertEquals(List.of(s, s + 250_000_000L, s + 250_000_001L, s + 250_000_001L + 3 * 86_400 * s), wokeAt);
        // the clock only ever moved to a sleeper's deadline
        assertTrue(p.yields().stream().filter(y -> y != Long.MAX_VALUE).allMatch(wokeAt::contains), p.yields().toString());
    }

    @Test
    void zeroAndNegativeReturnAtOnce() throws InterruptedException {
        ManualLoop loop = new ManualLoop();
        Sleep sleep = new LoopSleep(loop);
        sleep.sleep(Duration.ZERO);
        sleep.sleep(Duration.ofNanos(-1));
        sleep.sleep(Duration.ofSeconds(Long.MIN_VALUE));
        assertEquals(List.of(), loop.timers);
    }

    @Test
    void theTimerIsAtNowPlusTheDurationAndEndsTheSleep() throws Exception {
        ManualLoop loop = new ManualLoop();
        loop.now = 1_000;
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                new LoopSleep(loop).sleep(Duration.ofMillis(5));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        loop.scheduled.await();
        assertEquals(1_000 + 5_000_000, loop.only().deadline());
        loop.only().action.run();
        sleeper.join();
        assertNull(outcome.get());
    }

    @Test
    void durationsBeyondTheClockSaturate() throws Exception {
        for (long now : new long[] {0, 5, Long.MAX_VALUE - 10}) {
            for (Duration d : List.of(Duration.ofSeconds(1), Duration.ofNanos(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))) {
                ManualLoop loop = new ManualLoop();
                loop.now = now;
                Thread sleeper = Thread.ofVirtual().start(() -> {
                    try {
                        new LoopSleep(loop).sleep(d);
                    } catch (InterruptedException expected) {
                        // ended by the test
                    }
                });
                loop.scheduled.await();
                long expected = d.toSeconds() == 1 && now < Long.MAX_VALUE - 2_000_000_000L ? now + 1_000_000_000L : Long.MAX_VALUE;
                assertEquals(expected, loop.only().deadline(), now + " + " + d);
                sleeper.interrupt();
                sleeper.join();
            }
        }
    }

    @Test
    void interruptCancelsTheTimerAndThrows() throws Exception {
        ManualLoop loop = new ManualLoop();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread sleeper = Thread.ofVirtual().start(() -> {
            try {
                new LoopSleep(loop).sleep(Duration.ofSeconds(10));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        loop.scheduled.await();
        sleeper.interrupt();
        sleeper.join();
        assertInstanceOf(InterruptedException.class, outcome.get());
        assertTrue(loop.only().cancelled, "the timer is cancelled");
    }

    @Test
    void onTheLoopThreadItRefuses() throws Exception {
        ManualLoop manual = new ManualLoop();
        manual.inLoop = true;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new LoopSleep(manual).sleep(Duration.ofSeconds(1)));
        assertEquals("sleep on the event loop's thread would stall it", e.getMessage());
        // also for zero: the mistake is where it is called from
        assertThrows(IllegalStateException.class, () -> new LoopSleep(manual).sleep(Duration.ZERO));

        VirtualPlatform p = new VirtualPlatform();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        int status = boot(p, c -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            c.loop().execute(() -> {
                try {
                    Sleep.on(c.loop()).sleep(Duration.ofSeconds(1));
                } catch (Throwable t) {
                    seen.set(t);
                }
                done.complete(null);
            });
            done.get();
        });
        assertEquals(Unikernel.EXIT_OK, status);
        assertInstanceOf(IllegalStateException.class, seen.get());
        assertEquals(0, p.monotonicNanos(), "no time passed");
    }
}
