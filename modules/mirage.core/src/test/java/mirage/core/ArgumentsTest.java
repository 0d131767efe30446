package mirage.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import mirage.core.ArgumentException.Problem;
import mirage.core.internal.ArgValues;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class ArgumentsTest {
    static final RuntimeArg<String> NAME = RuntimeArg.requiredString("name", "Who to greet");
    static final RuntimeArg<Integer> COUNT = RuntimeArg.integer("count", 1, "How many times");
    static final RuntimeArg<Long> SIZE = RuntimeArg.longInteger("size", -7L, "Bytes");
    static final RuntimeArg<Boolean> VERBOSE = RuntimeArg.flag("verbose", "Talk more");
    static final RuntimeArg<Duration> TIMEOUT = RuntimeArg.duration("timeout", Duration.ofSeconds(2), "Give up after");
    static final RuntimeArg<String> MODE = RuntimeArg.string("mode", "fast", "Mode");
    @SuppressWarnings("unchecked")
    static final RuntimeArg<Integer> PORT = (RuntimeArg<Integer>) RuntimeArg.of("port", ArgType.INT, null, "Port");
    @SuppressWarnings("unchecked")
    static final RuntimeArg<Duration> DELAY = (RuntimeArg<Duration>) RuntimeArg.of("delay", ArgType.DURATION, null, "Delay");

    static final List<RuntimeArg<?>> ALL = List.of(NAME, COUNT, SIZE, VERBOSE, TIMEOUT, MODE, PORT, DELAY);

    static Gen<Object> values(ArgType type) {
        return switch (type) {
            case STRING -> strings().allPossible().ofLengthBetween(0, 20).map(s -> (Object) s);
            case INT -> integers().all().map(i -> (Object) i);
            case LONG -> longs().all().map(l -> (Object) l);
            case BOOLEAN -> booleans().all().map(b -> (Object) b);
            case DURATION -> longs().between(0, Long.MAX_VALUE).zip(integers().between(0, 999_999_999),
                    (s, n) -> (Object) Duration.ofSeconds(s, n)).mix(longs().between(0, Long.MAX_VALUE).map(n -> (Object) Duration.ofNanos(n)));
        };
    }

    /** For each of ALL: a value to give, or none (required ones always get one). */
    static Gen<List<Optional<Object>>> givens() {
        Gen<List<Optional<Object>>> g = Generate.constant(List.of());
        for (RuntimeArg<?> a : ALL) {
            Gen<Optional<Object>> one = a.required() ? values(a.type()).map(Optional::of) : values(a.type()).toOptionals(40);
            g = g.zip(one, (list, v) -> {
                List<Optional<Object>> l = new ArrayList<>(list);
                l.add(v);
                return l;
            });
        }
        return g;
    }

    static Arguments parse(List<RuntimeArg<?>> declared, String... argv) throws ArgumentException {
        return Arguments.parse(declared, List.of(argv));
    }

    @Test
    void givenValuesAreReturnedAndDefaultsApply() {
        qt().forAll(givens(), longs().all()).checkAssert((given, seed) -> {
            List<String> argv = new ArrayList<>();
            for (int i = 0; i < ALL.size(); i++) {
                RuntimeArg<?> a = ALL.get(i);
                given.get(i).ifPresent(v -> argv.add("--" + a.name() + "=" + ArgValues.format(a.type(), v)));
            }
            Collections.shuffle(argv, new Random(seed));
            Arguments parsed = ArgumentsTestSupport.parseOrFail(ALL, argv);
            for (int i = 0; i < ALL.size(); i++) {
                RuntimeArg<?> a = ALL.get(i);
                Object expected = given.get(i).orElseGet(() -> a.defaultValue().orElseThrow());
                assertEquals(expected, parsed.get(a), a.name() + " from " + argv);
                assertEquals(expected, parsed.valueAt(i));
            }
        });
    }

    @Test
    void twoElementFormGivesTheNextElement() {
        // any value that does not itself start with "--" may follow as the next element
        qt().forAll(integers().all(), strings().allPossible().ofLengthBetween(0, 20).assuming(s -> !s.startsWith("--")))
                .checkAssert((count, mode) -> {
                    Arguments a = ArgumentsTestSupport.parseOrFail(ALL,
                            List.of("--count", count.toString(), "--mode", mode, "--name", "n", "--port", "1", "--delay", "1s"));
                    assertEquals(count, a.get(COUNT));
                    assertEquals(mode, a.get(MODE));
                });
    }

    @Test
    void bareBooleanIsTrueAndExplicitValuesWork() throws ArgumentException {
        List<RuntimeArg<?>> d = List.of(VERBOSE);
        assertEquals(false, parse(d).get(VERBOSE));
        assertEquals(true, parse(d, "--verbose").get(VERBOSE));
        assertEquals(true, parse(d, "--verbose=true").get(VERBOSE));
        assertEquals(false, parse(d, "--verbose=false").get(VERBOSE));
        // a bare flag does not take the next element: that is then a positional argument
        ArgumentException e = assertThrows(ArgumentException.class, () -> parse(d, "--verbose", "false"));
        assertEquals("unexpected argument 'false': arguments are --name=value", e.getMessage());
    }

    @Test
    void doubleDashEndsParsing() {
        qt().forAll(lists().of(strings().allPossible().ofLengthBetween(0, 10)).ofSizeBetween(0, 6)).checkAssert(rest -> {
            List<String> argv = new ArrayList<>(List.of("--count=3", "--"));
            argv.addAll(rest);
            Arguments a = ArgumentsTestSupport.parseOrFail(List.of(COUNT, MODE), argv);
            assertEquals(3, a.get(COUNT));
            assertEquals("fast", a.get(MODE));
        });
    }

    @Test
    void repeatedArgumentIsRefused() {
        qt().forAll(Generate.pick(ALL), longs().all()).checkAssert((arg, seed) -> {
            List<String> argv = new ArrayList<>(List.of("--name=x", "--port=1", "--delay=1s"));
            argv.removeIf(s -> s.startsWith("--" + arg.name() + "="));
            Object value = arg.defaultValue().isPresent() ? arg.defaultValue().get()
                    : arg.type() == ArgType.DURATION ? Duration.ofSeconds(1) : arg.type() == ArgType.INT ? (Object) 1 : "x";
            String v = ArgValues.format(arg.type(), value);
            argv.add("--" + arg.name() + "=" + v);
            argv.add("--" + arg.name() + "=" + v);
            Collections.shuffle(argv, new Random(seed));
            ArgumentException e = assertThrows(ArgumentException.class, () -> Arguments.parse(ALL, argv));
            assertEquals(Problem.REPEATED, e.problem());
            assertEquals("--" + arg.name(), e.argument());
            assertEquals("--" + arg.name() + " given more than once", e.getMessage());
        });
    }

    @Test
    void unknownArgumentIsRefused() {
        Gen<String> names = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 12)
                .assuming(n -> ALL.stream().noneMatch(a -> a.name().equals(n)));
        qt().forAll(names, booleans().all()).checkAssert((n, withValue) -> {
            ArgumentException e = assertThrows(ArgumentException.class,
                    () -> parse(ALL, "--name=x", withValue ? "--" + n + "=1" : "--" + n));
            assertEquals(Problem.UNKNOWN, e.problem());
            assertEquals("--" + n, e.argument());
            assertEquals("unknown argument --" + n, e.getMessage());
        });
    }

    @Test
    void missingRequiredArgumentIsRefused() {
        qt().forAll(Generate.pick(List.<RuntimeArg<?>>of(NAME, PORT, DELAY))).checkAssert(arg -> {
            List<String> argv = new ArrayList<>(List.of("--name=x", "--port=1", "--delay=1s"));
            argv.removeIf(s -> s.startsWith("--" + arg.name() + "="));
            ArgumentException e = assertThrows(ArgumentException.class, () -> Arguments.parse(ALL, argv));
            assertEquals(Problem.MISSING, e.problem());
            assertEquals("--" + arg.name(), e.argument());
            assertEquals("missing required argument --" + arg.name() + "=" + arg.type().metavar(), e.getMessage());
        });
    }

    @Test
    void malformedIntegerIsRefused() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 12).assuming(s -> !s.matches("-?[0-9]+"))).checkAssert(text -> {
            ArgumentException e = assertThrows(ArgumentException.class, () -> parse(List.of(COUNT), "--count=" + text));
            assertEquals(Problem.MALFORMED, e.problem());
            assertEquals("--count", e.argument());
            assertTrue(e.getMessage().startsWith("malformed value for --count: '"), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
        });
    }

    @Test
    void messagesAUserSees() {
        assertEquals("unknown argument --foo", message(ALL, "--foo"));
        assertEquals("unknown argument --foo", message(ALL, "--foo=bar"));
        assertEquals("malformed value for --count: 'x' is not an integer", message(List.of(COUNT), "--count=x"));
        assertEquals("malformed value for --count: 'x' is not an integer", message(List.of(COUNT), "--count", "x"));
        assertEquals("missing value for --count (INT)", message(List.of(COUNT), "--count"));
        assertEquals("missing value for --count (INT)", message(List.of(COUNT, MODE), "--count", "--mode=x"));
        assertEquals("unexpected argument 'hello': arguments are --name=value", message(List.of(COUNT), "hello"));
        assertEquals("unexpected argument '-v': arguments are --name=value", message(List.of(COUNT), "-v"));
        assertEquals("unknown argument --a\\x0ab", message(List.of(COUNT), "--a\nb=1"));
        assertEquals("missing required argument --name=TEXT", message(List.of(NAME)));
        assertEquals("--count given more than once", message(List.of(COUNT), "--count=1", "--count", "2"));
        // the first problem on the command line is the one reported
        assertEquals("unknown argument --foo", message(List.of(COUNT), "--foo", "--count=x"));
    }

    @Test
    void duplicateDeclarationIsAProgrammingError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(List.of(COUNT, RuntimeArg.integer("count", 2, "again"))));
        assertEquals("runtime argument 'count' declared twice", e.getMessage());
    }

    @Test
    void getOfAnUndeclaredArgumentIsRefused() throws ArgumentException {
        Arguments a = parse(List.of(COUNT));
        assertThrows(IllegalArgumentException.class, () -> a.get(MODE));
        assertThrows(IndexOutOfBoundsException.class, () -> a.valueAt(1));
        assertEquals(List.of(COUNT), a.declared());
    }

    @Test
    void usageListsEveryArgumentAligned() {
        assertEquals("""
                usage: hello [ARGUMENT...]
                  --name=TEXT       Who to greet (required)
                  --count=INT       How many times (default: 1)
                  --verbose[=BOOL]  Talk more (default: false)
                  --timeout=DURATION  Give up after (default: 2s)
                  --help            Show this help and exit.
                """.replace("  --timeout=DURATION  Give up after (default: 2s)\n", ""),
                Arguments.usage("hello", List.of(NAME, COUNT, VERBOSE)));
        assertEquals("""
                usage: hello
                  --help  Show this help and exit.
                """, Arguments.usage("hello", List.of()));
        assertEquals("""
                usage: x [ARGUMENT...]
                  --timeout=DURATION  Give up after (default: 2s)
                  --size=LONG         Bytes (default: -7)
                  --help              Show this help and exit.
                """, Arguments.usage("x", List.of(TIMEOUT, SIZE)));
    }

    @Test
    void usageKeepsOneLinePerArgument() {
        RuntimeArg<String> odd = RuntimeArg.string("sep", "a\nb", "Separator");
        String usage = Arguments.usage("x", List.of(odd));
        assertEquals(3, usage.lines().count(), usage);
        assertTrue(usage.contains("(default: a\\x0ab)"), usage);
    }

    static String message(List<RuntimeArg<?>> declared, String... argv) {
        ArgumentException e = assertThrows(ArgumentException.class, () -> parse(declared, argv));
        return e.getMessage();
    }
}
