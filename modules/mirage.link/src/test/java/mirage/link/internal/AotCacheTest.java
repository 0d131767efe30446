package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training and launcher on a small image (java.base and one module with two
 * programs): a boot that ends by itself, one that waits for the world forever, a cache the
 * launcher uses, and a damaged cache that does not stop the program (docs/decisions/0049).
 */
class AotCacheTest {
    /** A stall guard for one launch, ten times what it takes on a loaded machine. */
    private static final long LAUNCH_LIMIT_SECONDS = 60;

    @TempDir
    static Path work;

    static Path image;

    @BeforeAll
    static void linkImage() throws Exception {
        Path src = work.resolve("src");
        Files.createDirectories(src.resolve("train"));
        Files.writeString(src.resolve("module-info.java"), "module train {}\n");
        Files.writeString(src.resolve("train/Once.java"), """
                package train;
                public final class Once {
                    public static void main(String[] args) {
                        StringBuilder b = new StringBuilder("once");
                        for (String a : args) {
                            b.append(' ').append(a);
                        }
                        System.out.println(b);
                    }
                }
                """);
        Files.writeString(src.resolve("train/Http.java"), """
                package train;
                import java.net.ServerSocket;
                import java.net.Socket;
                import java.nio.charset.StandardCharsets;
                /** Answers GET on the port in args[0] with "HTTP/1.1 200" and a count, until killed. */
                public final class Http {
                    public static void main(String[] args) throws Exception {
                        int answered = 0;
                        try (ServerSocket server = new ServerSocket(Integer.parseInt(args[0]))) {
                            while (true) {
                                try (Socket s = server.accept()) {
                                    byte[] head = new byte[4096];
                                    int n = s.getInputStream().read(head);
                                    if (n > 0 && new String(head, 0, n, StandardCharsets.US_ASCII).startsWith("GET /t ")) {
                                        answered++;
                                        System.out.println("answered " + answered);
                                        s.getOutputStream().write(("HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n")
                                                .getBytes(StandardCharsets.US_ASCII));
                                    }
                                }
                            }
                        }
                    }
                }
                """);
        Files.writeString(src.resolve("train/Serve.java"), """
                package train;
                public final class Serve {
                    public static void main(String[] args) throws Exception {
                        System.out.println("ready");
                        Thread.sleep(Long.MAX_VALUE);
                    }
                }
                """);
        Path classes = work.resolve("classes");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "25", "-d", classes.toString(),
                src.resolve("module-info.java").toString(), src.resolve("train/Once.java").toString(),
                src.resolve("train/Serve.java").toString(), src.resolve("train/Http.java").toString());
        assertEquals(0, rc, "the module compiles");
        image = work.resolve("image");
        LinkTool.jlink(List.of("--module-path", classes.toString(), "--add-modules", "train", "--output", image.toString(),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--add-options=-XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
    }

    private static Optional<Path> train(String main, List<String> args, String name, ByteArrayOutputStream log)
            throws LinkException {
        return train(main, List.of(), args, name, log);
    }

    private static Optional<Path> train(String main, List<String> jvmOptions, List<String> args, String name,
            ByteArrayOutputStream log) throws LinkException {
        return train(main, jvmOptions, args, List.of(), name, log);
    }

    private static Optional<Path> train(String main, List<String> jvmOptions, List<String> args, List<URI> requests,
            String name, ByteArrayOutputStream log) throws LinkException {
        Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false);
        return AotCache.train(image, main, jvmOptions, args, requests, work.resolve("aot-" + name),
                image.resolve("lib/" + name + ".aot"), progress);
    }

