package mirage.testkit.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import mirage.core.ArgumentException;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.testkit.VirtualPlatform;

/** {@link VirtualPlatform}: its state under one lock (the object's monitor). */
public final class VirtualClockPlatform implements VirtualPlatform {
    private final Mode mode;
    private long now;
    private long wall;
    private boolean woken;
    private boolean closed;
    private long yieldCount;
    private final List<Long> yields = new ArrayList<>();
    private final List<String> consoleLines = new ArrayList<>();
    private volatile Entropy entropy = dst -> Arrays.fill(dst, (byte) 4);
    private volatile Binder binder = argv -> argv;
    private volatile Manifest manifest = Manifest.EMPTY;
    private final Map<String, Device> devices = new HashMap<>();
    private final Console console = line -> {
        synchronized (consoleLines) {
            consoleLines.add(line);
        }
    };

    public VirtualClockPlatform(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Uses {@code entropy} from now on. */
    @Override
    public VirtualPlatform entropy(Entropy entropy) {
        this.entropy = Objects.requireNonNull(entropy, "entropy");
        return this;
    }

    /** Binds the command line with {@code binder} from now on. */
    @Override
    public VirtualPlatform binder(Binder binder) {
        this.binder = Objects.requireNonNull(binder, "binder");
        return this;
    }

    /** Has {@code manifest} and, bound, {@code devices} by name. */
    @Override
    public synchronized VirtualPlatform devices(Manifest manifest, Map<String, Device> devices) {
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.devices.clear();
        this.devices.putAll(devices);
        return this;
    }

    /** Sets the wall clock, in nanoseconds since the epoch. */
    @Override
    public synchronized void setWallClock(long nanos) {
        wall = nanos;
    }

    @Override
    public String name() {
        return "virtual";
    }

    @Override
    public Console console() {
        return console;
    }

    @Override
    public Entropy entropy() {
        return entropy;
    }

    @Override
    public synchronized long monotonicNanos() {
        return now;
    }

    @Override
    public synchronized long wallClockNanos() {
        return wall;
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public List<String> bind(List<String> argv) throws ArgumentException {
        return binder.bind(argv);
    }

    @Override
    public synchronized Optional<Device> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }

    @Override
    public synchronized long yield(long deadlineNanos) {
        yieldCount++;
        if (yields.size() < YIELDS_KEPT) {
            yields.add(deadlineNanos);
        }
        notifyAll();
        boolean waits = mode == Mode.STILL || (mode == Mode.ADVANCE && deadlineNanos == Long.MAX_VALUE);
        if (waits) {
            while (!woken) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    throw new AssertionError("interrupted in yield", e);
                }
            }
        } else if (!woken && deadlineNanos != Long.MAX_VALUE && deadlineNanos > now) {
            now = deadlineNanos;
        }
        woken = false;
        return 0;
    }

    @Override
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    /** Waits until {@code n} yields have begun. */
    @Override
    public synchronized void awaitYields(long n) throws InterruptedException {
        while (yieldCount < n) {
            wait();
        }
    }

    /** The deadlines of the first {@value VirtualPlatform#YIELDS_KEPT} yields, in order. */
    @Override
    public synchronized List<Long> yields() {
        return List.copyOf(yields);
    }

    /** How many yields have begun. */
    @Override
    public synchronized long yieldCount() {
        return yieldCount;
    }

    /** Whether {@link #close} was called. */
    @Override
    public synchronized boolean closed() {
        return closed;
    }

    /** The lines written to the console, in order. */
    @Override
    public List<String> consoleLines() {
        synchronized (consoleLines) {
            return List.copyOf(consoleLines);
        }
    }
}
