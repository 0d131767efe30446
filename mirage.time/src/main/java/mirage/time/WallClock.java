package mirage.time;

import java.time.Instant;
import mirage.core.spi.Platform;
import mirage.time.internal.PlatformClocks;

/**
 * The POSIX wall clock (MirageOS's {@code Mirage_ptime}): UTC, may jump when the host's clock
 * is set. Thread-safe.
 */
public interface WallClock {

    /** The current instant. */
    Instant now();

    /** The platform's wall clock. */
    static WallClock of(Platform platform) {
        return PlatformClocks.wall(platform);
    }
}
