package mirage.benchmarks;

import java.util.List;
import java.util.Optional;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;

/**
 * A platform for benchmarking the event loop alone: no devices, a virtual monotonic clock,
 * and a {@link #yield} that never blocks: it moves the clock to the deadline and returns at
 * once. The loop is measured, not the time it would have slept. Single-threaded use only
 * (the loop's thread), which is all the benchmarks need.
 */
final class ImmediatePlatform implements Platform {
    private long now;
    private long yields;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Console console() {
        return line -> System.err.println(line);
    }

    @Override
    public Entropy entropy() {
        return dst -> java.util.Arrays.fill(dst, (byte) 4);
    }

    @Override
    public long monotonicNanos() {
        return now;
    }

    @Override
    public long wallClockNanos() {
        return now;
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
    public long yield(long deadlineNanos) {
        yields++;
        if (deadlineNanos != Long.MAX_VALUE && deadlineNanos > now) {
            now = deadlineNanos;
        }
        return 0;
    }

    @Override
    public void wake() {
        // Nothing blocks, so there is nothing to wake.
    }

    @Override
    public void close() {}

    /** How many times the loop has yielded. */
    long yields() {
        return yields;
    }
}
