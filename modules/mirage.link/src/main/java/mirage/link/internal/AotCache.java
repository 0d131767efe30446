package mirage.link.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A per-image AOT cache (JDK 25, JEP 483/514/515), trained at build time by a run of the
 * unikernel's own boot path from the linked image (docs/decisions/0049).
 *
 * <p><b>Training</b> is two JVM runs of the image's own {@code bin/java}. The first,
 * {@code -XX:AOTMode=record}, boots the unikernel with its training arguments
 * ({@value #TRAINING_ARGS} in the unikernel's directory, one a line; none if absent). It ends
 * by itself when the unikernel's start returns or fails, or it is ended with {@code SIGTERM}
 * (on which the JVM still writes its AOT configuration) once it is <em>idle</em>: its process
 * used less than {@link #IDLE_CPU} of CPU time over {@link #IDLE_WINDOW} of wall time, that is,
 * it has booted and waits for the world. A unikernel that serves HTTP can name requests for
 * the run to answer first ({@value #TRAINING_REQUESTS}, one {@code http://HOST:PORT/PATH} a
 * line): the tool sends each {@code GET}, again every 100 ms until it is answered (the port may
 * not be open yet), and judges idleness only after all are answered or {@link #REQUEST_PATIENCE} has
 * passed, so that the cache holds the first request's classes too (docs/decisions/0065).
 * {@link #MAX_TRAINING} bounds the run in any case,
 * and a JVM that does not end {@link #MAX_EXIT} after {@code SIGTERM} is killed: training
 * never hangs a build. The second, {@code -XX:AOTMode=create}, turns the configuration into
 * the cache.
 *
 * <p>The training run compiles at the JVM's default thresholds and notice frequency
 * ({@link #TRAINING_THRESHOLDS}, after the image's own options): a booted image compiles the
 * methods its training compiled once the interpreter reports their calls (JDK 25's training
 * data), so a profile that raises its thresholds or reports less often for start-up (fast,
 * docs/decisions/0080 and 0082) must not shrink that record too. Trained at its own doubled
 * thresholds, echo's first answer took more CPU than with no change at all.
 *
 * <p>A training that yields no cache does not fail the build: the image is linked without one
 * and the build says why. A cache the JVM refuses at run time (changed JDK, other CPU, damaged
 * file) does not stop the unikernel either: the launcher leaves {@code -XX:AOTMode} at its
 * default ({@code auto}), on which the JVM goes on without it and says so on standard error.
 *
 * <p>Not thread-safe; one build at a time per image directory.
 */
public final class AotCache {
    /** The file of training boot arguments in a unikernel's directory, one argument a line. */
    public static final String TRAINING_ARGS = "aot-training.args";
    /** The file of requests the training run answers before it may count as idle, one URL a line. */
    public static final String TRAINING_REQUESTS = "aot-training.requests";
    /** How long the training tries its requests before it judges idleness without them. */
    static final Duration REQUEST_PATIENCE = Duration.ofSeconds(20);
    /** A training request's connect and read bound. */
    static final int REQUEST_TIMEOUT_MS = 5000;
    /** Less CPU time than this over {@link #IDLE_WINDOW} counts as idle. */
    static final Duration IDLE_CPU = Duration.ofMillis(20);
    /** The wall-time window over which idleness is judged. */
    static final Duration IDLE_WINDOW = Duration.ofMillis(1000);
    /**
     * The training run's compile thresholds and the interpreter's notice frequency: the JVM's
     * defaults, whatever the image's profile says (fast: 0080, 0082).
     */
    static final List<String> TRAINING_THRESHOLDS = List.of("-XX:CompileThresholdScaling=1", "-XX:Tier0InvokeNotifyFreqLog=7");
    /** The longest a training run may take before it is ended anyway. */
    static final Duration MAX_TRAINING = Duration.ofSeconds(120);
    /** How long a JVM may take to write its configuration and exit after {@code SIGTERM}. */
    static final Duration MAX_EXIT = Duration.ofSeconds(120);
    /** How long making the cache from the configuration may take. */
    static final Duration MAX_CREATE = Duration.ofSeconds(300);
    /**
     * The JVM options the launcher puts in front of {@code -XX:AOTCache}: the JVM's own lines
     * about the cache (a refused cache) go to standard error, never into the unikernel's output.
     */
    public static final List<String> QUIET_OPTIONS = List.of("-Xlog:aot*=off", "-Xlog:aot*=warning:stderr");

    private AotCache() {}

    /** How a training run ended. */
    enum End {
        /** The unikernel's boot ended by itself (start returned or failed). */
        EXITED,
        /** It was idle and was asked to end ({@code SIGTERM}). */
        IDLE,
        /** It ran for {@link #MAX_TRAINING} and was asked to end. */
        BOUNDED
    }

    /**
     * Trains a cache for {@code image} and writes it to {@code cache}.
     *
     * @param image a jlink image with {@code bin/java} and the unikernel's module
     * @param mainModule {@code MODULE/CLASS}, as given to {@code -m}
     * @param jvmOptions options for both runs beyond the image's own (e.g. {@code -XX:UseAVX=0}
     *     to train for a guest CPU with fewer features than this host's)
     * @param bootArgs the unikernel's boot arguments for the training run
     * @param requests HTTP requests the run answers before it may count as idle ({@link #trainingRequests})
     * @param work a directory for the configuration and the runs' output (created)
     * @param cache where the cache goes
     * @return the cache, or empty (with one progress line saying why) when training made none
     * @throws LinkException when {@code work} cannot be written
     */
    public static Optional<Path> train(Path image, String mainModule, List<String> jvmOptions, List<String> bootArgs,
            List<URI> requests, Path work, Path cache, Progress progress) throws LinkException {
        Path java = image.resolve("bin").resolve("java");
        Path config = work.resolve("training.aotconf");
        Path recordLog = work.resolve("training.log");
        Path createLog = work.resolve("create.log");
        try {
            Files.createDirectories(work);
            Files.deleteIfExists(config);
            Files.deleteIfExists(cache);
        } catch (IOException e) {
            throw new LinkException("cannot prepare " + work + " for the AOT training: " + e.getMessage(), e);
        }
        List<String> record = new ArrayList<>();
        record.add(java.toString());
        record.addAll(jvmOptions);
        record.addAll(TRAINING_THRESHOLDS);
        record.addAll(List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + config, "-m", mainModule));
        record.addAll(bootArgs);
        Ran end;
        try {
            end = runTraining(record, requests, recordLog);
        } catch (IOException e) {
            progress.detail("no AOT cache: the training run did not start: " + e.getMessage());
            return Optional.empty();
        }
        if (!Files.isRegularFile(config)) {
            progress.detail("no AOT cache: the training run (" + describe(end) + ") wrote no AOT configuration; see " + recordLog);
            return Optional.empty();
        }
        List<String> create = new ArrayList<>();
        create.add(java.toString());
        create.addAll(jvmOptions);
        create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + cache,
                "-m", mainModule));
        try {
            int rc = runToEnd(create, createLog, MAX_CREATE);
            if (rc != 0 || !Files.isRegularFile(cache)) {
                progress.detail("no AOT cache: making it from the training failed (exit " + rc + "); see " + createLog);
                Files.deleteIfExists(cache);
                return Optional.empty();
            }
            Files.deleteIfExists(config);
            progress.detail(String.format(Locale.ROOT, "AOT cache %s: %,d KiB, trained by a run that %s",
                    cache.getFileName(), (Files.size(cache) + 512) / 1024, describe(end)));
        } catch (IOException e) {
            progress.detail("no AOT cache: " + e.getMessage());
            return Optional.empty();
        }
        return Optional.of(cache);
    }

    private static String describe(Ran ran) {
        String end = switch (ran.end()) {
            case EXITED -> "ended by itself (exit " + ran.exit() + ")";
            case IDLE -> "was ended once idle";
            case BOUNDED -> "was ended after " + MAX_TRAINING.toSeconds() + " s";
        };
        return ran.requests() == 0 ? end : end + ", having answered " + ran.answered() + " of " + ran.requests()
                + " training requests";
    }

    /**
     * Runs a training JVM until it ends by itself, is idle, or has run {@link #MAX_TRAINING};
     * in the last two cases ends it ({@code SIGTERM}, then {@code SIGKILL} after {@link #MAX_EXIT}).
     */
    /** A training run's end, its exit status, and how many of its requests were answered. */
    record Ran(End end, int exit, int requests, int answered) {}

    static Ran runTraining(List<String> command, List<URI> requests, Path log) throws IOException {
        Process p = start(command, log);
        ProcessHandle handle = p.toHandle();
        long started = System.nanoTime();
        long windowStart = started;
        Duration windowCpu = cpu(handle);
        List<URI> pending = new ArrayList<>(requests);
        End end = End.BOUNDED;
        try {
            while (true) {
                if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                    return new Ran(End.EXITED, p.exitValue(), requests.size(), requests.size() - pending.size());
                }
                long now = System.nanoTime();
                if (now - started > MAX_TRAINING.toNanos()) {
                    break;
                }
                if (!pending.isEmpty() && answered(pending.getFirst())) {
                    pending.removeFirst();
                    windowStart = System.nanoTime(); // idleness is judged from the last answer on
                    windowCpu = cpu(handle);
                    continue;
                }
                boolean waiting = !pending.isEmpty() && now - started < REQUEST_PATIENCE.toNanos();
                if (now - windowStart >= IDLE_WINDOW.toNanos()) {
                    Duration cpu = cpu(handle);
                    if (!waiting && cpu.minus(windowCpu).compareTo(IDLE_CPU) < 0) {
                        end = End.IDLE;
                        break;
                    }
                    windowCpu = cpu;
                    windowStart = now;
                }
            }
            p.destroy(); // SIGTERM: the JVM runs its exit path and writes the AOT configuration
            if (!p.waitFor(MAX_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
            return new Ran(end, p.exitValue(), requests.size(), requests.size() - pending.size());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while training", e);
        }
    }

    /**
     * Sends {@code GET} for {@code request} ({@code http://HOST:PORT/PATH}) with
     * {@code Connection: close} and reads the answer to its end.
     *
     * @return whether an HTTP answer came (false while the port is closed, or on any I/O failure)
     */
    static boolean answered(URI request) {
        int port = request.getPort() < 0 ? 80 : request.getPort();
        String path = request.getRawPath() == null || request.getRawPath().isEmpty() ? "/" : request.getRawPath();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(request.getHost(), port), REQUEST_TIMEOUT_MS);
            socket.setSoTimeout(REQUEST_TIMEOUT_MS);
            String head = "GET " + path + " HTTP/1.1\r\nHost: " + request.getHost() + ":" + port
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            byte[] answer = socket.getInputStream().readAllBytes();
            return answer.length >= 5 && new String(answer, 0, 5, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException e) {
            return false; // not listening yet, or reset: tried again on the next round
        }
    }

    /**
     * The training requests in {@code file}: one {@code http://HOST:PORT/PATH} a line, blank
     * lines and {@code #} lines skipped; none if absent.
     *
     * @throws LinkException if the file cannot be read or a line is no such URL (naming the line)
     */
    public static List<URI> trainingRequests(Path file) throws LinkException {
        return trainingRequests(file.toString(), lines(file));
    }

    /**
     * The training requests in {@code lines} of the file {@code name}, as {@link #trainingRequests(Path)}.
     *
     * @throws LinkException naming {@code name} and the line, if a line is no {@code http://HOST:PORT/PATH}
     */
    static List<URI> trainingRequests(String name, List<String> lines) throws LinkException {
        List<URI> requests = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            String r = line.strip();
            if (r.isEmpty() || r.startsWith("#")) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(r);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || !"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new LinkException(name + " line " + number + ": '" + r
                        + "' is no training request: one http://HOST:PORT/PATH a line");
            }
            requests.add(uri);
        }
        return requests;
    }

    private static List<String> lines(Path file) throws LinkException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LinkException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The CPU time the process has used so far (zero where the system does not say). */
    private static Duration cpu(ProcessHandle handle) {
        return handle.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static int runToEnd(List<String> command, Path log, Duration bound) throws IOException {
        Process p = start(command, log);
        try {
            if (!p.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new IOException(command.get(0) + " did not finish within " + bound.toSeconds() + " s; see " + log);
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** The training arguments in {@code file}: one a line, blank lines and {@code #} lines skipped; none if absent. */
    public static List<String> trainingArgs(Path file) throws LinkException {
        List<String> args = new ArrayList<>();
        for (String line : lines(file)) {
            String a = line.strip();
            if (!a.isEmpty() && !a.startsWith("#")) {
                args.add(a);
            }
        }
        return args;
    }

    /**
     * Writes the image's launcher {@code bin/NAME}, a POSIX shell script like the one jlink writes,
     * starting {@code mainModule} with the cache at {@code lib/CACHE} when {@code cache} is given.
     * Unlike jlink's, it finds its directory without running {@code dirname} (docs/decisions/0082):
     * the part of {@code $0} before its last {@code /}, or {@code .} when {@code $0} has none.
     */
    public static void writeLauncher(Path image, String name, String mainModule, Optional<String> cache) throws LinkException {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("JLINK_VM_OPTIONS=\n");
        // the launcher's own directory by the shell's parameter expansion: jlink's launcher runs
        // dirname(1) for it, a fork and exec of its own, ~1.4 ms before the JVM starts (0082)
        s.append("case $0 in */*) DIR=${0%/*} ;; *) DIR=. ;; esac\n");
        s.append("\"$DIR/java\" $JLINK_VM_OPTIONS");
        if (cache.isPresent()) {
            // a cache the JVM cannot use (another JDK, CPU or a damaged file) is skipped: AOTMode stays auto
            for (String o : QUIET_OPTIONS) {
                s.append(' ').append(o);
            }
            s.append(" \"-XX:AOTCache=$DIR/../lib/").append(cache.get()).append('"');
        }
        s.append(" -m ").append(mainModule).append(" \"$@\"\n");
        Path launcher = image.resolve("bin").resolve(name);
        try {
            Files.writeString(launcher, s.toString(), StandardCharsets.UTF_8);
            launcher.toFile().setExecutable(true, false);
        } catch (IOException e) {
            throw new LinkException("cannot write the launcher " + launcher + ": " + e.getMessage(), e);
        }
    }
}
