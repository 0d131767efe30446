package mirage.platform.xen;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real programs as test peers: run them, and install the Debian package that has them when
 * missing (as root, as CI runs; other users skip the test).
 */
public final class HostTools {
    private HostTools() {}

    /** What a finished program left. */
    public record Result(int exit, String out, String err) {}

    /** Makes {@code command} available, installing {@code pkg} with apt-get if missing and root. */
    public static synchronized void require(String command, String pkg) {
        if (onPath(command)) {
            return;
        }
        assumeTrue(isRoot(), command + " (Debian " + pkg + ") is not installed and installing it needs root");
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        Result r = run(List.of("apt-get", "install", "-y", "--no-install-recommends", pkg), env, Duration.ofMinutes(10));
        if (r.exit() != 0) {
            run(List.of("apt-get", "update"), env, Duration.ofMinutes(10));
            r = run(List.of("apt-get", "install", "-y", "--no-install-recommends", pkg), env, Duration.ofMinutes(10));
        }
        if (r.exit() != 0 || !onPath(command)) {
            throw new AssertionError("cannot install " + pkg + " for " + command + ": " + r.err());
        }
    }

    public static boolean isRoot() {
        return run(List.of("id", "-u"), Map.of(), Duration.ofSeconds(10)).out().strip().equals("0");
    }

    static boolean onPath(String command) {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a program to completion (bounded by {@code limit}, far above what it needs). */
    public static Result run(List<String> command, Map<String, String> env, Duration limit) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish within " + limit + ": " + command);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts a program in the background; output to {@code log}. */
    public static Process start(List<String> command, Map<String, String> env, Path log) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code file} contains {@code text} (bounded), for a background program. */
    public static void awaitText(Path file, String text, Process owner, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try {
                if (Files.exists(file) && Files.readString(file).contains(text)) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (owner != null && !owner.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        try {
            throw new AssertionError("'" + text + "' not seen within " + limit + ": " + (Files.exists(file) ? Files.readString(file) : ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The arguments as a list. */
    public static List<String> args(String... a) {
        return new ArrayList<>(List.of(a));
    }
}
