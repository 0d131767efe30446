package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mirage.core.ArgumentException;
import mirage.core.spi.Manifest;
import mirage.platform.solo5.internal.sandbox.Sandbox;
import org.junit.jupiter.api.Test;

/**
 * {@code --sandbox=on|off|train} is the platform's, like a device binding: consumed before
 * {@code --}, refused when malformed or repeated. (The sandbox itself: SandboxedProcessTest,
 * which installs it in a child JVM; nothing here turns it on in the test JVM: {@code train}
 * prepares it and must leave the process as free as it was.)
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

    /**
     * The boot class's first call (docs/decisions/0080): no link, and so no native call, when the
     * command line says {@code --sandbox=off} before {@code --}; otherwise a link that the image
     * platform's bind takes, once.
     */
    @Test
    void begin_linksTheDowncall_unlessTheCommandLineSaysSandboxOff() throws Exception {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "the sandbox is Linux x86-64 only");
        Solo5Platform.takeEarlyLink();
        Solo5Platform.begin(new String[] {"--x=1", "--sandbox=off"});
        assertNull(Solo5Platform.takeEarlyLink(), "--sandbox=off: nothing linked");
        Solo5Platform.begin(new String[] {"--x=1", "--", "--sandbox=off"});
        Sandbox.Link link = Solo5Platform.takeEarlyLink();
        assertNotNull(link, "--sandbox=off after --: an argument of the unikernel's, so the sandbox is linked");
        assertNull(Solo5Platform.takeEarlyLink(), "taken once");
        Solo5Platform.begin(new String[] {"--sandbox=on"});
        assertNotNull(Solo5Platform.takeEarlyLink());
    }

    /**
     * The link tool's AOT training run (docs/decisions/0059): the whole install runs but its
     * irrevocable calls, so this JVM afterwards has no seccomp filter, no no_new_privs, and still
     * reads files by path.
     */
    @Test
    void sandboxTrain_preparesTheSandbox_withoutConfiningTheProcess() throws Exception {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64")),
                "the sandbox is Linux x86-64 only");
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            assertEquals(List.of("--x=1"), p.bind(List.of("--sandbox=train", "--x=1")));
        }
        // read by path: a confined process would get AccessDeniedException here
        String status = Files.readString(Path.of("/proc/self/status"));
        assertTrue(status.contains("\nSeccomp:\t0\n"), "no seccomp filter: " + status);
        assertTrue(status.contains("\nNoNewPrivs:\t0\n"), "no no_new_privs: " + status);
    }
}
