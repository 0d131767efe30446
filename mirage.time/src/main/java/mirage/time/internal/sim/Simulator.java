package mirage.time.internal.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.Arguments;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.Rng;
import mirage.core.RuntimeArg;
import mirage.core.spi.Boot;
import mirage.core.spi.Device;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.time.MonotonicClock;
import mirage.time.Simulation;
import mirage.time.Sleep;
import mirage.time.WallClock;
import mirage.time.internal.Durations;
import mirage.time.internal.PlatformClocks;

/**
 * The simulator behind {@link Simulation}: a ready list at the current instant, a timer queue
 * ordered by (deadline, arming sequence), and tasks as JDK continuations. Each step takes one
 * ready item chosen by the seeded generator; when none is ready, the clock jumps to the
 * earliest timer and every timer due then becomes ready.
 */
public final class Simulator implements Simulation {
    private static final ContinuationScope SCOPE = new ContinuationScope("mirage-simulation");

    private final long seed;
    /** Picks among ready items. */
    private final Rng random;
    /** Streams handed out to simulated platforms, numbered from 1. */
    private long streams;
    private final long epochNanos;
    private final Thread owner;
    private final List<Runnable> ready = new ArrayList<>();
    private final PriorityQueue<SimTimer> timers = new PriorityQueue<>();
    /** How many events the trace keeps: the most recent (a long simulation would otherwise grow without bound). */
    static final int TRACE_LIMIT = 100_000;
    /** The most recent {@link #TRACE_LIMIT} events, formatted only when asked for. */
    private final java.util.ArrayDeque<TraceEntry> trace = new java.util.ArrayDeque<>();
    /** Tasks spawned and not done, and tasks that ended by throwing: counts, not a list that grows with every task. */
    private int tasksRunning;
    private int tasksFailed;
    private final SimLoop loop = new SimLoop();
    private long now;
    private long sequence;
    private long stepLimit = 100_000_000L;
    private SimTask current;

    public Simulator(long seed, Instant epoch) {
        Module self = Simulator.class.getModule();
        if (!Object.class.getModule().isExported("jdk.internal.vm", self)) {
            throw new IllegalStateException("a Simulation needs the JVM option --add-exports java.base/jdk.internal.vm="
                    + (self.isNamed() ? self.getName() : "ALL-UNNAMED"));
        }
        this.seed = seed;
        this.random = Rng.seeded(seed);
        this.epochNanos = Math.addExact(Math.multiplyExact(epoch.getEpochSecond(), 1_000_000_000L), epoch.getNano());
        this.owner = Thread.currentThread();
    }

