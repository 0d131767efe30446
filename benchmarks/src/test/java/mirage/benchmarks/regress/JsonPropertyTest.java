package mirage.benchmarks.regress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JSON reader and writer: what is written reads back equal, any text reads or fails with
 * {@link JsonException} only, and the strict rules (RFC 8259) hold.
 */
class JsonPropertyTest {

    /** A random JSON value from a seed: nested objects and arrays, odd strings, any finite double. */
    static Object value(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 4 ? 5 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> switch (r.nextInt(4)) {
                case 0 -> (double) r.nextInt(-1000, 1000);
                case 1 -> r.nextDouble() * Math.pow(10, r.nextInt(-300, 300));
                case 2 -> -0.0;
                default -> finite(Double.longBitsToDouble(r.nextLong()));
            };
            case 3, 4 -> text(r);
            case 5 -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    l.add(value(r, depth + 1));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    m.put(text(r), value(r, depth + 1));
                }
                yield m;
            }
        };
    }

    static double finite(double d) {
        return Double.isFinite(d) ? d : 1.5;
    }

    static String text(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(8); i > 0; i--) {
            b.append(switch (r.nextInt(6)) {
                case 0 -> (char) r.nextInt(0, 0x20);
                case 1 -> "\"\\/".charAt(r.nextInt(3));
                case 2 -> (char) r.nextInt(0x80, 0xFFFF);
                default -> (char) r.nextInt('a', 'z' + 1);
            });
        }
        return b.toString();
    }

    @Test
    void whatIsWrittenReadsBackEqual() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            Object v = value(new SplittableRandom(seed), 0);
            assertEquals(v, Json.parse(Json.write(v)));
        });
    }

    @Test
    void anyTextReadsOrFailsWithJsonException() {
        qt().forAll(strings().ascii().ofLengthBetween(0, 40)).checkAssert(JsonPropertyTest::readsOrRejects);
    }

    @Test
    void mutatedJsonReadsOrFailsWithJsonException() {
        qt().forAll(longs().all(), integers().between(0, 10_000), integers().between(0, 127)).checkAssert((seed, at, c) -> {
            String json = Json.write(value(new SplittableRandom(seed), 0));
            int i = at % (json.length() + 1);
            readsOrRejects(json.substring(0, i) + (char) c.intValue() + json.substring(i));
            readsOrRejects(json.substring(0, i));
        });
    }

    static void readsOrRejects(String text) {
        try {
            Json.parse(text);
        } catch (JsonException expected) {
            // the one failure allowed
        }
    }

    @Test
    void strictRules() {
        for (String bad : List.of("", " ", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "-", "1e", "[1 2]", "{\"a\" 1}",
                "{\"a\":1,\"a\":2}", "\"\t\"", "\"\\x\"", "\"\\u12\"", "nul", "[1] x", "{a:1}", "'a'", "NaN", "[")) {
            assertThrows(JsonException.class, () -> Json.parse(bad), bad);
        }
        assertEquals(List.of(1.0, -0.5, 1e3, "é/", true, false), Json.parse(" [1, -0.5, 1E3, \"\\u00e9\\/\", true, false] "));
        assertEquals(Map.of("a", List.of()), Json.parse("{\"a\":[]}"));
    }

    @Test
    void nestingHasALimitNotAStackOverflow() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThrows(JsonException.class, () -> Json.parse(deep));
        String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.parse(fine);
        assertThrows(JsonException.class, () -> Json.parse("[".repeat(100_000)));
    }

    @Test
    void nonFiniteNumbersAreWrittenAsJmhDoes() {
        assertEquals("[\n  \"NaN\",\n  \"Infinity\",\n  \"-Infinity\",\n  3,\n  0.25\n]",
                Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.0, 0.25)));
        assertEquals(Double.NaN, Json.number("NaN"));
        assertEquals(Double.NEGATIVE_INFINITY, Json.number("-Infinity"));
        assertEquals(Double.NaN, Json.number(null));
        assertThrows(JsonException.class, () -> Json.number("12"));
        assertThrows(JsonException.class, () -> Json.number(List.of()));
    }
}
