package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import mirage.core.ArgumentException;
import mirage.core.spi.Manifest;
import org.junit.jupiter.api.Test;

/**
 * {@code --sandbox=on|off} is the platform's, like a device binding: consumed before
 * {@code --}, refused when malformed or repeated. (The sandbox itself: SandboxedProcessTest,
 * which installs it in a child JVM; nothing here turns it on in the test JVM.)
 */
class SandboxOptionTest {
    @Test
    void sandboxOff_isConsumed_beforeTheEndOfOptionsOnly() throws Exception {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            assertEquals(List.of("--x=1", "--", "--sandbox=on"), p.bind(List.of("--sandbox=off", "--x=1", "--", "--sandbox=on")));
        }
    }

    @Test
    void aMalformedOrRepeatedSandboxOption_isRefusedInOneLine() {
        ArgumentException bad = assertThrows(ArgumentException.class,
                () -> new Solo5Platform(Manifest.EMPTY).bind(List.of("--sandbox=maybe")));
        assertEquals(ArgumentException.Problem.MALFORMED, bad.problem());
        assertEquals("malformed --sandbox=maybe: expected --sandbox=on or --sandbox=off", bad.getMessage());
        ArgumentException twice = assertThrows(ArgumentException.class,
                () -> new Solo5Platform(Manifest.EMPTY).bind(List.of("--sandbox=off", "--sandbox=off")));
        assertEquals(ArgumentException.Problem.REPEATED, twice.problem());
    }
}
