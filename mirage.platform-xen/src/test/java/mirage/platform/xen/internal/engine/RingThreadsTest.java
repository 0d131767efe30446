package mirage.platform.xen.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import mirage.core.spi.EventLoop;
import mirage.platform.xen.internal.binding.event.ClockWaiter;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * A front end and a back end of one ring exchanging requests and responses as Xen's drivers do:
 * each end blocks when its final check finds nothing and is woken only when the other end's
 * push says to notify. On two real threads (the ordering of the release stores, acquire loads
 * and fences is what keeps a wake-up from being lost) and as two tasks of a simulation on
 * virtual time; indices start just below 2^32. A wait that would stall reports it instead of
 * hanging: each wait is bounded at 10 s (real threads), far above the microseconds expected.
 */
class RingThreadsTest {
    static final int COUNT = 200_000;
    static final long STALL = Duration.ofSeconds(10).toNanos();

    /** The back end's loop: answer every request with its value + 1, sleep when idle. */
    static void serve(BackRing back, EventLoop.Waiter wake, EventLoop.Waiter notifyFront, AtomicLong notifications,
            java.util.function.LongSupplier clock) throws InterruptedException {
        long served = 0;
        while (served < COUNT) {
            int n = back.unconsumedRequests();
            if (n < 0) {
                throw new AssertionError("overflow");
            }
            for (int i = 0; i < n; i++) {
                long v = Layouts.u64(back.memory(), back.takeRequest());
                if (v != served) {
                    throw new AssertionError("request " + v + ", expected " + served);
                }
                Layouts.u64(back.memory(), back.nextResponse(), v + 1);
                served++;
            }
            if (n > 0 && back.pushResponses()) {
                notifications.incrementAndGet();
                notifyFront.signal();
            }
            if (!back.finalCheckForRequests() && served < COUNT) {
                if (!wake.await(clock.getAsLong() + STALL)) {
                    throw new AssertionError("back end stalled at " + served);
                }
            }
        }
    }

    /** The front end: keep the ring full of requests, check each response. */
    static long drive(FrontRing front, EventLoop.Waiter wake, EventLoop.Waiter notifyBack, AtomicLong notifications,
            java.util.function.LongSupplier clock) throws InterruptedException {
        long sent = 0;
        long received = 0;
        while (received < COUNT) {
            int k = 0;
            while (sent < COUNT && !front.full()) {
                Layouts.u64(front.memory(), front.nextRequest(), sent++);
                k++;
            }
            if (k > 0 && front.pushRequests()) {
                notifications.incrementAndGet();
                notifyBack.signal();
            }
            int n = front.unconsumedResponses();
            if (n < 0) {
                throw new AssertionError("overflow");
            }
            for (int i = 0; i < n; i++) {
                long v = Layouts.u64(front.memory(), front.takeResponse());
                if (v != ++received) {
                    throw new AssertionError("response " + v + ", expected " + received);
                }
            }
            if (n == 0 && !front.finalCheckForResponses() && received < COUNT) {
                if (!wake.await(clock.getAsLong() + STALL)) {
                    throw new AssertionError("front end stalled at " + received);
                }
            }
        }
        return received;
    }

    @Test
    void twoThreads_everyRequestAnsweredInOrder_acrossTheWrap() throws Exception {
        MemorySegment page = Arena.ofShared().allocate(Layouts.PAGE_SIZE, Layouts.PAGE_SIZE);
        int start = 0xffffff00;
        FrontRing front = FrontRing.initAt(page, 8, start);
        BackRing back = BackRing.attachAt(page, 8, start);
        long origin = System.nanoTime();
        java.util.function.LongSupplier clock = () -> System.nanoTime() - origin;
        ClockWaiter frontWake = new ClockWaiter(clock);
        ClockWaiter backWake = new ClockWaiter(clock);
        AtomicLong toBack = new AtomicLong();
        AtomicLong toFront = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread server = Thread.ofPlatform().name("back").start(() -> {
            try {
                serve(back, backWake, frontWake, toFront, clock);
            } catch (Throwable e) {
                failed.set(e);
                frontWake.signal();
            }
        });
        long received = drive(front, frontWake, backWake, toBack, clock);
        server.join(STALL / 1_000_000);
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        assertEquals(COUNT, received);
        assertEquals(start + COUNT, front.requestProducer());
        assertTrue(toBack.get() <= COUNT && toFront.get() <= COUNT, "notifications " + toBack + "/" + toFront);
    }

    @Test
    void virtualTime_twoTasks_everyRequestAnsweredInOrder_andTheRunReplays() throws Exception {
        String first = runSimulated(7);
        String again = runSimulated(7);
        assertEquals(first, again, "same seed, same run");
    }

    private static String runSimulated(long seed) throws Exception {
        Simulation sim = Simulation.create(seed);
        MemorySegment page = Arena.ofAuto().allocate(Layouts.PAGE_SIZE, Layouts.PAGE_SIZE);
        int start = 0xfffffff0;
        FrontRing front = FrontRing.initAt(page, 8, start);
        BackRing back = BackRing.attachAt(page, 8, start);
        EventLoop.Waiter frontWake = sim.loop().waiter();
        EventLoop.Waiter backWake = sim.loop().waiter();
        AtomicLong toBack = new AtomicLong();
        AtomicLong toFront = new AtomicLong();
        long[] received = new long[1];
        Simulation.Task b = sim.spawn("back", () -> serve(back, backWake, frontWake, toFront, sim::now));
        Simulation.Task f = sim.spawn("front", () -> received[0] = drive(front, frontWake, backWake, toBack, sim::now));
        sim.run();
        assertTrue(b.done() && f.done());
        assertTrue(b.failure().isEmpty(), () -> b.failure().get().toString());
        assertTrue(f.failure().isEmpty(), () -> f.failure().get().toString());
        assertEquals(COUNT, received[0]);
        assertTrue(toBack.get() < COUNT / 4, "suppression: " + toBack + " notifications for " + COUNT + " requests");
        return toBack + "/" + toFront + "/" + sim.now();
    }
}
