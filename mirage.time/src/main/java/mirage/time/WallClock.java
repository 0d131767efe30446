package mirage.time;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import mirage.core.spi.Platform;
import mirage.time.internal.PlatformClocks;

/**
 * The POSIX wall clock (MirageOS's {@code Mirage_ptime}): UTC with nanoseconds, may jump when the
 * host's clock is set. Thread-safe.
 */
public interface WallClock {

    /** The current instant (POSIX time: leap seconds are not counted). */
    Instant now();

    /** The clock's resolution, if known ({@code period_d_ps}). */
    default Optional<Duration> period() {
        return Optional.empty();
    }

    /**
     * The offset of local time from UTC, if the platform knows one
     * ({@code current_tz_offset_s}); unikernels usually run in UTC and know none.
     */
    default Optional<ZoneOffset> currentOffset() {
        return Optional.empty();
    }

    /** The platform's wall clock. */
    static WallClock of(Platform platform) {
        return PlatformClocks.wall(platform);
    }
}
