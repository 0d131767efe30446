package mirage.maven;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * mirage.link's command ({@code mirage.link.internal.Cli}, the one {@code ./mirage} runs) in a
 * JDK 25 process of its own: the Maven that runs the plugin may run on an older JDK, and the
 * link needs {@code jdk.jlink}'s internals exported to it, which only a fresh JVM's command line
 * grants.
 *
 * <p>Not thread-safe; one instance per goal execution.
 */
final class LinkTool {
    /** The JDK release the link tool is compiled for and links images from. */
    static final int JDK = 25;
    static final String MAIN = "mirage.link/mirage.link.internal.Cli";

    /** What the command printed and how it ended. */
    record Result(int exit, List<String> out, List<String> err) {
        /** The command's own message on failure ({@code mirage: ...}), or its last line. */
        String message() {
            for (int i = err.size() - 1; i >= 0; i--) {
                if (err.get(i).startsWith("mirage: ")) {
                    return err.get(i);
                }
            }
            return err.isEmpty() ? "mirage: the link tool exited with status " + exit : err.get(err.size() - 1);
        }
    }

    private final Path javaHome;
    private final List<Path> toolPath;

    /**
     * @param javaHome a JDK 25 or newer (checked by {@link #checkJdk})
     * @param toolPath the jars of mirage.link and mirage.core the tool runs from
     */
    LinkTool(Path javaHome, List<Path> toolPath) {
        this.javaHome = javaHome;
        this.toolPath = List.copyOf(toolPath);
    }

    /**
     * The JDK's feature release from its {@code release} file, or why it cannot serve.
     *
     * @return empty when {@code javaHome} is a JDK {@value #JDK} or newer with jlink, else the
     *     message saying what is wrong
     */
    static Optional<String> checkJdk(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(javaHome.resolve("bin").resolve("java"))) {
            return Optional.of("mirage: " + javaHome + " is not a JDK (no release file or bin/java): set mirage.javaHome"
                    + " or a jdk toolchain to a JDK " + JDK + " or newer");
        }
        if (!Files.isDirectory(javaHome.resolve("jmods")) && !Files.isRegularFile(javaHome.resolve("bin").resolve("jlink"))) {
            return Optional.of("mirage: " + javaHome + " has no jlink: set mirage.javaHome to a full JDK " + JDK + " or newer");
        }
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String v = line.substring("JAVA_VERSION=\"".length());
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    if (end > 0 && Integer.parseInt(v.substring(0, end)) >= JDK) {
                        return Optional.empty();
                    }
                    return Optional.of("mirage: " + javaHome + " is JDK " + v.replace("\"", "") + "; the link needs JDK " + JDK
                            + " or newer: set mirage.javaHome or a jdk toolchain");
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.of("mirage: cannot read " + release + ": " + e.getMessage());
        }
        return Optional.of("mirage: " + release + " names no JAVA_VERSION: set mirage.javaHome to a JDK " + JDK + " or newer");
    }

    /** The command line that runs the tool with {@code args}. */
    List<String> commandLine(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("--add-exports");
        cmd.add("jdk.jlink/jdk.tools.jlink.plugin=mirage.link");
        cmd.add("--add-exports");
        cmd.add("jdk.jlink/jdk.tools.jlink.internal=mirage.link");
        // The JDK modules third-party libraries may require (java.sql for Bouncy Castle,
        // java.management for JGit...) must be in the tool's boot layer: as ./mirage does.
        cmd.add("--add-modules");
        cmd.add("java.se");
        cmd.add("-p");
        cmd.add(join(toolPath));
        cmd.add("-m");
        cmd.add(MAIN);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs the tool and waits for it; its lines go to {@code out} and {@code err} as they come.
     *
     * @throws IOException if the process cannot be started
     * @throws InterruptedException if interrupted while waiting (the process is destroyed)
     */
    Result run(List<String> args, Path workDir, Consumer<String> out, Consumer<String> err)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(commandLine(args)).directory(workDir.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        List<String> outLines = new ArrayList<>();
        List<String> errLines = new ArrayList<>();
        Thread errPump = new Thread(new Pump(p.getErrorStream(), errLines, err), "mirage-link-stderr");
        errPump.start();
        try {
            new Pump(p.getInputStream(), outLines, out).run();
            int exit = p.waitFor();
            errPump.join();
            synchronized (errLines) {
                return new Result(exit, List.copyOf(outLines), List.copyOf(errLines));
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    static String join(List<Path> paths) {
        StringBuilder b = new StringBuilder();
        for (Path p : paths) {
            if (b.length() > 0) {
                b.append(File.pathSeparatorChar);
            }
            b.append(p);
        }
        return b.toString();
    }

    /** Copies a stream's lines into a list and a consumer. */
    private static final class Pump implements Runnable {
        private final InputStream in;
        private final List<String> lines;
        private final Consumer<String> sink;

        Pump(InputStream in, List<String> lines, Consumer<String> sink) {
            this.in = in;
            this.lines = lines;
            this.sink = sink;
        }

        @Override
        public void run() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    sink.accept(line);
                }
            } catch (IOException e) {
                synchronized (lines) {
                    lines.add("mirage: lost the link tool's output: " + e.getMessage());
                }
            }
        }
    }
}
