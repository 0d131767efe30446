package mirage.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.RuntimeArg;
import mirage.core.spi.Boot;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulationTest {

    @Test
    void sleepsWakeInDeadlineOrderOnVirtualTime() {
        Simulation sim = Simulation.create(1);
        for (long ms : new long[] {300, 100, 200}) {
            sim.spawn("t" + ms, () -> {
                sim.sleep().sleep(Duration.ofMillis(ms));
                sim.trace("t" + ms, "woke");
            });
        }
        Simulation.Outcome outcome = sim.run();
        List<String> woke = sim.trace().stream().filter(l -> l.endsWith("woke")).toList();
        assertEquals(List.of("0.100000000 t100: woke", "0.200000000 t200: woke", "0.300000000 t300: woke"), woke);
        assertEquals(300_000_000L, outcome.virtualNanos());
        assertEquals(0, outcome.tasksRunning());
        assertEquals(0, outcome.tasksFailed());
    }

    @Test
    void loopTimersRunAtTheirDeadlineAndCancelledOnesDoNot() {
        Simulation sim = Simulation.create(2);
        EventLoop loop = sim.loop();
        List<Long> ran = new ArrayList<>();
        loop.schedule(5_000, () -> ran.add(loop.now()));
        EventLoop.Timer cancelled = loop.schedule(3_000, () -> ran.add(-1L));
        loop.schedule(1_000, () -> ran.add(loop.now()));
        assertTrue(cancelled.cancel());
        assertFalse(cancelled.cancel());
        loop.execute(() -> ran.add(loop.now()));
        sim.run();
        assertEquals(List.of(0L, 1_000L, 5_000L), ran);
        assertTrue(loop.inLoop(), "outside tasks the driving thread is the loop");
    }

    /** Five clients on one server queue, with many ties in time: a non-trivial interleaving. */
    private static List<String> scenario(long seed) {
        Simulation sim = Simulation.create(seed);
        List<Integer> queue = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            Platform p = sim.platform("client" + c);
            Entropy entropy = p.entropy();
            Console console = p.console();
            int id = c;
            sim.spawn("client" + c, () -> {
                Sleep sleep = Sleep.on(sim.loop());
                byte[] b = new byte[1];
                for (int i = 0; i < 20; i++) {
                    entropy.nextBytes(b);
                    sleep.sleep(Duration.ofMillis(Math.floorMod(b[0], 3)));
                    queue.add(id * 100 + i);
                    console.println("sent " + i);
                }
            });
        }
        sim.spawn("server", () -> {
            int served = 0;
            while (served < 100) {
                if (queue.isEmpty()) {
                    // not ZERO: a task that only yields keeps the clock still (see the step-limit test)
                    sim.sleep().sleep(Duration.ofNanos(100_000));
                    continue;
                }
                sim.trace("server", "got " + queue.removeFirst());
                served++;
            }
        });
        EventLoop loop = sim.loop();
        for (int t = 1; t <= 40; t++) {
            loop.schedule(t * 1_000_000L, () -> sim.trace("ticker", "tick"));
        }
        Simulation.Outcome outcome = sim.run();
        assertEquals(0, outcome.tasksRunning(), "every task ends");
        assertEquals(0, outcome.tasksFailed());
        return sim.trace();
    }

    @Test
    void theSameSeedGivesTheSameTraceByteForByte() {
        List<String> first = scenario(42);
        List<String> second = scenario(42);
        assertEquals(252, first.size(), "spawn, 100 sends, 100 receipts, 40 ticks, ends");
        assertEquals(String.join("\n", first), String.join("\n", second));
    }

    @Test
    void anotherSeedGivesAnotherInterleaving() {
        assertNotEquals(scenario(42), scenario(43));
    }

    @Test
    void aUnikernelBootsInTheSimulationWithItsArgumentsAndConsole() throws Exception {
        RuntimeArg<String> hello = RuntimeArg.string("hello", "hello", "How to say hello.");
        RuntimeArg<Integer> count = RuntimeArg.integer("count", 4, "How many times.");
        // What the generated boot class of examples/hello does, written by hand.
        Boot.Entry entry = c -> {
            Console console = c.platform().console();
            Sleep sleep = Sleep.on(c.loop());
            for (int i = 0; i < c.arguments().get(count); i++) {
                if (i > 0) {
                    sleep.sleep(Duration.ofSeconds(1));
                }
                console.println(c.arguments().get(hello));
            }
        };
        Simulation sim = Simulation.create(7);
        sim.boot("hello", entry, List.of(hello, count), "--count=3", "--hello=hi");
        sim.boot("other", entry, List.of(hello, count), "--count=2");
        sim.run();
        List<String> hi = sim.trace().stream().filter(l -> l.contains(": hi") || l.contains(": hello")).sorted().toList();
        assertEquals(List.of("0.000000000 hello: hi", "0.000000000 other: hello", "1.000000000 hello: hi",
                "1.000000000 other: hello", "2.000000000 hello: hi"), hi);
        assertThrows(mirage.core.ArgumentException.class, () -> sim.boot("bad", entry, List.of(hello, count), "--nope"));
    }

    @Test
    void runUntilLeavesTheClockAtTheDeadlineAndLaterTimersArmed() {
        Simulation sim = Simulation.create(3);
        List<Long> ran = new ArrayList<>();
        sim.loop().schedule(10_000, () -> ran.add(sim.now()));
        Simulation.Outcome first = sim.runUntil(4_000);
        assertEquals(4_000, first.virtualNanos());
        assertEquals(List.of(), ran);
        sim.runFor(Duration.ofNanos(6_000));
        assertEquals(List.of(10_000L), ran);
        assertEquals(10_000, sim.now());
    }

    @Test
    void aTaskThatYieldsForeverHitsTheStepLimitInsteadOfHanging() {
        Simulation sim = Simulation.create(4);
        sim.stepLimit(10_000);
        sim.spawn("spinner", () -> {
            while (true) {
                sim.sleep().sleep(Duration.ZERO);
            }
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, sim::run);
        assertTrue(e.getMessage().startsWith("step limit 10000 reached at 0 ns"), e.getMessage());
    }

    @Test
    void aFailingTaskIsReportedAndTheOthersGoOn() {
        Simulation sim = Simulation.create(5);
        Simulation.Task bad = sim.spawn("bad", () -> {
            sim.sleep().sleep(Duration.ofSeconds(1));
            throw new IllegalStateException("boom");
        });
        Simulation.Task good = sim.spawn("good", () -> sim.sleep().sleep(Duration.ofSeconds(2)));
        Simulation.Outcome outcome = sim.run();
        assertEquals(1, outcome.tasksFailed());
        assertTrue(good.done() && good.failure().isEmpty());
        assertEquals("boom", bad.failure().orElseThrow().getMessage());
        assertTrue(sim.trace().contains("1.000000000 bad: failed: java.lang.IllegalStateException: boom"), sim.trace().toString());
    }

    @Test
    void manyTasksComeAndGo_outcomesCountThem_andTheTraceKeepsTheMostRecent100000Events() {
        Simulation sim = Simulation.create(7);
        for (int i = 0; i < 60_000; i++) {
            int n = i;
            sim.spawn("t" + i, () -> {
                sim.sleep().sleep(Duration.ofMillis(1 + n % 3));
                if (n % 10_000 == 0) {
                    throw new IllegalStateException("boom " + n);
                }
            });
        }
        Simulation.Outcome outcome = sim.runFor(Duration.ofMillis(2));
        assertEquals(20_000, outcome.tasksRunning(), "those sleeping 3 ms");
        assertEquals(4, outcome.tasksFailed(), "0, 30000 (1 ms) and 10000, 40000 (2 ms)");
        outcome = sim.run();
        assertEquals(0, outcome.tasksRunning());
        assertEquals(6, outcome.tasksFailed());
        List<String> trace = sim.trace();
        assertEquals(100_000, trace.size(), "120,000 events: spawned and ended for each task");
        assertEquals("0.000000000 t20000: spawned", trace.getFirst(), "the oldest 20,000 are gone");
        assertTrue(trace.getLast().matches("0\\.003000000 t[0-9]+: ended"), trace.getLast());
    }

    @Test
    void sleepingOutsideATaskOrFromAnotherThreadIsRefused() throws Exception {
        Simulation sim = Simulation.create(6);
        assertEquals("blocking on the event loop's thread would stall it",
                assertThrows(IllegalStateException.class, () -> sim.sleep().sleep(Duration.ofSeconds(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> sim.runFor(Duration.ofSeconds(-1)));
        Throwable[] seen = new Throwable[1];
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                sim.spawn("x", () -> { });
            } catch (Throwable e) {
                seen[0] = e;
            }
        });
        other.join();
        assertEquals("a simulation is confined to the thread that created it", seen[0].getMessage());
    }

    @Test
    void clocksAreVirtualAndExact() {
        Instant epoch = Instant.parse("2026-11-26T12:00:00Z");
        Simulation sim = Simulation.create(8, epoch);
        sim.loop().schedule(1_500_000_001L, () -> { });
        sim.run();
        assertEquals(1_500_000_001L, sim.monotonicClock().elapsedNanos());
        assertEquals(Duration.ofNanos(1_500_000_001L), sim.monotonicClock().elapsed());
        assertEquals(epoch.plusNanos(1_500_000_001L), sim.wallClock().now());
        assertEquals(Duration.ofNanos(1), sim.monotonicClock().period().orElseThrow());
    }

    /** A device of the simulation's tender, as a test binds it. */
    record Bound(String name, mirage.core.spi.DeviceKind kind, int handle, String value, boolean[] closed)
            implements mirage.core.spi.Device {
        @Override
        public void close() {
            closed[0] = true;
        }
    }

    static final mirage.core.spi.Manifest DISK_AND_NET = new mirage.core.spi.Manifest(List.of(
            new mirage.core.spi.Manifest.Entry("service", mirage.core.spi.DeviceKind.NET_BASIC),
            new mirage.core.spi.Manifest.Entry("storage", mirage.core.spi.DeviceKind.BLOCK_BASIC)));

    @Test
    void aUnikernelWithDevices_bindsThemFromItsBootCommandLineThroughTheBinder_asATenderDoes() throws Exception {
        RuntimeArg<String> ip = RuntimeArg.string("ipv4", "", "Address.");
        List<String> asked = new ArrayList<>();
        boolean[] closed = new boolean[1];
        Simulation.Binder binder = (entry, value) -> {
            asked.add(entry.name() + "=" + value);
            return new Bound(entry.name(), entry.kind(), asked.size(), value, closed);
        };
        List<String> seen = new ArrayList<>();
        Boot.Entry entry = c -> {
            Bound net = (Bound) c.platform().device("service").orElseThrow();
            Bound disk = (Bound) c.platform().device("storage").orElseThrow();
            seen.add(net.value() + " " + disk.value() + " " + c.arguments().get(ip) + " "
                    + c.platform().device("other").isPresent() + " " + c.platform().manifest().devices().size());
        };
        Simulation sim = Simulation.create(3);
        Simulation.Task task = sim.boot("u", DISK_AND_NET, binder, entry, List.of(ip), "--block:storage=disk0",
                "--ipv4=10.0.0.2/24", "--net:service=lan0", "--", "--net:service=after-the-end");
        sim.run();
        assertTrue(task.done() && task.failure().isEmpty(), String.valueOf(task.failure()));
        assertEquals(List.of("storage=disk0", "service=lan0"), asked);
        assertEquals(List.of("lan0 disk0 10.0.0.2/24 false 2"), seen);
        assertTrue(sim.trace().contains("0.000000000 u: bound net:service=lan0"), sim.trace().toString());

        Platform platform = sim.platform("p", DISK_AND_NET, binder);
        assertEquals(List.of("--x=1"), platform.bind(List.of("--net:service=a", "--x=1", "--block:storage=b")));
        platform.close();
        assertTrue(closed[0], "closing the platform closes its devices");
        assertTrue(platform.device("service").isEmpty());
    }

    @Test
    void deviceBindingsTheManifestRefuses_areArgumentErrorsNamingThem() {
        Simulation sim = Simulation.create(3);
        Simulation.Binder binder = (entry, value) -> {
            if (value.equals("nowhere")) {
                throw new mirage.core.ArgumentException(mirage.core.ArgumentException.Problem.DEVICE, value, "no such network");
            }
            return new Bound(entry.name(), entry.kind(), 0, value, new boolean[1]);
        };
        Boot.Entry entry = c -> { };
        record Case(String why, mirage.core.ArgumentException.Problem problem, String argument, String[] argv) {}
        for (Case c : List.of(
                new Case("unbound", mirage.core.ArgumentException.Problem.DEVICE, "--block:storage",
                        new String[] {"--net:service=lan"}),
                new Case("unknown name", mirage.core.ArgumentException.Problem.DEVICE, "--net:other=lan",
                        new String[] {"--net:other=lan", "--net:service=lan", "--block:storage=d"}),
                new Case("wrong kind", mirage.core.ArgumentException.Problem.DEVICE, "--block:service=d",
                        new String[] {"--block:service=d"}),
                new Case("twice", mirage.core.ArgumentException.Problem.REPEATED, "--net:service=b",
                        new String[] {"--net:service=a", "--net:service=b"}),
                new Case("no value", mirage.core.ArgumentException.Problem.MALFORMED, "--net:service",
                        new String[] {"--net:service"}),
                new Case("a tender's option", mirage.core.ArgumentException.Problem.DEVICE, "--net-mac:service=02:00:00:00:00:01",
                        new String[] {"--net-mac:service=02:00:00:00:00:01"}),
                new Case("the binder refuses", mirage.core.ArgumentException.Problem.DEVICE, "nowhere",
                        new String[] {"--net:service=nowhere"}))) {
            mirage.core.ArgumentException e = assertThrows(mirage.core.ArgumentException.class,
                    () -> sim.boot("u", DISK_AND_NET, binder, entry, List.of(), c.argv()), c.why());
            assertEquals(c.problem(), e.problem(), c.why() + ": " + e.getMessage());
            assertEquals(c.argument(), e.argument(), c.why() + ": " + e.getMessage());
        }
        assertThrows(mirage.core.ArgumentException.class, () -> sim.boot("u", entry, List.of(), "--net:service=lan"),
                "no manifest, no devices");
    }

    @Test
    void forever_blocksATaskWithoutATimer_whileTheOthersRunOnVirtualTime() {
        Simulation sim = Simulation.create(5);
        List<String> order = new ArrayList<>();
        Simulation.Task server = sim.spawn("server", () -> {
            order.add("serving");
            sim.sleep().forever();
        });
        sim.spawn("client", () -> {
            sim.sleep().sleep(Duration.ofHours(1));
            order.add("client done");
        });
        Simulation.Outcome o = sim.run();
        assertEquals(List.of("serving", "client done"), order);
        assertFalse(server.done());
        assertEquals(1, o.tasksRunning(), "the server waits for ever");
        assertEquals(Duration.ofHours(1).toNanos(), o.virtualNanos(), "and arms no timer: the run ends when the client does");
    }
}
