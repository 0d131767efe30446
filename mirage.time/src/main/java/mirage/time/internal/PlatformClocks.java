package mirage.time.internal;

import java.time.Instant;
import mirage.core.spi.Platform;
import mirage.time.MonotonicClock;
import mirage.time.WallClock;

/** Clocks read straight from the platform. Records rather than lambdas, for start-up. */
public final class PlatformClocks {
    private PlatformClocks() {}

    public static MonotonicClock monotonic(Platform platform) {
        return new Monotonic(platform);
    }

    public static WallClock wall(Platform platform) {
        return new Wall(platform);
    }

    /** Nanoseconds since the Unix epoch as an instant, exactly, for any long (also negative). */
    public static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    private record Monotonic(Platform platform) implements MonotonicClock {
        @Override
        public long elapsedNanos() {
            return platform.monotonicNanos();
        }
    }

    private record Wall(Platform platform) implements WallClock {
        @Override
        public Instant now() {
            return PlatformClocks.instant(platform.wallClockNanos());
        }
    }
}
