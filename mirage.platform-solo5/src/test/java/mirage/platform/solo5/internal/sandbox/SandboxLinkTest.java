package mirage.platform.solo5.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The {@code syscall(2)} downcall linked beside the boot (docs/decisions/0073, 0077), in this
 * JVM and without confining it: the link thread links the downcall and makes its first call
 * ({@code getpid}, refused unless it returns this process's id), and has ended when
 * {@link Sandbox.Link#await} returns, before any irrevocable call could be made; the prepared
 * install then calls the same handle from the binding thread. Linux x86-64 only.
 */
class SandboxLinkTest {

    @Test
    void theLinkThread_linksAndFirstCallsTheDowncall_andHasEndedWhenAwaited() throws Exception {
        assumeTrue(SyscallPolicy.supported(), "Linux x86-64 only");
        Sandbox.Link link = Sandbox.link();
        assertSame(link, link.await());
        assertSame(link, link.await(), "awaiting again returns at once");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertFalse(t.getName().equals("mirage-sandbox-link"), "the link thread has ended: " + t);
        }
        // prepare calls the downcall from this thread (landlock_create_ruleset, close) and
        // makes none of the irrevocable calls
        Sandbox.Outcome outcome = Sandbox.prepare(
                new SyscallPolicy.Needs(false, false, ProcessHandle.current().pid()), link);
        assertTrue(outcome.filterInstructions() > 0, outcome.toString());
        String status = Files.readString(Path.of("/proc/self/status"));
        assertTrue(status.contains("\nSeccomp:\t0\n"), "not confined: " + status);
    }
}
