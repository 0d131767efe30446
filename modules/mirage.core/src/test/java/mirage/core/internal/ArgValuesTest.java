package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.time.Duration;
import mirage.core.ArgType;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.quicktheories.core.Gen;

class ArgValuesTest {

    /** Durations whose nanoseconds fit a long. */
    static Gen<Duration> smallDurations() {
        return longs().between(0, Long.MAX_VALUE).map(Duration::ofNanos);
    }

    /** Any non-negative duration, most of them too long for a long of nanoseconds. */
    static Gen<Duration> anyDurations() {
        return longs().between(0, Long.MAX_VALUE).zip(integers().between(0, 999_999_999), Duration::ofSeconds);
    }

    /** Round durations in whole units, as people write them. */
    static Gen<Duration> roundDurations() {
        return longs().between(0, 100_000).zip(integers().between(0, 6),
                (n, u) -> Duration.ofNanos(new long[] {1, 1_000, 1_000_000, 1_000_000_000L, 60_000_000_000L,
                    3_600_000_000_000L, 86_400_000_000_000L}[u]).multipliedBy(n));
    }

    static Object roundTrip(ArgType type, Object value) throws ArgumentException {
        return ArgValues.parse(type, "--x", ArgValues.format(type, value));
    }

    @Test
    void stringsRoundTrip() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40))
                .checkAssert(s -> assertEquals(s, uncheck(() -> roundTrip(ArgType.STRING, s))));
    }

    @Test
    void intsRoundTrip() {
        qt().forAll(integers().all()).checkAssert(i -> assertEquals(i, uncheck(() -> roundTrip(ArgType.INT, i))));
    }

    @Test
    void longsRoundTrip() {
        qt().forAll(longs().all()).checkAssert(l -> assertEquals(l, uncheck(() -> roundTrip(ArgType.LONG, l))));
    }

    @Test
    void booleansRoundTrip() {
        qt().forAll(booleans().all()).checkAssert(b -> assertEquals(b, uncheck(() -> roundTrip(ArgType.BOOLEAN, b))));
    }

    @Test
    void durationsThatFitNanosRoundTripInOneUnit() {
        qt().forAll(smallDurations().mix(roundDurations())).checkAssert(d -> {
            String text = ArgValues.format(ArgType.DURATION, d);
            assertEquals(d, uncheck(() -> ArgValues.parse(ArgType.DURATION, "--x", text)), text);
            assertEquals(false, text.startsWith("P"), text);
        });
    }

    @Test
    void longerDurationsRoundTripAsIso() {
        qt().forAll(anyDurations()).checkAssert(d -> {
            String text = ArgValues.format(ArgType.DURATION, d);
            assertEquals(d, uncheck(() -> ArgValues.parse(ArgType.DURATION, "--x", text)), text);
        });
    }

    @ParameterizedTest
    @CsvSource({
        "0s, 0", "1ns, 1", "250ms, 250000000", "2s, 2000000000", "90s, 90000000000", "1500ms, 1500000000",
        "3m, 180000000000", "2h, 7200000000000", "1d, 86400000000000", "7us, 7000"
    })
    void formatsInTheLargestExactUnit(String text, long nanos) throws ArgumentException {
        assertEquals(text, ArgValues.format(ArgType.DURATION, Duration.ofNanos(nanos)));
        assertEquals(Duration.ofNanos(nanos), ArgValues.parse(ArgType.DURATION, "--t", text));
    }

    @ParameterizedTest
    @CsvSource({"PT1.5S, 1500000000", "pt2s, 2000000000", "PT0S, 0", "P1D, 86400000000000", "0ms, 0", "007s, 7000000000"})
    void acceptsIsoAndUnitForms(String text, long nanos) throws ArgumentException {
        assertEquals(Duration.ofNanos(nanos), ArgValues.parse(ArgType.DURATION, "--t", text));
    }

    @Test
    void hugeCountsInLargeUnitsAreExactOrMalformed() throws ArgumentException {
        // 10^14 days fits a Duration (seconds < 2^63) but not a long of nanoseconds
        assertEquals(Duration.ofDays(100_000_000_000_000L),
                ArgValues.parse(ArgType.DURATION, "--t", "100000000000000d"));
        // 19 digits, as format() writes a long of nanoseconds
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), ArgValues.parse(ArgType.DURATION, "--t", "9223372036854775807ns"));
        assertEquals(Duration.ofSeconds(1_234_567_890_123_456_789L),
                ArgValues.parse(ArgType.DURATION, "--t", "1234567890123456789s"));
        // leading zeros do not count
        assertEquals(Duration.ofSeconds(1), ArgValues.parse(ArgType.DURATION, "--t", "00000000000000000000001s"));
        // 10^18 - 1 days does not fit a Duration; 2^63 does not fit a long: malformed, never thrown
        for (String tooLong : new String[] {"999999999999999999d", "9223372036854775808ns", "99999999999999999999999s"}) {
            ArgumentException e = assertThrows(ArgumentException.class,
                    () -> ArgValues.parse(ArgType.DURATION, "--t", tooLong));
            assertEquals(Problem.MALFORMED, e.problem());
            assertEquals("--t", e.argument());
            assertEquals("malformed value for --t: '" + tooLong + "' is not a duration of at most 9223372036854775807s",
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INT|x|'x' is not an integer",
        "INT|+1|'+1' is not an integer",
        "INT|-|'-' is not an integer",
        "INT|''|'' is not an integer",
        "INT|2147483648|'2147483648' is not an integer from -2147483648 to 2147483647",
        "INT|١٢|'١٢' is not an integer",
        "LONG|1.0|'1.0' is not an integer",
        "LONG|9223372036854775808|'9223372036854775808' is not a 64-bit integer",
        "BOOLEAN|yes|'yes' is not true or false",
        "BOOLEAN|TRUE|'TRUE' is not true or false",
        "DURATION|5|'5' is not a duration with a unit (ns, us, ms, s, m, h, d)",
        "DURATION|5 s|'5 s' is not a duration with a unit (ns, us, ms, s, m, h, d)",
        "DURATION|-5s|'-5s' is not a duration such as 250ms, 2s or PT1.5S",
        "DURATION|PT-1S|'PT-1S' is not a non-negative duration",
        "DURATION|Pxyz|'Pxyz' is not a duration such as 250ms, 2s or PT1.5S",
        "DURATION|s|'s' is not a duration such as 250ms, 2s or PT1.5S",
        "DURATION|1x|'1x' is not a duration with a unit (ns, us, ms, s, m, h, d)",
    })
    void malformedValuesSayWhatIsExpected(ArgType type, String text, String what) {
        ArgumentException e = assertThrows(ArgumentException.class, () -> ArgValues.parse(type, "--v", text));
        assertEquals(Problem.MALFORMED, e.problem());
        assertEquals("--v", e.argument());
        assertEquals("malformed value for --v: " + what, e.getMessage());
    }

    @Test
    void namesFollowTheRule() {
        ArgValues.checkName("a");
        ArgValues.checkName("a-1-b");
        ArgValues.checkName("a".repeat(64));
        for (String bad : new String[] {"", "1a", "-a", "A", "a_b", "a b", "a".repeat(65), "é"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArgValues.checkName(bad), bad);
            assertEquals(true, e.getMessage().contains("must be 1-64 characters"), e.getMessage());
        }
    }

    interface Checked<T> {
        T get() throws Exception;
    }

    static <T> T uncheck(Checked<T> c) {
        try {
            return c.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
