package mirage.time.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;

/**
 * A platform on a virtual clock: a yield with a deadline moves the clock there at once; one
 * without waits for a wake; a pending wake makes the next yield return without moving the clock.
 */
class VirtualPlatform implements Platform {
    private long now;
    private long wall;
    private boolean woken;
    private final List<Long> yields = new ArrayList<>();

    @Override
    public String name() {
        return "virtual";
    }

    @Override
    public Console console() {
        return line -> {};
    }

    @Override
    public Entropy entropy() {
        return dst -> {};
    }

    @Override
    public synchronized long monotonicNanos() {
        return now;
    }

    synchronized void setWall(long nanos) {
        wall = nanos;
    }

    @Override
    public synchronized long wallClockNanos() {
        return wall;
    }

    @Override
    public Manifest manifest() {
        return Manifest.EMPTY;
    }

    @Override
    public List<String> bind(List<String> argv) {
        return argv;
    }

    @Override
    public Optional<Device> device(String name) {
        return Optional.empty();
    }

    @Override
    public synchronized long yield(long deadlineNanos) {
        yields.add(deadlineNanos);
        if (deadlineNanos == Long.MAX_VALUE) {
            while (!woken) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        } else if (!woken && deadlineNanos > now) {
            now = deadlineNanos;
        }
        woken = false;
        return 0;
    }

    synchronized List<Long> yields() {
        return List.copyOf(yields);
    }

    @Override
    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    @Override
    public void close() {}
}
