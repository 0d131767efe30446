package mirage.time;

import mirage.core.spi.Platform;
import mirage.time.internal.PlatformClocks;

/** A clock that only moves forward (MirageOS's {@code Mirage_mtime}). Thread-safe. */
public interface MonotonicClock {

    /** Nanoseconds since an unspecified point fixed before boot; never decreases. */
    long elapsedNanos();

    /** The platform's monotonic clock. */
    static MonotonicClock of(Platform platform) {
        return PlatformClocks.monotonic(platform);
    }
}
