package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import mirage.core.ArgType;
import mirage.core.ArgumentException;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;

/**
 * Inputs are text so that seeds are readable: for {@link #parse}, the first line picks
 * declarations (each character selects one of {@link #DECLS}), every further line is one
 * element of argv. For the others, the first character picks the type.
 */
class ArgumentsFuzzTest {
    static final List<RuntimeArg<?>> DECLS = List.of(
            RuntimeArg.requiredString("name", "n"),
            RuntimeArg.integer("count", 1, "c"),
            RuntimeArg.longInteger("size", 0, "s"),
            RuntimeArg.flag("verbose", "v"),
            RuntimeArg.duration("timeout", Duration.ofSeconds(2), "t"),
            RuntimeArg.string("mode", "fast", "m"),
            RuntimeArg.of("port", ArgType.INT, null, "p"),
            RuntimeArg.of("delay", ArgType.DURATION, null, "d"),
            new RuntimeArg<>("debug", ArgType.BOOLEAN, Optional.empty(), "b"));

    @FuzzTest(maxDuration = "30s")
    void parse(FuzzedDataProvider data) {
        String[] lines = data.consumeRemainingAsString().split("\n", -1);
        List<RuntimeArg<?>> declared = new ArrayList<>();
        for (char c : lines[0].toCharArray()) {
            RuntimeArg<?> d = DECLS.get(c % DECLS.size());
            if (!declared.contains(d)) {
                declared.add(d);
            }
        }
        List<String> argv = Arrays.asList(lines).subList(1, lines.length);
        Arguments parsed;
        try {
            parsed = Arguments.parse(declared, argv);
        } catch (ArgumentException e) {
            assertOneLine(e);
            assertTrue(e.argument().startsWith("--") || argv.contains(e.argument()), e.argument());
            return;
        }
        // every value is of its type, and what was not given before "--" is the default
        int end = argv.indexOf("--");
        List<String> used = end < 0 ? argv : argv.subList(0, end);
        for (int i = 0; i < declared.size(); i++) {
            RuntimeArg<?> d = declared.get(i);
            Object v = parsed.valueAt(i);
            assertNotNull(v);
            assertTrue(d.type().javaType().isInstance(v), d + " = " + v);
            assertEquals(v, parsed.get(d));
            String opt = "--" + d.name();
            boolean given = used.stream().anyMatch(a -> a.equals(opt) || a.startsWith(opt + "="));
            if (!given) {
                assertEquals(d.defaultValue().orElseThrow(), v, d.name());
            }
        }
        // no positional element survives
        for (int i = 0; i < used.size(); i++) {
            if (!used.get(i).startsWith("--")) {
                String before = i == 0 ? "" : used.get(i - 1);
                assertTrue(before.startsWith("--") && !before.contains("="), "positional " + used.get(i) + " in " + used);
            }
        }
    }

    /** Any text as a value of any type: the value, of the type, that formats and parses back to itself; or MALFORMED. */
    @FuzzTest(maxDuration = "20s")
    void values(FuzzedDataProvider data) {
        ArgType type = ArgType.values()[Math.floorMod(data.consumeByte(), ArgType.values().length)];
        String text = data.consumeRemainingAsString();
        Object v;
        try {
            v = ArgValues.parse(type, "--x", text);
        } catch (ArgumentException e) {
            assertEquals(ArgumentException.Problem.MALFORMED, e.problem());
            assertEquals("--x", e.argument());
            assertOneLine(e);
            return;
        }
        assertTrue(type.javaType().isInstance(v));
        if (v instanceof Duration d) {
            assertFalse(d.isNegative(), text);
        }
        String formatted = ArgValues.format(type, v);
        try {
            assertEquals(v, ArgValues.parse(type, "--x", formatted), formatted);
        } catch (ArgumentException e) {
            throw new AssertionError("format gave " + formatted + " for " + text + ": " + e.getMessage(), e);
        }
    }

    /** Lines: type index, name, default text (absent: required), doc. */
    @FuzzTest(maxDuration = "20s")
    void declaration(FuzzedDataProvider data) {
        ArgType type = ArgType.values()[Math.floorMod(data.consumeByte(), ArgType.values().length)];
        String[] parts = data.consumeRemainingAsString().split("\n", 3);
        String name = parts[0];
        String def = parts.length > 1 ? parts[1] : null;
        String doc = parts.length > 2 ? parts[2] : "";
        RuntimeArg<?> arg;
        try {
            arg = RuntimeArg.of(name, type, def, doc);
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), e.getMessage());
            return;
        }
        assertEquals(name, arg.name());
        assertEquals(def == null, arg.required());
        assertEquals(arg, RuntimeArg.of(arg.name(), type, arg.defaultText().orElse(null), arg.doc()));
        assertFalse(Arguments.usage("x", List.of(arg)).lines().count() != 3, "one usage line per argument");
    }

    static void assertOneLine(Exception e) {
        String m = e.getMessage();
        assertNotNull(m);
        assertFalse(m.isEmpty());
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
    }
}
