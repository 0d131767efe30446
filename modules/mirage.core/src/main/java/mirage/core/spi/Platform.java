package mirage.core.spi;

import java.util.List;
import java.util.Optional;
import mirage.core.ArgumentException;
import mirage.core.Console;
import mirage.core.Entropy;

/**
 * What a platform (Solo5, Xen) gives a unikernel: its console, clocks, entropy, devices bound
 * by name, and {@link #yield}, the one place the unikernel blocks.
 *
 * <h2>Threading</h2>
 * {@link #yield} is called by the event loop's thread only. {@link #wake}, the clocks, the
 * console and entropy are thread-safe. {@link #bind} is called once, before the loop starts.
 */
public interface Platform extends AutoCloseable {

    /** The platform's name, the target of {@code mirage configure -t}: {@code solo5}, {@code xen}. */
    String name();

    /** The console. */
    Console console();

    /** A source of strong randomness. */
    Entropy entropy();

    /**
     * Monotonic time in nanoseconds since an unspecified point before boot; never goes back,
     * does not jump with the wall clock.
     */
    long monotonicNanos();

    /** Wall-clock time in nanoseconds since the Unix epoch, UTC; may jump. */
    long wallClockNanos();

    /** The devices this unikernel was linked for. */
    Manifest manifest();

    /**
     * Binds the manifest's devices from the boot command line ({@code --net:NAME=...},
     * {@code --block:NAME=PATH}, {@code --net-mac:NAME=MAC}), consuming those elements.
     *
     * @param argv the whole boot command line
     * @return the elements left for the unikernel's runtime arguments, in order
     * @throws ArgumentException if a binding names a device the manifest lacks, is malformed,
     *     or leaves a manifest device unbound
     */
    List<String> bind(List<String> argv) throws ArgumentException;

    /** The bound device named {@code name}, if any. */
    Optional<Device> device(String name);

    /**
     * Blocks until the monotonic clock reaches {@code deadlineNanos}, a bound device has input
     * ready, or {@link #wake} is called, whichever is first; returns at once if one already
     * holds. A wake that happens while no yield is in progress makes the next yield return at
     * once.
     *
     * @param deadlineNanos a {@link #monotonicNanos()} value; {@link Long#MAX_VALUE} for none
     * @return the set of handles of devices with input ready (bit {@code h} for handle {@code h});
     *     0 when none is
     */
    long yield(long deadlineNanos);

    /** Makes a {@link #yield} in progress, or else the next one, return. Any thread. */
    void wake();

    /** Releases all devices. Idempotent; never throws. */
    @Override
    void close();
}
