package mirage.testkit;

import java.util.List;
import java.util.Map;
import mirage.core.ArgumentException;
import mirage.core.Entropy;
import mirage.core.spi.Device;
import mirage.core.spi.Manifest;
import mirage.core.spi.Platform;
import mirage.testkit.internal.VirtualClockPlatform;

/**
 * The test kit's platform, on virtual time: the one fake {@link Platform} every module's tests
 * use (with mirage.core's real event loop, {@code Boot.run}, a generated boot class, a
 * benchmark of the loop). Its monotonic clock starts at 0 and moves only in {@link #yield}, as
 * its {@link Mode} says; its wall clock stands where {@link #setWallClock} puts it (0, the
 * epoch, at first). The console records every line ({@link #consoleLines}); entropy fills with
 * a constant 4 unless {@link #entropy(Entropy)} gives another; the manifest is empty and
 * {@link #bind} returns the command line unchanged unless configured.
 *
 * <p>Thread-safe: the loop's thread yields while a test's thread wakes, reads the clock and the
 * record of yields, and waits for them ({@link #awaitYields}).
 */
public interface VirtualPlatform extends Platform {
    /** How a {@link #yield} moves the clock. */
    enum Mode {
        /**
         * A yield with a deadline moves the clock there at once (if ahead) and returns; one
         * without waits for {@link #wake}; a pending wake makes the next yield return without
         * moving the clock. A loop on it runs as fast as it can and sleeps no real time.
         */
        ADVANCE,
        /** As {@link #ADVANCE}, but the clock never moves: every yield waits for a wake. */
        STILL,
        /**
         * Nothing blocks: a yield with a deadline moves the clock there, one without returns
         * at once. For measuring a loop alone (benchmarks), on one thread.
         */
        NEVER_BLOCK
    }

    /** How {@link #bind} treats the boot command line. */
    @FunctionalInterface
    interface Binder {
        List<String> bind(List<String> argv) throws ArgumentException;
    }

    /** The most yields {@link #yields()} keeps (all are counted by {@link #yieldCount()}). */
    int YIELDS_KEPT = 10_000;

    /** A platform in {@link Mode#ADVANCE}. */
    static VirtualPlatform create() {
        return new VirtualClockPlatform(Mode.ADVANCE);
    }

    /** A platform in {@code mode}. */
    static VirtualPlatform create(Mode mode) {
        return new VirtualClockPlatform(mode);
    }

    /** Uses {@code entropy} from now on; returns this platform. */
    VirtualPlatform entropy(Entropy entropy);

    /** Binds the command line with {@code binder} from now on; returns this platform. */
    VirtualPlatform binder(Binder binder);

    /** Has {@code manifest} and, bound, {@code devices} by name; returns this platform. */
    VirtualPlatform devices(Manifest manifest, Map<String, Device> devices);

    /** Sets the wall clock, in nanoseconds since the epoch. */
    void setWallClock(long nanos);

    /** Waits until {@code n} yields have begun. */
    void awaitYields(long n) throws InterruptedException;

    /** The deadlines of the first {@value #YIELDS_KEPT} yields, in order. */
    List<Long> yields();

    /** How many yields have begun. */
    long yieldCount();

    /** Whether {@link #close} was called. */
    boolean closed();

    /** The lines written to the console, in order. */
    List<String> consoleLines();
}