    private void confined() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a simulation is confined to the thread that created it");
        }
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public Sleep sleep() {
        return Sleep.on(loop);
    }

    @Override
    public MonotonicClock monotonicClock() {
        return new VirtualMonotonic();
    }

    @Override
    public WallClock wallClock() {
        return new VirtualWall();
    }

    @Override
    public Platform platform(String name) {
        return platform(name, Manifest.EMPTY, NO_DEVICES);
    }

    @Override
    public Platform platform(String name, Manifest manifest, Binder binder) {
        confined();
        return new SimPlatform(name, Rng.seeded(seed, ++streams), Objects.requireNonNull(manifest, "manifest"),
                Objects.requireNonNull(binder, "binder"));
    }

    /** The binder of a platform without a manifest: the manifest already refuses every device. */
    private static final Binder NO_DEVICES = (entry, value) -> {
        throw new ArgumentException(Problem.DEVICE, entry.name(), "no devices are bound in this simulation");
    };

    @Override
    public Task spawn(String name, Body body) {
        confined();
        Objects.requireNonNull(body, "body");
        SimTask task = new SimTask(name, body);
        tasksRunning++;
        ready.add(task);
        trace(name, "spawned");
        return task;
    }

    @Override
    public Task boot(String name, Boot.Entry entry, List<RuntimeArg<?>> args, String... argv) throws ArgumentException {
        return boot(name, Manifest.EMPTY, NO_DEVICES, entry, args, argv);
    }

    @Override
    public Task boot(String name, Manifest manifest, Binder binder, Boot.Entry entry, List<RuntimeArg<?>> args,
            String... argv) throws ArgumentException {
        Platform platform = platform(name, manifest, binder);
        Arguments arguments = Arguments.parse(args, platform.bind(Arrays.asList(argv)));
        Boot.Context context = new Context(platform, loop, arguments);
        return spawn(name, () -> entry.start(context));
    }

    @Override
    public void trace(String source, String event) {
        confined();
        if (trace.size() == TRACE_LIMIT) {
            trace.removeFirst();
        }
        trace.addLast(new TraceEntry(now, source, event));
    }

    @Override
    public List<String> trace() {
        List<String> lines = new ArrayList<>(trace.size());
        for (TraceEntry e : trace) {
            lines.add(String.format(Locale.ROOT, "%d.%09d %s: %s", e.nanos() / 1_000_000_000L, e.nanos() % 1_000_000_000L,
                    e.source(), e.event()));
        }
        return List.copyOf(lines);
    }

    private record TraceEntry(long nanos, String source, String event) {}

    @Override
    public void stepLimit(long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("step limit must be positive, not " + steps);
        }
        stepLimit = steps;
    }

    @Override
    public Outcome run() {
        return runUntil(Long.MAX_VALUE);
    }

    @Override
    public Outcome runFor(Duration duration) {
        return runUntil(Durations.deadline(now, duration));
    }

    @Override
    public Outcome runUntil(long deadlineNanos) {
        confined();
        if (current != null) {
            throw new IllegalStateException("a task cannot run the simulation");
        }
        long steps = 0;
        while (true) {
            if (!ready.isEmpty()) {
                if (steps == stepLimit) {
                    throw new IllegalStateException("step limit " + stepLimit + " reached at " + now
                            + " ns with " + ready.size() + " ready: a task may be yielding for ever");
                }
                steps++;
                int pick = ready.size() == 1 ? 0 : random.nextInt(ready.size());
                Runnable next = ready.get(pick);
                ready.set(pick, ready.getLast());
                ready.removeLast();
                runItem(next);
                continue;
            }
            SimTimer first = timers.peek();
            if (first == null || first.deadline > deadlineNanos) {
                if (deadlineNanos != Long.MAX_VALUE && deadlineNanos > now) {
                    now = deadlineNanos;
                }
                break;
            }
            now = first.deadline;
            for (SimTimer t; (t = timers.peek()) != null && t.deadline == now; ) {
                timers.poll();
                if (t.claim()) {
                    ready.add(t.action);
                }
            }
        }
        return new Outcome(steps, now, tasksRunning, tasksFailed);
    }

    private void runItem(Runnable item) {
        if (item instanceof SimTask task) {
            task.resume();
            return;
        }
        try {
            item.run();
        } catch (RuntimeException | Error e) {
            trace("loop", "action failed: " + e);
        }
    }

    private SimTimer arm(long deadline, Runnable action) {
        SimTimer t = new SimTimer(Math.max(deadline, now), sequence++, action);
        timers.add(t);
        return t;
    }

    /** A task: a continuation that yields whenever its code blocks on the simulation's loop. */
    private final class SimTask implements Task, Runnable {
        private final String name;
        private final Continuation continuation;
        private boolean done;
        private Throwable failure;

        SimTask(String name, Body body) {
            this.name = Objects.requireNonNull(name, "name");
            this.continuation = new Continuation(SCOPE, () -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failure = e;
                }
            });
        }

        void resume() {
            current = this;
            try {
                continuation.run();
            } finally {
                current = null;
            }
            if (continuation.isDone()) {
                done = true;
                tasksRunning--;
                if (failure != null) {
                    tasksFailed++;
                }
                trace(name, failure == null ? "ended" : "failed: " + failure);
            }
        }

        @Override
        public void run() {
            resume();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean done() {
            return done;
        }

        @Override
        public Optional<Throwable> failure() {
            return Optional.ofNullable(failure);
        }
    }

    private static final class SimTimer implements EventLoop.Timer, Comparable<SimTimer> {
        final long deadline;
        final long sequence;
        final Runnable action;
        private boolean pending = true;

        SimTimer(long deadline, long sequence, Runnable action) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.action = action;
        }

        boolean claim() {
            boolean was = pending;
            pending = false;
            return was;
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public boolean cancel() {
            return claim();
        }

        @Override
        public int compareTo(SimTimer o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** The simulation's event loop. */
    private final class SimLoop implements EventLoop {
        @Override
        public long now() {
            return now;
        }

        @Override
        public void execute(Runnable action) {
            confined();
            ready.add(Objects.requireNonNull(action, "action"));
        }

        @Override
        public Timer schedule(long deadlineNanos, Runnable action) {
            confined();
            return arm(deadlineNanos, Objects.requireNonNull(action, "action"));
        }

        @Override
        public boolean inLoop() {
            return Thread.currentThread() == owner && current == null;
        }

        @Override
        public Waiter waiter() {
            return new SimWaiter();
        }

        @Override
        public void spawn(String name, Runnable task) {
            Objects.requireNonNull(task, "task");
            Simulator.this.spawn(name, task::run);
        }

        /** Tasks and loop actions never run at the same time here: run the action at once. */
        @Override
        public <T, X extends Exception> T call(Action<T, X> action) throws X {
            confined();
            return action.run();
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            confined();
            SimTask task = current;
            if (task == null) {
                throw new IllegalStateException("blocking on the event loop's thread would stall it");
            }
            if (deadlineNanos <= now) {
                ready.add(task);
            } else {
                arm(deadlineNanos, task);
            }
            Continuation.yield(SCOPE);
        }
    }

    /** A waiter whose task yields to the simulator; signals and deadlines make it ready again. */
    private final class SimWaiter implements EventLoop.Waiter {
        private boolean permit;
        private SimTask waiting;
        private boolean timedOut;

        @Override
        public boolean await(long deadlineNanos) {
            confined();
            if (permit) {
                permit = false;
                return true;
            }
            SimTask task = current;
            if (task == null) {
                throw new IllegalStateException("waiting on the event loop's thread would stall it");
            }
            if (deadlineNanos <= now) {
                return false;
            }
            waiting = task;
            timedOut = false;
            SimTimer timer = deadlineNanos == Long.MAX_VALUE ? null : arm(deadlineNanos, () -> {
                if (waiting == task) {
                    waiting = null;
                    timedOut = true;
                    ready.add(task);
                }
            });
            Continuation.yield(SCOPE);
            if (timer != null) {
                timer.cancel();
            }
            if (permit) {
                permit = false;
                return true;
            }
            return !timedOut;
        }

        @Override
        public void signal() {
            confined();
            permit = true;
            SimTask task = waiting;
            if (task != null) {
                waiting = null;
                ready.add(task);
            }
        }
    }

    private final class VirtualMonotonic implements MonotonicClock {
        @Override
        public long elapsedNanos() {
            return now;
        }

        @Override
        public Optional<Duration> period() {
            return Optional.of(Duration.ofNanos(1));
        }
    }

    private final class VirtualWall implements WallClock {
        @Override
        public Instant now() {
            return PlatformClocks.instant(epochNanos + Simulator.this.now);
        }

        @Override
        public Optional<Duration> period() {
            return Optional.of(Duration.ofNanos(1));
        }
    }

    private record Context(Platform platform, EventLoop loop, Arguments arguments) implements Boot.Context {}

    /** A simulated unikernel's platform. */
    private final class SimPlatform implements Platform {
        private final String name;
        private final Rng entropy;
        private final Manifest manifest;
        private final Binder binder;
        /** The bound devices by name, in binding order. */
        private final java.util.Map<String, Device> devices = new java.util.LinkedHashMap<>();

        SimPlatform(String name, Rng entropy, Manifest manifest, Binder binder) {
            this.name = Objects.requireNonNull(name, "name");
            this.entropy = entropy;
            this.manifest = manifest;
            this.binder = binder;
        }

        @Override
        public String name() {
            return "simulation";
        }

        @Override
        public Console console() {
            return line -> trace(name, line);
        }

        @Override
        public Entropy entropy() {
            return entropy::nextBytes;
        }

        @Override
        public long monotonicNanos() {
            return now;
        }

        @Override
        public long wallClockNanos() {
            return epochNanos + now;
        }

        @Override
        public Manifest manifest() {
            return manifest;
        }

        /**
         * Binds as Solo5's tender reads its command line: {@code --KIND:NAME=VALUE} before any
         * {@code --}, for each entry of the manifest exactly once; the rest is left in order.
         */
        @Override
        public List<String> bind(List<String> argv) throws ArgumentException {
            List<String> rest = new ArrayList<>();
            boolean ended = false;
            for (String a : argv) {
                ended |= a.equals("--");
                int colon = a.indexOf(':');
                int firstEquals = a.indexOf('=');
                if (ended || !a.startsWith("--") || colon < 0 || firstEquals >= 0 && firstEquals < colon) {
                    rest.add(a); // not KIND:NAME: a runtime argument
                    continue;
                }
                String option = a.substring(2, colon);
                if (!isDeviceOption(option)) {
                    if (option.startsWith("net-") || option.startsWith("block-") || option.startsWith("kv-")) {
                        throw new ArgumentException(Problem.DEVICE, a, "a simulated device takes no --" + option + " option");
                    }
                    rest.add(a);
                    continue;
                }
                int equals = a.indexOf('=', colon);
                if (equals < 0) {
                    throw new ArgumentException(Problem.MALFORMED, a, "a device binding is --" + option + ":NAME=VALUE");
                }
                String deviceName = a.substring(colon + 1, equals);
                Manifest.Entry entry = manifest.device(deviceName).orElse(null);
                if (entry == null || !entry.kind().option().equals(option)) {
                    throw new ArgumentException(Problem.DEVICE, a, "the manifest has no " + option + " device '" + deviceName + "'");
                }
                if (devices.containsKey(deviceName)) {
                    throw new ArgumentException(Problem.REPEATED, a, "device '" + deviceName + "' is bound twice");
                }
                Device device = binder.bind(entry, a.substring(equals + 1));
                if (device == null || !device.name().equals(deviceName) || device.kind() != entry.kind()) {
                    throw new IllegalStateException("the simulation's binder gave " + device + " for " + entry);
                }
                devices.put(deviceName, device);
                trace(name, "bound " + a.substring(2));
            }
            for (Manifest.Entry e : manifest.devices()) {
                if (!devices.containsKey(e.name())) {
                    throw new ArgumentException(Problem.DEVICE, "--" + e.kind().option() + ":" + e.name(),
                            "device '" + e.name() + "' of the manifest is not bound");
                }
            }
            return rest;
        }

        private static boolean isDeviceOption(String option) {
            for (mirage.core.spi.DeviceKind k : mirage.core.spi.DeviceKind.values()) {
                if (k.option().equals(option)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Optional<Device> device(String deviceName) {
            return Optional.ofNullable(devices.get(deviceName));
        }

        @Override
        public long yield(long deadlineNanos) {
            throw new IllegalStateException("the simulation drives the loop: nothing yields to a simulated platform");
        }

        @Override
        public void wake() {
            // the simulation never blocks
        }

        @Override
        public void close() {
            for (Device d : devices.values()) {
                d.close();
            }
            devices.clear();
        }
    }
}
