/**
 * Clocks and sleeping for unikernels: {@link mirage.time.MonotonicClock},
 * {@link mirage.time.WallClock} and {@link mirage.time.Sleep} (MirageOS's mtime, ptime and
 * sleep signatures).
 */
module mirage.time {
    requires transitive mirage.core;

    exports mirage.time;
}
