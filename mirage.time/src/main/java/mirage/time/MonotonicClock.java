package mirage.time;

import java.time.Duration;
import java.util.Optional;
import mirage.core.spi.Platform;
import mirage.time.internal.PlatformClocks;

/** A clock that only moves forward (MirageOS's {@code Mirage_mtime}). Thread-safe. */
public interface MonotonicClock {

    /** Nanoseconds since an unspecified point fixed before boot; never decreases. */
    long elapsedNanos();

    /** {@link #elapsedNanos()} as a duration. */
    default Duration elapsed() {
        return Duration.ofNanos(elapsedNanos());
    }

    /** The clock's resolution, if known ({@code period_ns}). */
    default Optional<Duration> period() {
        return Optional.empty();
    }

    /** The platform's monotonic clock. */
    static MonotonicClock of(Platform platform) {
        return PlatformClocks.monotonic(platform);
    }
}
