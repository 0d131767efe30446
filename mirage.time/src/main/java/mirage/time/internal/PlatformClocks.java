package mirage.time.internal;

import java.time.Instant;
import mirage.core.spi.Platform;
import mirage.time.MonotonicClock;
import mirage.time.WallClock;

/** Clocks read straight from the platform. */
public final class PlatformClocks {
    private PlatformClocks() {}

    public static MonotonicClock monotonic(Platform platform) {
        return platform::monotonicNanos;
    }

    public static WallClock wall(Platform platform) {
        return () -> {
            long ns = platform.wallClockNanos();
            return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
        };
    }
}
