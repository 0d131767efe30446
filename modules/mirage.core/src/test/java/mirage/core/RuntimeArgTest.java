package mirage.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuntimeArgTest {

    @Test
    void ofReadsDefaultsInCommandLineSyntax() {
        assertEquals(RuntimeArg.integer("count", -3, "d"), RuntimeArg.of("count", ArgType.INT, "-3", "d"));
        assertEquals(RuntimeArg.duration("t", Duration.ofMillis(250), "d"), RuntimeArg.of("t", ArgType.DURATION, "250ms", "d"));
        assertEquals(RuntimeArg.flag("v", "d"), RuntimeArg.of("v", ArgType.BOOLEAN, "false", "d"));
        assertTrue(RuntimeArg.of("n", ArgType.STRING, null, "d").required());
        assertEquals(Optional.of("250ms"), RuntimeArg.of("t", ArgType.DURATION, "PT0.25S", "d").defaultText());
    }

    @Test
    void badDeclarationsAreRefusedWithAMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeArg.of("count", ArgType.INT, "x", "d"));
        assertEquals("default of runtime argument 'count': malformed value for --count: 'x' is not an integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RuntimeArg.integer("Count", 1, "d"));
        assertTrue(e.getMessage().startsWith("runtime argument name 'Count' must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RuntimeArg.integer("count", 1, "two\nlines"));
        assertEquals("doc of runtime argument 'count' must be one line", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RuntimeArg<Object>("count", ArgType.INT, Optional.of(1L), "d"));
        assertEquals("default of runtime argument 'count' is a Long, not Integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RuntimeArg.duration("t", Duration.ofSeconds(-1), "d"));
        assertEquals("default of runtime argument 't' is negative", e.getMessage());
    }

    @Test
    void aBadNameIsReportedBeforeABadDefault() {
        // the name is what the author must fix first, and the message must stay one line
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeArg.of("a\nb", ArgType.INT, "x", "d"));
        assertTrue(e.getMessage().startsWith("runtime argument name 'a\\x0ab' must be"), e.getMessage());
    }
}
