package mirage.time.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import mirage.time.MonotonicClock;
import mirage.time.WallClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import mirage.testkit.VirtualPlatform;

class PlatformClocksTest {

    @ParameterizedTest
    @CsvSource({
        "0, 1970-01-01T00:00:00Z",
        "1, 1970-01-01T00:00:00.000000001Z",
        "1500000000, 1970-01-01T00:00:01.500Z",
        "-1, 1969-12-31T23:59:59.999999999Z",
        "-1000000000, 1969-12-31T23:59:59Z",
        "-1500000000, 1969-12-31T23:59:58.500Z",
        "1767225600123456789, 2026-01-01T00:00:00.123456789Z",
        "9223372036854775807, 2262-04-11T23:47:16.854775807Z",
        "-9223372036854775808, 1677-09-21T00:12:43.145224192Z",
    })
    void wallClockConvertsNanosSinceTheEpoch(long nanos, String instant) {
        VirtualPlatform p = VirtualPlatform.create();
        p.setWallClock(nanos);
        assertEquals(Instant.parse(instant), WallClock.of(p).now());
    }

    @Test
    void wallClockAgreesWithInstantArithmetic() {
        VirtualPlatform p = VirtualPlatform.create();
        WallClock clock = WallClock.of(p);
        qt().forAll(longs().all()).checkAssert(ns -> {
            p.setWallClock(ns);
            Instant i = clock.now();
            assertEquals(Instant.EPOCH.plusNanos(ns), i);
            assertEquals(java.math.BigInteger.valueOf(ns), java.math.BigInteger.valueOf(i.getEpochSecond())
                    .multiply(java.math.BigInteger.valueOf(1_000_000_000L)).add(java.math.BigInteger.valueOf(i.getNano())));
        });
    }

    @Test
    void monotonicClockIsThePlatforms() {
        VirtualPlatform p = VirtualPlatform.create();
        MonotonicClock clock = MonotonicClock.of(p);
        assertEquals(0, clock.elapsedNanos());
        p.yield(42);
        assertEquals(42, clock.elapsedNanos());
    }
}
