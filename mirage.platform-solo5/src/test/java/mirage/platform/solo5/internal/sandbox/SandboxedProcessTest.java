package mirage.platform.solo5.internal.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import mirage.core.spi.Manifest;
import mirage.platform.solo5.Solo5;
import mirage.core.spi.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sandbox in a real JVM: a child process binds a platform with {@code --sandbox=on}, then
 * the test reads its {@code /proc/PID/status} ({@code NoNewPrivs: 1}, {@code Seccomp: 2}, one
 * filter on every thread), and the child tries what a confined unikernel must not do: open a
 * file ({@code AccessDeniedException}, and it stays up), list a directory, open a host socket
 * ({@code EPERM}: the JDK's first socket probe fails its class initialization), while what the JVM needs keeps working (new platform and virtual threads, the
 * JDK's crypto, time zone and randomness, which read files on first use, pre-warmed); last it
 * starts a process and is killed by {@code SIGSYS}. Needs Linux x86-64 with seccomp; no root.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SandboxedProcessTest {

    /** The child: confines itself, reports, waits for the parent, then tries its escapes. */
    public static void main(String[] args) throws Exception {
        Platform p = Solo5.platform(Manifest.EMPTY);
        List<String> rest = p.bind(List.of("--sandbox=on", "--", "--sandbox=off"));
        System.out.println("confined " + ProcessHandle.current().pid() + " rest " + rest);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        report("open", () -> Files.readString(Path.of(args[0])));
        report("list", () -> {
            try (var s = Files.list(Path.of("/"))) {
                return s.count();
            }
        });
        report("create", () -> Files.createTempFile("sandbox", ".tmp"));
        report("socket", () -> {
            try (SocketChannel c = SocketChannel.open()) {
                return c.isOpen();
            }
        });
        report("thread", () -> {
            Thread t = new Thread(() -> System.out.print(""));
            t.start();
            t.join();
            Thread v = Thread.ofVirtual().start(() -> System.out.print(""));
            v.join();
            return "ran";
        });
        report("crypto", () -> {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            return MessageDigest.getInstance("SHA-256").digest(new byte[1]).length + " " + c.getAlgorithm();
        });
        report("zone", () -> TimeZone.getDefault().getID().isEmpty() ? "none" : "some");
        report("random", () -> {
            SecureRandom r = new SecureRandom();
            r.nextInt();
            return r.getAlgorithm() + " " + SecureRandom.getInstance("NativePRNGNonBlocking").getAlgorithm();
        });
        System.out.println("exec");
        System.out.flush();
        report("exec", () -> new ProcessBuilder("/bin/true").start().waitFor());
        System.out.println("still here");
    }

    interface Attempt {
        Object run() throws Exception;
    }

    static void report(String what, Attempt attempt) {
        String outcome;
        try {
            outcome = "ok " + attempt.run();
        } catch (Exception | Error e) {
            outcome = e.getClass().getName() + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
        System.out.println(what + ": " + outcome);
        System.out.flush();
    }

    @Test
    void aConfinedJvm_cannotOpenFilesSocketsOrProcesses_butRuns() throws Exception {
        assumeTrue(SyscallPolicy.supported(), "Linux x86-64 only");
        Path secret = Files.createTempFile("sandbox-secret", ".txt");
        Files.writeString(secret, "secret");
        Path jars = Files.createTempDirectory("sandbox-jars");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-cp",
                    jarredClassPath(jars), SandboxedProcessTest.class.getName(), secret.toString())
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("confined " + child.pid())) {
                child.destroyForcibly();
                throw new AssertionError("first line: " + first + "\n" + drain(out));
            }
            assertTrue(first.endsWith("rest [--, --sandbox=off]"), "after -- nothing is the platform's: " + first);
            List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(child.pid()), "status"));
            assertTrue(status.contains("NoNewPrivs:\t1"), status.toString());
            assertTrue(status.contains("Seccomp:\t2"), status.toString());
            // TSYNC: every thread of the JVM, those older than the filter included, has it
            try (var tasks = Files.list(Path.of("/proc", Long.toString(child.pid()), "task"))) {
                for (Path task : tasks.toList()) {
                    List<String> s = Files.readAllLines(task.resolve("status"));
                    assertTrue(s.contains("Seccomp:\t2"), task + ": " + s);
                }
            }
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.US_ASCII));
            }
            List<String> lines = new ArrayList<>();
            for (String l = out.readLine(); l != null; l = out.readLine()) {
                lines.add(l);
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            String all = String.join("\n", lines);
            assertTrue(lines.contains("open: java.nio.file.AccessDeniedException: " + secret), all);
            assertTrue(lines.contains("list: java.nio.file.AccessDeniedException: /"), all);
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("create: java.nio.file.AccessDeniedException: ")), all);
            // the JDK's socket classes probe the host's IPv6 with a socket when first used: that
            // probe is refused, so the first use is an Error, not a SocketException
            assertTrue(lines.contains("socket: java.lang.ExceptionInInitializerError: Operation not permitted"), all);
            assertTrue(lines.contains("thread: ok ran"), all);
            assertTrue(lines.contains("crypto: ok 32 AES/GCM/NoPadding"), all);
            assertTrue(lines.contains("zone: ok some"), all);
            // the JDK's default stays NativePRNG (its files opened before the sandbox), not a DRBG
            // that the JDK seeds by thread timing for seconds when /dev/random is refused (0059)
            assertTrue(lines.contains("random: ok NativePRNG NativePRNGNonBlocking"), all);
            assertEquals("exec", lines.getLast(), "starting a process kills it before it reports: " + all);
            assertEquals(128 + 31, child.exitValue(), "killed by SIGSYS: " + all);
        } finally {
            Files.deleteIfExists(secret);
            try (var files = Files.list(jars)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(jars);
        }
    }

    /**
     * This JVM's class path with each directory packed into a jar under {@code into}: once
     * confined, a JVM cannot open class files one by one, but reads a jar it opened before
     * through the descriptor it keeps (as an image reads {@code lib/modules}).
     */
    static String jarredClassPath(Path into) throws java.io.IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (!Files.isDirectory(dir)) {
                entries.add(entry);
                continue;
            }
            Path jar = into.resolve("cp" + n++ + ".jar");
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); var walk = Files.walk(dir)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            entries.add(jar.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String drain(BufferedReader r) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (String l = r.readLine(); l != null; l = r.readLine()) {
            b.append(l).append('\n');
        }
        return b.toString();
    }
}
