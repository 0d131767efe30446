package mirage.gitstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Test support: a settable clock, both backends, and C git. */
final class Fixtures {
    private Fixtures() {}

    static final Author ALICE = new Author("Alice", "alice@example.org");
    static final Author BOB = new Author("Bob", "bob@example.org");

    /** A wall clock that advances one second per reading, from 2026-01-01. */
    static InstantSource ticking() {
        AtomicLong s = new AtomicLong(1_767_225_600L);
        return () -> Instant.ofEpochSecond(s.getAndIncrement());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static CommitInfo info(String message) {
        return CommitInfo.of(ALICE, message);
    }

    static boolean gitInstalled() {
        try {
            return new ProcessBuilder("git", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs C git in {@code dir}; its output, or an AssertionError with it on a non-zero status. */
    static String git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.add("--git-dir=" + dir);
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("git " + args[0] + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code git fsck --full --strict} must report nothing wrong (notices, e.g. of an unborn HEAD, are fine). */
    static void fsck(Path dir) {
        String out = git(dir, "fsck", "--full", "--strict", "--no-dangling");
        String problems = out.lines().filter(l -> !l.startsWith("notice:")).collect(java.util.stream.Collectors.joining("\n"));
        if (!problems.isBlank()) {
            throw new AssertionError("git fsck reported:\n" + out);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(x);
                }
            }
        }
    }
}
