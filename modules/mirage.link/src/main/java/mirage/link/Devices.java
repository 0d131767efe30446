package mirage.link;

import java.util.List;
import mirage.core.RuntimeArg;
import mirage.link.Impl.Call;
import mirage.link.Impl.Dispatch;

/** The implementations a description picks from, for every target. */
public interface Devices {

    /** The platform. */
    static Impl platform() {
        return new Impl.PlatformValue();
    }

    /** The event loop. */
    static Impl loop() {
        return new Impl.LoopValue();
    }

    /** The platform's console, as {@code mirage.core.Console}. */
    static Impl console() {
        return new Call("mirage.core", "mirage.core.spi.Platform", "console", "mirage.core.Console",
                Dispatch.INSTANCE, List.of(platform()));
    }

    /** The platform's entropy, as {@code mirage.core.Entropy}. */
    static Impl entropy() {
        return new Call("mirage.core", "mirage.core.spi.Platform", "entropy", "mirage.core.Entropy",
                Dispatch.INSTANCE, List.of(platform()));
    }

    /**
     * A cryptographically secure random number generator, as {@code mirage.core.Rng}: {@code
     * Rng.drbg(platform.entropy())}, an HMAC_DRBG seeded from the platform's entropy on first use
     * (nothing is read at boot) and reseeded from it.
     */
    static Impl random() {
        return new Call("mirage.core", "mirage.core.Rng", "drbg", "mirage.core.Rng",
                Dispatch.STATIC_INTERFACE, List.of(entropy()));
    }

    /** Sleeping on the event loop's timers, as {@code mirage.time.Sleep}. */
    static Impl sleep() {
        return new Call("mirage.time", "mirage.time.Sleep", "on", "mirage.time.Sleep",
                Dispatch.STATIC_INTERFACE, List.of(loop()));
    }

    /** The platform's monotonic clock, as {@code mirage.time.MonotonicClock}. */
    static Impl monotonicClock() {
        return new Call("mirage.time", "mirage.time.MonotonicClock", "of", "mirage.time.MonotonicClock",
                Dispatch.STATIC_INTERFACE, List.of(platform()));
    }

    /** The platform's wall clock, as {@code mirage.time.WallClock}. */
    static Impl wallClock() {
        return new Call("mirage.time", "mirage.time.WallClock", "of", "mirage.time.WallClock",
                Dispatch.STATIC_INTERFACE, List.of(platform()));
    }

    /** The value of a runtime argument. */
    static Impl arg(RuntimeArg<?> arg) {
        return new Impl.Arg(arg);
    }
}
