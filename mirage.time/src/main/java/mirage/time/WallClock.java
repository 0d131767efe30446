package mirage.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Optional;
import mirage.core.spi.Platform;
import mirage.time.internal.PlatformClocks;

/**
 * The POSIX wall clock (MirageOS's {@code Mirage_ptime}): UTC with nanoseconds, may jump when the
 * host's clock is set. Thread-safe. It is also a {@link InstantSource}, so that libraries which
 * take the JDK's clock type (TLS certificate checks, for one) read this clock.
 */
public interface WallClock extends InstantSource {

    /** The current instant (POSIX time: leap seconds are not counted). */
    Instant now();

    /** {@link #now()}, for {@link InstantSource}. */
    @Override
    default Instant instant() {
        return now();
    }

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
