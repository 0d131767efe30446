package mirage.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.ArgumentException;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;

/**
 * A platform on a virtual clock. A yield with a deadline moves the clock to it at once (if it is
 * ahead); a yield without one waits for {@link #wake}, which another thread must call. A pending
 * wake makes the next yield return without moving the clock.
 */
public class FakePlatform implements Platform {
    private long now;
    private boolean woken;
    private boolean closed;
    final List<Long> yields = new ArrayList<>();
    final List<String> consoleLines = new ArrayList<>();
    /** What bind returns, or throws. */
    BindBehaviour binder = argv -> argv;

    interface BindBehaviour {
        List<String> bind(List<String> argv) throws ArgumentException;
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Console console() {
        return line -> {
            synchronized (consoleLines) {
                consoleLines.add(line);
            }
        };
    }

    @Override
    public Entropy entropy() {
        return dst -> java.util.Arrays.fill(dst, (byte) 4);
    }

    @Override
    public synchronized long monotonicNanos() {
        return now;
    }

    @Override
    public long wallClockNanos() {
        return monotonicNanos();
    }

    @Override
    public Manifest manifest() {
        return Manifest.EMPTY;
    }

    @Override
    public List<String> bind(List<String> argv) throws ArgumentException {
        return binder.bind(argv);
    }

    @Override
    public Optional<Device> device(String name) {
        return Optional.empty();
    }

    @Override
    public synchronized long yield(long deadlineNanos) {
        yields.add(deadlineNanos);
        notifyAll();
        if (deadlineNanos == Long.MAX_VALUE) {
            while (!woken) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    throw new AssertionError("interrupted in yield", e);
                }
            }
        } else if (!woken && deadlineNanos > now) {
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
    synchronized void awaitYields(int n) throws InterruptedException {
        while (yields.size() < n) {
            wait();
        }
    }

    synchronized List<Long> yields() {
        return List.copyOf(yields);
    }

    synchronized boolean closed() {
        return closed;
    }

    List<String> console_() {
        synchronized (consoleLines) {
            return List.copyOf(consoleLines);
        }
    }
}
