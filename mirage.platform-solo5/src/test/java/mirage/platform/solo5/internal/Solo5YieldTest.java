package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mirage.core.Unikernel;
import mirage.core.spi.Boot;
import mirage.core.spi.Manifest;
import mirage.testkit.WatchedPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real time and real threads: generous timeouts, no assertions on how long anything took. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Solo5YieldTest {
    static final long MS = 1_000_000L;

    @Test
    void yieldReturnsNoEarlierThanTheDeadline() {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            for (int i = 0; i < 5; i++) {
                long deadline = p.monotonicNanos() + 5 * MS;
                assertEquals(0L, p.yield(deadline));
                assertTrue(p.monotonicNanos() >= deadline);
            }
        }
    }

    @Test
    void pastDeadlinesReturnAtOnce() {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            assertEquals(0L, p.yield(0));
            assertEquals(0L, p.yield(p.monotonicNanos()));
            assertEquals(0L, p.yield(-1));
            assertEquals(0L, p.yield(Long.MIN_VALUE));
        }
    }

    @Test
    void aWakeBeforeYieldMakesTheNextYieldReturnAtOnceOnlyOnce() {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            p.wake();
            p.wake();
            assertEquals(0L, p.yield(Long.MAX_VALUE));
            // the wake is used up: the next yield waits for its deadline
            long deadline = p.monotonicNanos() + 5 * MS;
            p.yield(deadline);
            assertTrue(p.monotonicNanos() >= deadline);
        }
    }

    @Test
    void wakeFromAnotherThreadEndsAYieldWithoutDeadline() throws Exception {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            CompletableFuture<Long> yielded = CompletableFuture.supplyAsync(() -> p.yield(Long.MAX_VALUE));
            p.wake();
            assertEquals(0L, yielded.get());
        }
    }

    @Test
    void clocksAreSane() {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            long a = p.monotonicNanos();
            long b = p.monotonicNanos();
            assertTrue(b >= a);
            long wall = p.wallClockNanos();
            long now = System.currentTimeMillis() * MS;
            assertTrue(Math.abs(wall - now) < 60_000 * MS, "wall clock is the host's");
            assertEquals("solo5", p.name());
            assertEquals(Optional.empty(), p.device("service"));
            p.close();
            p.close();
        }
    }

    @Test
    void executeFromTheUnikernelThreadWakesTheBlockedLoop() {
        WatchedPlatform w = WatchedPlatform.of(new Solo5Platform(Manifest.EMPTY));
        int status = Boot.run("t", () -> w, List.of(), new String[0], c -> {
            w.awaitIdle();
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Boolean> ran = new CompletableFuture<>();
                c.loop().execute(() -> ran.complete(c.loop().inLoop()));
                assertTrue(ran.get());
            }
        });
        assertEquals(Unikernel.EXIT_OK, status);
        assertTrue(w.closed());
    }

    @Test
    void timersOnTheRealLoopRunInOrderAndNotEarly() {
        WatchedPlatform w = WatchedPlatform.of(new Solo5Platform(Manifest.EMPTY));
        List<Integer> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> early = new java.util.concurrent.CopyOnWriteArrayList<>();
        int status = Boot.run("t", () -> w, List.of(), new String[0], c -> {
            CompletableFuture<Void> last = new CompletableFuture<>();
            long[] offsets = {8 * MS, 2 * MS, 4 * MS, 2 * MS};
            // Arm all four in one loop action, so none can fire before the last is armed
            // however slowly this thread runs.
            c.loop().execute(() -> {
                long now = c.loop().now();
                for (int i = 0; i < offsets.length; i++) {
                    int index = i;
                    long deadline = now + offsets[i];
                    c.loop().schedule(deadline, () -> {
                        if (c.loop().now() < deadline) {
                            early.add(index + " ran at " + c.loop().now() + " before " + deadline);
                        }
                        order.add(index);
                        if (index == 0) {
                            last.complete(null);
                        }
                    });
                }
            });
            last.get();
        });
        assertEquals(Unikernel.EXIT_OK, status);
        assertEquals(List.of(), early);
        assertEquals(List.of(1, 3, 2, 0), order);
    }
}
