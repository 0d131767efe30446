package mirage.link.internal;

import java.util.List;
import java.util.Optional;
import mirage.core.Console;
import mirage.core.Entropy;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;

/**
 * A platform for boot classes run in tests: its console and entropy are the given ones (a test
 * that leaves one null must not reach it), it has no devices, and its clocks stand at 0.
 */
record TestPlatform(Console console, Entropy entropy) implements Platform {
    @Override
    public Console console() {
        if (console == null) {
            throw new UnsupportedOperationException("this test gives the platform no console");
        }
        return console;
    }

    @Override
    public Entropy entropy() {
        if (entropy == null) {
            throw new UnsupportedOperationException("this test gives the platform no entropy");
        }
        return entropy;
    }

    @Override public String name() { return "fake"; }
    @Override public long monotonicNanos() { return 0; }
    @Override public long wallClockNanos() { return 0; }
    @Override public Manifest manifest() { return Manifest.EMPTY; }
    @Override public List<String> bind(List<String> argv) { return argv; }
    @Override public Optional<mirage.core.spi.Device> device(String name) { return Optional.empty(); }
    @Override public long yield(long deadlineNanos) { return 0; }
    @Override public void wake() { }
    @Override public void close() { }
}
