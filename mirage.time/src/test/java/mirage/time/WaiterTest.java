package mirage.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.core.spi.EventLoop;
import org.junit.jupiter.api.Test;

/** EventLoop.Waiter in a simulation: tasks block on virtual time and wake on signals or deadlines. */
class WaiterTest {

    @Test
    void await_wokenBySignalFromLoopAction_atTheSignalsVirtualTime() {
        Simulation sim = Simulation.create(1);
        EventLoop.Waiter w = sim.loop().waiter();
        List<String> seen = new ArrayList<>();
        sim.spawn("waiter", () -> {
            boolean got = w.await(Long.MAX_VALUE);
            seen.add(got + "@" + sim.now());
        });
        sim.loop().schedule(5_000_000, w::signal);
        sim.run();
        assertEquals(List.of("true@5000000"), seen);
    }

    @Test
    void await_deadlinePasses_returnsFalseAtTheDeadline_thenAPendingPermitIsTakenAtOnce() {
        Simulation sim = Simulation.create(2);
        EventLoop.Waiter w = sim.loop().waiter();
        List<String> seen = new ArrayList<>();
        sim.spawn("waiter", () -> {
            seen.add(w.await(3_000_000) + "@" + sim.now());
            w.signal(); // a permit granted before await is kept
            seen.add(w.await(Long.MAX_VALUE) + "@" + sim.now());
            seen.add(w.await(sim.now()) + "@" + sim.now()); // deadline now, no permit
        });
        sim.run();
        assertEquals(List.of("false@3000000", "true@3000000", "false@3000000"), seen);
    }

    @Test
    void signalAfterTimeout_doesNotWakeTheTaskTwice() {
        Simulation sim = Simulation.create(3);
        EventLoop.Waiter w = sim.loop().waiter();
        List<String> seen = new ArrayList<>();
        sim.spawn("waiter", () -> {
            seen.add(w.await(1_000_000) + "@" + sim.now());
            sim.sleep().sleep(Duration.ofMillis(10));
            seen.add("slept@" + sim.now());
            seen.add(w.await(Long.MAX_VALUE) + "@" + sim.now());
        });
        sim.loop().schedule(1_000_000, w::signal); // same instant as the deadline: either may win
        sim.loop().schedule(20_000_000, w::signal);
        sim.run();
        assertEquals(3, seen.size(), seen.toString());
        assertEquals("slept@11000000", seen.get(1));
        assertEquals(true, seen.get(2).startsWith("true@"));
    }

    @Test
    void await_onTheLoop_refused() {
        Simulation sim = Simulation.create(4);
        EventLoop.Waiter w = sim.loop().waiter();
        assertThrows(IllegalStateException.class, () -> w.await(Long.MAX_VALUE));
    }
}
