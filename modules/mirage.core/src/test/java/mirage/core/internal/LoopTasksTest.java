package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import mirage.core.spi.EventLoop;
import mirage.testkit.VirtualPlatform;
import mirage.testkit.WatchedPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Application tasks carried by the loop's thread (docs/decisions/0079). The tests run with
 * {@code java.lang} opened (the build's test options), as an image with devices does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopTasksTest {

    /** The platform thread carrying the calling virtual thread (the JDK's package-private {@code Thread.currentCarrierThread}). */
    static Thread carrier() {
        try {
            Method m = Thread.class.getDeclaredMethod("currentCarrierThread");
            m.setAccessible(true);
            return (Thread) m.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The mechanism: a task's cycles of waiting for the loop and handing work to it (a signal
     * from a loop action, a {@code call}) run on the loop's own thread, in one wake-up of the
     * loop, with no {@code Platform.wake} and no sleep of the loop between them. With the JDK's
     * scheduler each cycle would cost a wake of the loop (the task's hand-off) and an unpark of
     * a carrier.
     */
    @Test
    void aTasksWaitsAndHandOffsRunOnTheLoopThreadWithoutWakingIt() throws Exception {
        VirtualPlatform virtual = VirtualPlatform.create();
        WatchedPlatform p = WatchedPlatform.of(virtual);
        Loop loop = new Loop(p);
        Thread runner = Thread.ofPlatform().start(loop::run);
        virtual.awaitYields(1); // asleep, nothing to do
        List<Thread> carriers = new CopyOnWriteArrayList<>();
        List<Boolean> inLoop = new CopyOnWriteArrayList<>();
        AtomicLong wakesDuring = new AtomicLong(-1);
        AtomicInteger sleepsDuring = new AtomicInteger(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        loop.execute(() -> loop.spawn("cycles", () -> {
            try {
                long wakes = p.wakes();
                long yields = virtual.yieldCount();
                EventLoop.Waiter waiter = loop.waiter();
                for (int i = 0; i < 100; i++) {
                    loop.execute(waiter::signal);
                    assertTrue(waiter.await(Long.MAX_VALUE));
                    carriers.add(carrier());
                    assertEquals(Boolean.TRUE, loop.call(loop::inLoop), "a call's action runs as the loop");
                    inLoop.add(loop.inLoop());
                }
                wakesDuring.set(p.wakes() - wakes);
                // the loop's only yields meanwhile are its looks at the devices between busy turns (deadline now)
                sleepsDuring.set((int) virtual.yields().stream().skip(yields).filter(d -> d == Long.MAX_VALUE).count());
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                loop.stop();
            }
        }));
        runner.join();
        assertEquals(null, failure.get());
        assertTrue(loop.carriesTasks());
        assertEquals(100, carriers.size());
        for (Thread c : carriers) {
            assertSame(runner, c, "the task's carrier is the loop's thread");
        }
        assertFalse(inLoop.contains(true), "a task on the loop's thread is not the loop: it still hands engines' work over");
        assertEquals(0L, wakesDuring.get(), "no wake of the loop for 100 hand-offs and 100 calls");
        assertEquals(0, sleepsDuring.get(), "the loop never slept between a task's hand-off and its resumption");
    }

    /**
     * A timed park is ended by the JDK's timer thread, which hands the continuation to the
     * loop from outside: a sleeping loop is woken for it.
     */
    @Test
    void aTimedParkWakesTheSleepingLoopFromTheJdksTimer() throws Exception {
        VirtualPlatform virtual = VirtualPlatform.create(VirtualPlatform.Mode.STILL); // only wakes end its yields
        WatchedPlatform p = WatchedPlatform.of(virtual);
        Loop loop = new Loop(p);
        AtomicReference<Thread> after = new AtomicReference<>();
        loop.spawn("sleeper", () -> {
            try {
                Thread.sleep(20);
                after.set(carrier());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                loop.stop();
            }
        });
        Thread runner = Thread.ofPlatform().start(loop::run);
        runner.join();
        assertSame(runner, after.get(), "resumed on the loop's thread");
        assertTrue(p.wakes() >= 1, "the JDK's timer woke the loop");
    }

    /** A task that stays ready (yields, never waits) does not keep the loop from its devices. */
    @Test
    void aTaskThatKeepsYieldingLetsTheLoopLookAtItsDevices() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        loop.spawn("busy", () -> {
            long start = p.yieldCount();
            while (p.yieldCount() < start + 3) {
                Thread.yield();
            }
            loop.stop();
        });
        loop.run();
        assertTrue(p.yieldCount() >= 3);
    }

    @Test
    void pooledTasksRunOnTheJdksCarriers() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = Loop.pooled(p);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(loop::run);
        loop.spawn("pooled", () -> {
            ranOn.set(carrier());
            loop.stop();
        });
        runner.join();
        assertFalse(loop.carriesTasks());
        assertNotSame(runner, ranOn.get());
        assertTrue(ranOn.get().getClass().getName().contains("CarrierThread"), ranOn.get().getClass().getName());
    }

    /** A loop run on a virtual thread cannot carry others: its tasks run on the JDK's scheduler. */
    @Test
    void aLoopOnAVirtualThreadLeavesItsTasksToTheJdk() throws Exception {
        VirtualPlatform p = VirtualPlatform.create();
        Loop loop = new Loop(p);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread runner = Thread.ofVirtual().start(loop::run);
        p.awaitYields(1);
        loop.execute(() -> loop.spawn("on the pool", () -> {
            ranOn.set(carrier());
            loop.stop();
        }));
        runner.join();
        assertFalse(loop.carriesTasks());
        assertTrue(ranOn.get().getClass().getName().contains("CarrierThread"), ranOn.get().getClass().getName());
    }
}