    /** Runs the image's launcher {@code bin/NAME}; stdout, stderr and the exit status. */
    private static List<String> launch(String name, String jdkJavaOptions) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(image.resolve("bin/" + name).toString(), "a", "b");
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        if (jdkJavaOptions != null) {
            pb.environment().put("JDK_JAVA_OPTIONS", jdkJavaOptions);
        }
        Process p = pb.start();
        assertTrue(p.waitFor(LAUNCH_LIMIT_SECONDS, TimeUnit.SECONDS), "the launcher ends");
        return List.of(Files.readString(out), Files.readString(err), Integer.toString(p.exitValue()));
    }

    @Test
    void a_boot_that_ends_by_itself_trains_a_cache_the_launcher_uses() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Optional<Path> cache = train("train/train.Once", List.of("x"), "once", log);
        assertTrue(cache.isPresent(), "a cache was made: " + log);
        assertTrue(Files.size(cache.get()) > 1_000_000, "the cache holds the boot's classes");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("trained by a run that ended by itself (exit 0)"), log.toString());
        assertEquals("once x\n", Files.readString(work.resolve("aot-once/training.log")).lines()
                .filter(l -> l.startsWith("once")).findFirst().orElse("") + "\n", "the training ran the program with its arguments");

        AotCache.writeLauncher(image, "once", "train/train.Once", Optional.of("once.aot"));
        String launcher = Files.readString(image.resolve("bin/once"));
        assertTrue(launcher.contains("\"-XX:AOTCache=$DIR/../lib/once.aot\""), launcher);
        Path aotLog = work.resolve("once-aot.log");
        List<String> r = launch("once", "-Xlog:aot=info:file=" + aotLog);
        assertEquals("once a b\n", r.get(0));
        assertEquals("0", r.get(2));
        String used = Files.readString(aotLog);
        assertTrue(used.contains("Using AOT-linked classes: true"), "the JVM used the cache: " + used);
    }

    @Test
    void a_boot_that_waits_for_the_world_is_ended_once_idle_and_still_trains_a_cache() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Optional<Path> cache = train("train/train.Serve", List.of(), "serve", log);
        assertTrue(cache.isPresent(), "a cache was made: " + log);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("was ended once idle"), log.toString());
    }

    @Test
    void a_server_answers_its_training_requests_before_it_counts_as_idle() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // free now; the training's server binds it a moment later
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Optional<Path> cache = train("train/train.Http", List.of(), List.of(Integer.toString(port)),
                List.of(URI.create("http://127.0.0.1:" + port + "/t")), "http", log);
        assertTrue(cache.isPresent(), "a cache was made: " + log);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("was ended once idle, having answered 1 of 1 training requests"),
                log.toString());
        assertTrue(Files.readString(work.resolve("aot-http/training.log")).contains("answered 1"),
                "the server saw the request");
    }

    @Test
    void a_training_request_that_is_never_answered_does_not_stop_the_training_forever() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // closed: nothing listens there during the training
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Optional<Path> cache = train("train/train.Serve", List.of(), List.of(),
                List.of(URI.create("http://127.0.0.1:" + port + "/")), "unanswered", log);
        assertTrue(cache.isPresent(), "a cache was made: " + log);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("was ended once idle, having answered 0 of 1 training requests"),
                log.toString());
    }

    @Test
    void training_requests_are_read_one_a_line_and_a_line_that_is_no_http_url_is_named() throws Exception {
        Path file = work.resolve("requests");
        Files.writeString(file, "# first request\nhttp://127.0.0.1:8080/\n\n  http://localhost/a/b  \n");
        assertEquals(List.of(URI.create("http://127.0.0.1:8080/"), URI.create("http://localhost/a/b")),
                AotCache.trainingRequests(file));
        assertEquals(List.of(), AotCache.trainingRequests(work.resolve("absent")));
        for (String bad : List.of("https://127.0.0.1/", "127.0.0.1:8080", "http://[::1/", "http://h/?q=1", "ftp://h/")) {
            Files.writeString(file, "http://127.0.0.1/\n" + bad + "\n");
            LinkException e = assertThrows(LinkException.class, () -> AotCache.trainingRequests(file));
            assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void a_damaged_cache_does_not_stop_the_program_and_stays_out_of_its_output() throws Exception {
        Path damaged = image.resolve("lib/damaged.aot");
        Files.write(damaged, "not an AOT cache, just bytes".repeat(100).getBytes(StandardCharsets.US_ASCII));
        AotCache.writeLauncher(image, "damaged", "train/train.Once", Optional.of("damaged.aot"));
        List<String> r = launch("damaged", null);
        assertEquals("once a b\n", r.get(0), "the program's output only");
        assertEquals("0", r.get(2));
        assertTrue(r.get(1).contains("[aot]"), "the JVM says on standard error why it skipped the cache: " + r.get(1));
    }

    @Test
    void a_jvm_that_cannot_start_makes_no_cache_and_the_build_says_so() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Optional<Path> cache = train("train/train.Once", List.of("-XX:+NoSuchOptionHere"), List.of(), "missing", log);
        assertFalse(cache.isPresent());
        assertFalse(Files.exists(image.resolve("lib/missing.aot")));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("no AOT cache"), log.toString());
    }

    @Test
    void training_arguments_are_read_one_a_line_skipping_comments() throws IOException, LinkException {
        Path file = work.resolve("args");
        Files.writeString(file, "# for the training run\n--port-offset=40000\n\n  --count=1  \n");
        assertEquals(List.of("--port-offset=40000", "--count=1"), AotCache.trainingArgs(file));
        assertEquals(List.of(), AotCache.trainingArgs(work.resolve("absent")));
    }

    @Test
    void the_launcher_without_a_cache_names_none() throws Exception {
        AotCache.writeLauncher(image, "plain", "train/train.Once", Optional.empty());
        assertFalse(Files.readString(image.resolve("bin/plain")).contains("AOTCache"));
        assertEquals(List.of("once a b\n", "", "0"), launch("plain", null));
    }

    /**
     * The launcher finds its directory without dirname(1) (docs/decisions/0082): it starts the
     * image's JVM whether it is run by an absolute path, by a path relative to the working
     * directory, or by its bare name from its own directory ({@code sh NAME}, where {@code $0}
     * has no slash).
     */
    @Test
    void the_launcher_finds_its_image_however_it_is_named() throws Exception {
        AotCache.writeLauncher(image, "named", "train/train.Once", Optional.empty());
        assertFalse(Files.readString(image.resolve("bin/named")).contains("dirname"), "no dirname process");
        List<List<String>> ways = List.of(
                List.of(image.resolve("bin/named").toString()),
                List.of("bin/named"),
                List.of("./bin/../bin/named"));
        for (List<String> way : ways) {
            assertEquals("once a b\n", run(way, image), way.toString());
        }
        assertEquals("once a b\n", run(List.of("sh", "named"), image.resolve("bin")), "sh named, from bin/");
    }

    /** Runs {@code command} with the arguments {@code a b} in {@code dir}; its standard output, once it has ended with 0. */
    private static String run(List<String> command, Path dir) throws Exception {
        List<String> c = new ArrayList<>(command);
        c.addAll(List.of("a", "b"));
        Path out = work.resolve("named.out");
        Process p = new ProcessBuilder(c).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(LAUNCH_LIMIT_SECONDS, TimeUnit.SECONDS), "the launcher ends");
        assertEquals(0, p.exitValue(), command.toString());
        return Files.readString(out);
    }

    /** The debug profile links the JDWP agent and JFR, and a debugger attaches to its image. */
    @Test
    void an_image_of_the_debug_profile_takes_a_debugger() throws Exception {
        Profile debug = Profile.builtIn("debug");
        assertTrue(debug.modules().contains("jdk.jdwp.agent"), debug.modules().toString());
        Path classes = work.resolve("classes");
        Path debugImage = work.resolve("debug-image");
        List<String> args = new ArrayList<>(List.of("--module-path", classes.toString(), "--add-modules",
                String.join(",", List.of("train", String.join(",", debug.modules()))), "--output", debugImage.toString()));
        args.addAll(debug.jlinkOptions());
        LinkTool.jlink(args);
        Jdwp.assertAttaches(debugImage.resolve("bin/java"), "train/train.Once", "once");
    }
}
