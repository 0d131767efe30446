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

    /** A loop that records the deadlines sleepers ask it to block until. */
    static final class RecordingLoop implements EventLoop {
        long now;
        final List<Long> blockedUntil = new ArrayList<>();

        @Override
        public long now() {
            return now;
        }

        @Override
        public void execute(Runnable action) {
            throw new AssertionError("sleep has no use for execute");
        }

        @Override
        public Timer schedule(long deadlineNanos, Runnable action) {
            throw new AssertionError("sleep blocks through sleepUntil");
        }

        @Override
        public boolean inLoop() {
            return false;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            blockedUntil.add(deadlineNanos);
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
    void theDeadlineIsNowPlusTheDurationAndZeroIsNow() throws InterruptedException {
        RecordingLoop loop = new RecordingLoop();
        loop.now = 1_000;
        Sleep sleep = new LoopSleep(loop);
        sleep.sleep(Duration.ofMillis(5));
        sleep.sleep(Duration.ZERO);
        sleep.sleep(Duration.ofNanos(1));
        assertEquals(List.of(1_000L + 5_000_000L, 1_000L, 1_001L), loop.blockedUntil);
    }

    @Test
    void negativeAndAbsurdDurationsAreRefusedWithAClearMessage() {
        RecordingLoop loop = new RecordingLoop();
        Sleep sleep = new LoopSleep(loop);
        assertEquals("negative duration PT-0.000000001S",
                assertThrows(IllegalArgumentException.class, () -> sleep.sleep(Duration.ofNanos(-1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> sleep.sleep(Duration.ofSeconds(Long.MIN_VALUE)));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> sleep.sleep(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        assertTrue(tooLong.getMessage().endsWith("is longer than 292 years in nanoseconds"), tooLong.getMessage());
        assertEquals(List.of(), loop.blockedUntil, "nothing blocked");
    }

    @Test
    void deadlinesBeyondTheClockSaturateAtNever() throws InterruptedException {
        for (long now : new long[] {0, 5, Long.MAX_VALUE - 10}) {
            RecordingLoop loop = new RecordingLoop();
            loop.now = now;
            new LoopSleep(loop).sleep(Duration.ofNanos(Long.MAX_VALUE));
            new LoopSleep(loop).sleep(Duration.ofSeconds(1));
            long oneSecond = now < Long.MAX_VALUE - 2_000_000_000L ? now + 1_000_000_000L : Long.MAX_VALUE;
            assertEquals(List.of(now == 0 ? Long.MAX_VALUE : Long.MAX_VALUE, oneSecond), loop.blockedUntil, "from " + now);
        }
    }

    @Test
    void onTheLoopThreadItRefuses() throws Exception {
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
        assertEquals("blocking on the event loop's thread would stall it", seen.get().getMessage());
        assertEquals(0, p.monotonicNanos(), "no time passed");
    }
}
