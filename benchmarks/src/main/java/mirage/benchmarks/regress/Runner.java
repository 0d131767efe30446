package mirage.benchmarks.regress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the measurements as child processes: JMH from a benchmarks jar (writing its JSON into
 * the output folder) and whole-process scripts (reading their last {@code RESULT} line). Their
 * output goes to {@code run.log} in the output folder. Not thread-safe; one run at a time.
 */
final class Runner {

    /** A child that ended badly; the message names it and the log. */
    static final class RunFailed extends IOException {
        private static final long serialVersionUID = 1L;

        RunFailed(String message) {
            super(message);
        }
    }

    private final Path outDir;
    private final Path log;
    private final PrintStream err;

    Runner(Path outDir, PrintStream err) {
        this.outDir = outDir;
        this.log = outDir.resolve("run.log");
        this.err = err;
    }

    /** The 1, 5 and 15-minute load averages from /proc/loadavg, or "unknown". */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    /** How long {@link #jmh} waits for another JMH run's lock ({@code /tmp/jmh.lock}) before giving up. */
    static final int LOCK_WAITS = 120;
    static final long LOCK_WAIT_MILLIS = 5_000;

    /**
     * One JMH invocation of {@code run} from {@code jar}; its rows. JMH refuses to start while
     * another JMH run on the machine holds its lock: then this waits ({@value #LOCK_WAITS} x
     * 5 s at most) rather than measuring alongside it.
     */
    List<JmhResult> jmh(Path jar, Suite.JmhRun run, List<String> options, List<String> extra, String tag)
            throws IOException, InterruptedException {
        Path json = outDir.resolve(tag + "-" + run.method() + ".json");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(run.arguments());
        cmd.addAll(options);
        cmd.addAll(extra);
        cmd.addAll(List.of("-rf", "json", "-rff", json.toString()));
        for (int attempt = 0; ; attempt++) {
            Files.deleteIfExists(json);
            Path output = Files.createTempFile(outDir, "jmh", ".out");
            int status;
            String text;
            try {
                status = start(cmd, output, null, true);
                text = Files.readString(output);
            } finally {
                Files.deleteIfExists(output);
            }
            Files.writeString(log, text, StandardOpenOption.APPEND);
            if (status != 0 && text.contains("Unable to acquire the JMH lock") && attempt < LOCK_WAITS) {
                if (attempt == 0) {
                    err.println("regress: another JMH run holds /tmp/jmh.lock; waiting for it");
                }
                Thread.sleep(LOCK_WAIT_MILLIS);
                continue;
            }
            if (status != 0 || !Files.exists(json)) {
                throw new RunFailed("JMH exited with " + status + " for " + run.method() + "; see " + log);
            }
            return JmhResult.parseAll(Files.readString(json));
        }
    }

    /** A whole-process script (through bash, in {@code dir}); the key=value pairs of its last RESULT line. Its standard error goes to the log. */
    Map<String, String> process(Path dir, String command) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(outDir, "process", ".out");
        try {
            int status = start(List.of("bash", "-c", command), stdout, dir, false);
            String text = Files.readString(stdout);
            Files.writeString(log, text, StandardOpenOption.APPEND);
            if (status != 0) {
                throw new RunFailed("'" + command + "' exited with " + status + "; see " + log);
            }
            return resultLine(text);
        } finally {
            Files.deleteIfExists(stdout);
        }
    }

    /** The key=value pairs of the last line starting "RESULT " (empty if there is none). */
    static Map<String, String> resultLine(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("RESULT ")) {
                last = line;
            }
        }
        if (last != null) {
            for (String pair : last.substring(7).strip().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return values;
    }

    /** Runs {@code cmd} in {@code dir} (null: here), standard output into {@code stdout}, standard error there too or into the log. */
    private int start(List<String> cmd, Path stdout, Path dir, boolean errorToo) throws IOException, InterruptedException {
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.redirectOutput(stdout.toFile());
        if (errorToo) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process p = pb.start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            err.println("regress: interrupted; stopped " + cmd.getFirst());
            throw e;
        }
    }
}
