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
import mirage.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import mirage.testkit.ManualLoop;
import mirage.testkit.VirtualPlatform;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopSleepTest {

    /** Boots on {@code p} (a real event loop) and runs {@code entry} as the unikernel. */
    static int boot(VirtualPlatform p, Boot.Entry entry) {
        return Boot.run("sleepy", () -> p, List.of(), new String[0], entry);
    }

    @Test
    void sleepReturnsExactlyWhenVirtualTimeReachesTheDeadline() {
        VirtualPlatform p = VirtualPlatform.create();
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
        ManualLoop loop = ManualLoop.create(1_000);
        Sleep sleep = new LoopSleep(loop);
        sleep.sleep(Duration.ofMillis(5));
        sleep.sleep(Duration.ZERO);
        sleep.sleep(Duration.ofNanos(1));
        assertEquals(List.of(1_000L + 5_000_000L, 1_000L, 1_001L), loop.sleeps());
    }

    @Test
    void negativeAndAbsurdDurationsAreRefusedWithAClearMessage() {
        ManualLoop loop = ManualLoop.create();
        Sleep sleep = new LoopSleep(loop);
        assertEquals("negative duration PT-0.000000001S",
                assertThrows(IllegalArgumentException.class, () -> sleep.sleep(Duration.ofNanos(-1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> sleep.sleep(Duration.ofSeconds(Long.MIN_VALUE)));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> sleep.sleep(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        assertTrue(tooLong.getMessage().endsWith("is longer than 292 years in nanoseconds"), tooLong.getMessage());
        assertEquals(List.of(), loop.sleeps(), "nothing blocked");
    }

    @Test
    void deadlinesBeyondTheClockSaturateAtNever() throws InterruptedException {
        for (long now : new long[] {0, 5, Long.MAX_VALUE - 10}) {
            ManualLoop loop = ManualLoop.create(now);
            new LoopSleep(loop).sleep(Duration.ofNanos(Long.MAX_VALUE));
            new LoopSleep(loop).sleep(Duration.ofSeconds(1));
            long oneSecond = now < Long.MAX_VALUE - 2_000_000_000L ? now + 1_000_000_000L : Long.MAX_VALUE;
            assertEquals(List.of(now == 0 ? Long.MAX_VALUE : Long.MAX_VALUE, oneSecond), loop.sleeps(), "from " + now);
        }
    }

    @Test
    void onTheLoopThreadItRefuses() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
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

    @Test
    void forever_armsNoTimer_andOnlyAnInterruptEndsIt() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        AtomicReference<Thread> unikernel = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> boot(p, c -> {
            unikernel.set(Thread.currentThread());
            try {
                Sleep.on(c.loop()).forever();
            } catch (InterruptedException e) {
                thrown.set(e);
                throw e;
            }
        }));
        p.awaitYields(1); // the loop idles: forever waits without a timer
        while (unikernel.get() == null) { // the loop may idle before the unikernel's thread is on its way
            Thread.sleep(1);
        }
        assertTrue(p.yields().stream().allMatch(y -> y == Long.MAX_VALUE), p.yields().toString());
        assertEquals(false, status.isDone());
        unikernel.get().interrupt();
        assertEquals(Unikernel.EXIT_FAILURE, status.get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, thrown.get());
    }
}
