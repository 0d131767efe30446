package mirage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mirage.core.spi.EventLoop;
import org.junit.jupiter.api.Test;

/** The kit's platform and manual loop keep the contracts the tests rely on. */
class FakesTest {
    @Test
    void virtualPlatform_advanceMovesTheClockToEachDeadline_aPendingWakeReturnsWithoutMoving() {
        VirtualPlatform p = VirtualPlatform.create();
        p.yield(5);
        assertEquals(5, p.monotonicNanos());
        p.yield(3);
        assertEquals(5, p.monotonicNanos(), "never back");
        p.wake();
        p.yield(100);
        assertEquals(5, p.monotonicNanos(), "a pending wake: returns at once");
        assertEquals(List.of(5L, 3L, 100L), p.yields());
        assertEquals(3, p.yieldCount());
    }

    @Test
    void virtualPlatform_neverBlock_returnsAtOnceWithoutADeadline() {
        VirtualPlatform p = VirtualPlatform.create(VirtualPlatform.Mode.NEVER_BLOCK);
        p.yield(Long.MAX_VALUE);
        p.yield(7);
        assertEquals(7, p.monotonicNanos());
    }

    @Test
    void virtualPlatform_still_waitsForAWakeEvenWithADeadline() throws Exception {
        VirtualPlatform p = VirtualPlatform.create(VirtualPlatform.Mode.STILL);
        Thread t = Thread.ofVirtual().start(() -> p.yield(10));
        p.awaitYields(1);
        assertTrue(t.isAlive());
        p.wake();
        t.join();
        assertEquals(0, p.monotonicNanos());
    }

    @Test
    void virtualPlatform_recordsTheConsole_andItsWallClockIsSet() {
        VirtualPlatform p = VirtualPlatform.create();
        p.console().println("a");
        p.setWallClock(42);
        assertEquals(List.of("a"), p.consoleLines());
        assertEquals(42, p.wallClockNanos());
        assertFalse(p.closed());
        p.close();
        assertTrue(p.closed());
    }

    @Test
    void manualLoop_runsActionsThenTimersInDeadlineOrder_onlyWhenTold() {
        ManualLoop loop = ManualLoop.create();
        List<String> ran = new ArrayList<>();
        loop.schedule(20, () -> ran.add("t20@" + loop.now()));
        loop.schedule(10, () -> {
            ran.add("t10@" + loop.now());
            loop.execute(() -> ran.add("x@" + loop.now() + " in loop " + loop.inLoop()));
        });
        EventLoop.Timer cancelled = loop.schedule(15, () -> ran.add("cancelled"));
        assertTrue(cancelled.cancel());
        assertFalse(cancelled.cancel());
        assertEquals(0, loop.runPending());
        assertEquals(3, loop.advanceTo(30));
        assertEquals(List.of("t10@10", "x@10 in loop true", "t20@20"), ran);
        assertEquals(30, loop.now());
        assertFalse(loop.inLoop());
    }

    @Test
    void manualLoop_sleepRecordsTheDeadline_withoutMovingTheClock() throws Exception {
        ManualLoop loop = ManualLoop.create(5);
        loop.sleepUntil(100);
        assertEquals(List.of(100L), loop.sleeps());
        assertEquals(5, loop.now());
    }
}
