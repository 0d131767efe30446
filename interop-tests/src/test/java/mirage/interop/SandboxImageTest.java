package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox after binding in a linked image (docs/decisions/0057): the escape unikernel
 * ({@code src/test/unikernels/escape}) boots, and while it waits the test reads its JVM's
 * {@code /proc/PID/status}: {@code NoNewPrivs: 1}, {@code Seccomp: 2} on every thread. Then it
 * tries to read a host file (refused: {@code AccessDeniedException}, and it stays up), to open a
 * host socket (refused: {@code EPERM}, which the JDK's first socket use meets in its class
 * initialization's probe, an {@code ExceptionInInitializerError}) and to start a process, which kills it ({@code SIGSYS}:
 * the launcher exits 159). With {@code --sandbox=off} it says so at boot and all three work.
 * Needs Linux x86-64 with seccomp; no root.
 */
class SandboxImageTest {
    @TempDir
    static Path work;

    static Path image;
    static Path secret;

    @BeforeAll
    static void build() throws Exception {
        Mirage.markLibrariesBuilt();
        Path unikernel = Mirage.copyUnikernel(Path.of("src/test/unikernels/escape").toAbsolutePath(), work.resolve("escape"));
        Mirage.Result built = Mirage.mirage("build", unikernel.toString());
        assertEquals(0, built.exit(), built.err());
        image = Path.of(built.lastOutLine());
        secret = Files.writeString(work.resolve("secret.txt"), "twelve chars");
    }

    /** What one boot printed, its JVM's status lines while booted, and its exit. */
    record Boot(List<String> out, String err, List<List<String>> threadStatus, int exit) {}

    static Boot boot(String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(image.resolve("bin/escape").toString(), "--file=" + secret));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            lines.add(out.readLine());
            assertEquals("booted", lines.getFirst(), () -> "stderr: " + err.getNow(""));
            // the launcher script's child is the JVM
            long jvm = p.toHandle().children().findFirst().orElseThrow().pid();
            List<List<String>> threads = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc", Long.toString(jvm), "task"))) {
                for (Path task : tasks.toList()) {
                    threads.add(Files.readAllLines(task.resolve("status")));
                }
            }
            try (OutputStream in = p.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            for (String l = out.readLine(); l != null; l = out.readLine()) {
                lines.add(l);
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended");
            return new Boot(lines, err.get(10, TimeUnit.SECONDS), threads, p.exitValue());
        } finally {
            Host.stopTree(p.toHandle());
        }
    }

    @Test
    void aBootedImage_isConfined_andAnEscapeIsRefusedOrKilled() throws Exception {
        Boot b = boot();
        assertTrue(b.threadStatus().size() > 5, "the JVM has its threads: " + b.threadStatus().size());
        for (List<String> status : b.threadStatus()) {
            assertTrue(status.contains("NoNewPrivs:\t1"), status.toString());
            assertTrue(status.contains("Seccomp:\t2"), status.toString());
        }
        assertEquals(List.of("booted", "file: java.nio.file.AccessDeniedException",
                "socket: java.lang.ExceptionInInitializerError: Operation not permitted", "process: starting /bin/true"), b.out(),
                "refused, refused, killed: " + b.err());
        assertEquals(128 + 31, b.exit(), "killed by SIGSYS");
        // the launcher script's shell reports how its child ended
        assertTrue(b.err().endsWith("Bad system call\n"), b.err());
    }

    @Test
    void sandboxOff_saysSoAtBoot_andNothingIsRefused() throws Exception {
        Boot b = boot("--sandbox=off");
        for (List<String> status : b.threadStatus()) {
            assertTrue(status.contains("Seccomp:\t0"), status.toString());
        }
        assertEquals(List.of("booted", "file: read 12 characters", "socket: opened", "process: starting /bin/true",
                "process: exited 0"), b.out());
        assertEquals(0, b.exit());
        assertEquals("mirage: sandbox off (--sandbox=off): no seccomp filter, no Landlock, every right of the user who"
                + " started it; for debugging only\n", b.err());
    }
}
