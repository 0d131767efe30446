package mirage.time;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mirage.core.ArgumentException;
import mirage.core.RuntimeArg;
import mirage.core.spi.Boot;
import mirage.core.spi.Device;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.time.internal.sim.Simulator;

/**
 * Deterministic simulation: the event loop, timers and application tasks of one or more
 * unikernels run in one thread on a virtual clock, with seeded randomness. The same seed gives
 * the same run, event for event; a failing seed replays exactly.
 *
 * <h2>How it runs</h2>
 * The clock stands still while anything is ready to run: loop actions, due timers, and tasks
 * ready to resume. Among those ready at the same instant, the seeded generator picks which runs
 * next, so different seeds explore different interleavings. When nothing is ready, the clock
 * jumps to the earliest timer. Application code runs as simulated tasks: blocking code written
 * against the ordinary signatures ({@link Sleep}, anything built on
 * {@link EventLoop#sleepUntil}) blocks by yielding its task, not its thread. Code in a task must
 * not block in other ways (locks held across a sleep, {@code Object.wait}, real I/O): that would
 * block the simulation's one thread.
 *
 * <h2>Threading</h2>
 * A simulation is confined to the thread that created it; every method must be called on it
 * (tasks run on it too).
 *
 * <h2>Requirement</h2>
 * Tasks are continuations of the JDK ({@code jdk.internal.vm.Continuation}), so the JVM that
 * runs a simulation needs {@code --add-exports java.base/jdk.internal.vm=mirage.time} (on the
 * module path) or {@code =ALL-UNNAMED} (on the class path); without it {@link #create} throws
 * {@link IllegalStateException} saying so. Images never contain simulations.
 */
public interface Simulation {

    /** The instant the wall clock of a simulation shows at virtual time 0, unless given. */
    Instant DEFAULT_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * A simulation at virtual time 0 whose wall clock starts at {@link #DEFAULT_EPOCH}.
     *
     * @throws IllegalStateException if the JVM does not export {@code jdk.internal.vm} to this
     *     module
     */
    static Simulation create(long seed) {
        return new Simulator(seed, DEFAULT_EPOCH);
    }

    /** As {@link #create(long)}, with the wall clock starting at {@code epoch}. */
    static Simulation create(long seed, Instant epoch) {
        return new Simulator(seed, epoch);
    }

    /** The seed. */
    long seed();

    /** Virtual monotonic nanoseconds since the simulation began. */
    long now();

    /** The simulation's event loop: its clock is virtual and its actions run in the simulation. */
    EventLoop loop();

    /** Sleeping on the virtual clock, for tasks. */
    Sleep sleep();

    /** The virtual monotonic clock (resolution 1 ns). */
    MonotonicClock monotonicClock();

    /** The virtual wall clock: the epoch plus {@link #now()}. */
    WallClock wallClock();

    /**
     * A platform for one simulated unikernel named {@code name}: its console writes to the
     * trace, its entropy is a seeded stream of its own, its clocks are the virtual ones, and it
     * has no devices (see {@link #platform(String, Manifest, Binder)} for one with devices).
     */
    Platform platform(String name);

    /**
     * A platform for one simulated unikernel named {@code name} linked for {@code manifest}:
     * as {@link #platform(String)}, and its {@link Platform#bind} binds the manifest's devices
     * from the boot command line as a tender does ({@code --net:NAME=VALUE},
     * {@code --block:NAME=VALUE}, {@code --kv:NAME=VALUE}), each through {@code binder}, which
     * says what {@code VALUE} names in this simulation (a simulated network, a memory disk).
     */
    Platform platform(String name, Manifest manifest, Binder binder);

    /** Starts {@code body} as a task, ready to run at the current instant. */
    Task spawn(String name, Body body);

    /**
     * Boots a unikernel in the simulation, as {@link Boot#run} does in an image: a platform of
     * its own ({@link #platform}), runtime arguments parsed from {@code argv}, and {@code entry}
     * started as a task.
     *
     * @throws ArgumentException if {@code argv} is not a valid command line for {@code args}
     */
    Task boot(String name, Boot.Entry entry, List<RuntimeArg<?>> args, String... argv) throws ArgumentException;

    /**
     * Boots a unikernel with devices in the simulation: its platform is
     * {@link #platform(String, Manifest, Binder) platform(name, manifest, binder)}, which binds
     * the devices {@code argv} names (every one of the manifest's, or this throws), then
     * runtime arguments are parsed from the rest of {@code argv} and {@code entry} (a generated
     * boot class) starts as a task.
     *
     * @throws ArgumentException if a device binding is missing, unknown, repeated, malformed or
     *     refused by {@code binder}, or the rest is not a valid command line for {@code args}
     */
    Task boot(String name, Manifest manifest, Binder binder, Boot.Entry entry, List<RuntimeArg<?>> args, String... argv)
            throws ArgumentException;

    /**
     * What a simulated unikernel's devices are: the simulation's tender. Called on the
     * simulation's thread while a platform binds.
     */
    @FunctionalInterface
    interface Binder {
        /**
         * The device for {@code entry}, bound by the boot argument
         * {@code --KIND:NAME=value}; its {@link Device#name()} and {@link Device#kind()} must be
         * the entry's, and it must be of the type the unikernel's description expects of that
         * kind ({@code mirage.net.Netif}, {@code mirage.block.Block}, {@code mirage.kv.KvRo}).
         *
         * @throws ArgumentException ({@link ArgumentException.Problem#DEVICE}) if {@code value}
         *     names nothing this binder can bind
         */
        Device bind(Manifest.Entry entry, String value) throws ArgumentException;
    }

    /** Adds an event to the trace, stamped with the virtual time and {@code source}. */
    void trace(String source, String event);

    /**
     * The events so far, one line each: {@code SECONDS.NANOS SOURCE: EVENT}; the most recent
     * 100,000 of them, so that a long simulation's memory stays bounded.
     */
    List<String> trace();

    /**
     * Runs until nothing is ready and no timer is armed.
     *
     * @throws IllegalStateException if the step limit is reached (a task that yields forever)
     */
    Outcome run();

    /**
     * Runs until the virtual clock would pass {@code deadlineNanos}; the clock then stands at
     * the deadline (or later, if it was already later).
     *
     * @throws IllegalStateException if the step limit is reached
     */
    Outcome runUntil(long deadlineNanos);

    /** {@code runUntil(now() + duration)}. */
    Outcome runFor(Duration duration);

    /** Sets the most steps one run may take (default 100,000,000). */
    void stepLimit(long steps);

    /** What a run did. */
    record Outcome(long steps, long virtualNanos, int tasksRunning, int tasksFailed) {}

    /** The code of a task. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** A simulated task. */
    interface Task {
        String name();

        /** Whether its body has returned or thrown. */
        boolean done();

        /** What its body threw, if it did. */
        Optional<Throwable> failure();
    }
}
