package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mirage.core.ArgumentException;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.Unikernel;
import mirage.core.spi.Boot;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
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

    /** Solo5 with a latch opened when the loop first blocks in yield. */
    static final class Watched implements Platform {
        final Solo5Platform inner = new Solo5Platform(Manifest.EMPTY);
        final CountDownLatch yielding = new CountDownLatch(1);
        volatile boolean closed;

        @Override public String name() { return inner.name(); }
        @Override public Console console() { return inner.console(); }
        @Override public Entropy entropy() { return inner.entropy(); }
        @Override public long monotonicNanos() { return inner.monotonicNanos(); }
        @Override public long wallClockNanos() { return inner.wallClockNanos(); }
        @Override public Manifest manifest() { return inner.manifest(); }
        @Override public List<String> bind(List<String> argv) throws ArgumentException { return inner.bind(argv); }
        @Override public Optional<Device> device(String name) { return inner.device(name); }
        @Override public void wake() { inner.wake(); }

        @Override
        public long yield(long deadlineNanos) {
            if (deadlineNanos == Long.MAX_VALUE) {
                yielding.countDown();
            }
            return inner.yield(deadlineNanos);
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }

    @Test
    void executeFromTheUnikernelThreadWakesTheBlockedLoop() {
        Watched w = new Watched();
        int status = Boot.run("t", () -> w, List.of(), new String[0], c -> {
            w.yielding.await();
            for (int i = 0; i < 100; i++) {
                CompletableFuture<Boolean> ran = new CompletableFuture<>();
                c.loop().execute(() -> ran.complete(c.loop().inLoop()));
                assertTrue(ran.get());
            }
        });
        assertEquals(Unikernel.EXIT_OK, status);
        assertTrue(w.closed);
    }

    @Test
    void timersOnTheRealLoopRunInOrderAndNotEarly() {
        Watched w = new Watched();
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
