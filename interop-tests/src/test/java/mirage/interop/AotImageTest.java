package mirage.interop;

import static mirage.interop.Mirage.exec;
import static mirage.interop.Mirage.mirage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/hello linked with the {@code fast} profile: its image carries an AOT cache trained
 * by a run of hello's own boot path, its launcher boots with it, and {@code --aot=off} links
 * the same image without one (docs/decisions/0049). One image build per case.
 */
class AotImageTest {
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path work;

    static Path unikernel;
    static Path image;
    static String buildLog;

    @BeforeAll
    static void build() throws IOException {
        Mirage.markLibrariesBuilt();
        unikernel = Mirage.copyExample("hello", work.resolve("hello"));
        Mirage.Result r = mirage("build", unikernel.toString(), "-p", "fast");
        assertEquals(0, r.exit(), r.err());
        image = Path.of(r.lastOutLine());
        buildLog = r.err();
    }

    @Test
    void the_fast_image_carries_a_cache_trained_by_hellos_boot_and_boots_with_it() throws IOException {
        Path cache = image.resolve("lib/hello.aot");
        assertTrue(Files.size(cache) > 1_000_000, "the cache is in the image");
        assertTrue(buildLog.contains("training the AOT cache"), buildLog);
        assertTrue(buildLog.contains("trained by a run that ended by itself (exit 0)"),
                "examples/hello/aot-training.args (--count=2) lets the training end by itself: " + buildLog);
        assertTrue(Files.readString(image.resolve("bin/hello")).contains("-XX:AOTCache=$DIR/../lib/hello.aot"));
        Path log = work.resolve("aot.log");
        Mirage.Result r = exec(List.of(image.resolve("bin/hello").toString(), "--count=2", "--hello=hi"),
                Map.of("JDK_JAVA_OPTIONS", "-Xlog:aot=info:file=" + log), BOOT_LIMIT);
        assertEquals(0, r.exit(), r.err());
        assertEquals("hi\nhi\n", r.out(), "hello's output and nothing else");
        String aot = Files.readString(log);
        assertTrue(aot.contains("Using AOT-linked classes: true"), "the JVM used the cache: " + aot);
    }

    /**
     * The training run prepares the sandbox without installing it ({@code --sandbox=train},
     * docs/decisions/0059), so a sandboxed boot loads what the install needs (the sandbox's own
     * classes, the FFM linker, the JCE's policy reader the pre-read touches) from the cache, not
     * from {@code lib/modules}. Before 0059 the training ran with {@code --sandbox=off} and every
     * one of these came from {@code jrt:/}.
     */
    @Test
    void the_cache_holds_what_installing_the_sandbox_loads() throws IOException {
        Path log = work.resolve("class-load.log");
        Mirage.Result r = exec(List.of(image.resolve("bin/hello").toString(), "--count=1"),
                Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log), BOOT_LIMIT);
        assertEquals(0, r.exit(), r.err());
        assertEquals("hello\n", r.out());
        assertFalse(r.err().contains("sandbox off"), "booted sandboxed: " + r.err());
        String loads = Files.readString(log);
        for (String c : List.of("mirage.platform.solo5.internal.sandbox.Sandbox",
                "mirage.platform.solo5.internal.sandbox.Sandbox$Link", // the link thread's (0073)
                "mirage.platform.solo5.internal.sandbox.SyscallPolicy",
                "mirage.platform.solo5.internal.sandbox.SyscallPolicy$Rule",
                "mirage.platform.solo5.internal.sandbox.Bpf",
                "mirage.platform.solo5.internal.sandbox.Prewarm",
                "mirage.platform.solo5.internal.sandbox.Landlock",
                "java.lang.foreign.Linker",
                "jdk.internal.foreign.abi.DowncallLinker",
                "jdk.internal.foreign.abi.BindingSpecializer",
                "javax.crypto.JceSecurity")) {
            assertTrue(loads.contains(" " + c + " source: shared objects file"),
                    c + " is loaded from the AOT cache: " + lineOf(loads, " " + c + " source:"));
        }
    }

    private static String lineOf(String text, String part) {
        int at = text.indexOf(part);
        if (at < 0) {
            return "not loaded at all";
        }
        int start = text.lastIndexOf('\n', at) + 1;
        int end = text.indexOf('\n', at);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    @Test
    void a_cache_from_elsewhere_does_not_stop_hello() throws IOException {
        Path copy = work.resolve("foreign-cache");
        Mirage.copyTree(image, copy);
        byte[] cache = Files.readAllBytes(copy.resolve("lib/hello.aot"));
        Files.write(copy.resolve("lib/hello.aot"), java.util.Arrays.copyOf(cache, cache.length / 3));
        Mirage.Result r = exec(List.of(copy.resolve("bin/hello").toString(), "--count=1"), BOOT_LIMIT);
        assertEquals(0, r.exit(), r.err());
        assertEquals("hello\n", r.out());
        assertTrue(r.err().contains("[aot]"), "the JVM says why on standard error: " + r.err());
    }

    /**
     * A second unikernel directory: --aot=off overrides the profile, and later commands keep both
     * (a later build or {@code ./mirage run} links with the same profile and choice).
     */
    @Test
    void aot_off_links_no_cache_and_is_remembered() throws IOException {
        Path other = Mirage.copyExample("hello", work.resolve("hello-off"));
        Mirage.Result r = mirage("build", other.toString(), "-p", "fast", "--aot=off");
        assertEquals(0, r.exit(), r.err());
        Path off = Path.of(r.lastOutLine());
        assertFalse(Files.exists(off.resolve("lib/hello.aot")));
        assertFalse(Files.readString(off.resolve("bin/hello")).contains("AOTCache"));
        assertEquals("off", Files.readString(other.resolve("_build/aot-choice")).strip());
        assertEquals(0, mirage("configure", other.toString()).exit());
        assertEquals("off", Files.readString(other.resolve("_build/aot-choice")).strip(), "configure keeps the choice");
        assertEquals("fast", Files.readString(other.resolve("_build/profile")).strip(), "configure keeps the profile");
        assertEquals(new Mirage.Result(0, "hello\n", ""), exec(List.of(off.resolve("bin/hello").toString(), "--count=1"), BOOT_LIMIT));
    }

    @Test
    void the_debug_profile_links_the_jdwp_agent_and_jfr_and_the_agent_listens() throws IOException {
        Path debug = Mirage.copyExample("hello", work.resolve("hello-debug"));
        Mirage.Result built = mirage("build", debug.toString(), "-p", "debug");
        assertEquals(0, built.exit(), built.err());
        Path dbgImage = Path.of(built.lastOutLine());
        Mirage.Result modules = exec(List.of(dbgImage.resolve("bin/java").toString(), "--list-modules"), Map.of(), BOOT_LIMIT);
        assertTrue(modules.out().contains("jdk.jdwp.agent@") && modules.out().contains("jdk.jfr@"), modules.out());
        // the agent opens a listening socket, which the sandbox refuses: debugging is --sandbox=off (0057)
        Mirage.Result r = exec(List.of(dbgImage.resolve("bin/hello").toString(), "--count=1", "--sandbox=off"),
                Map.of("JDK_JAVA_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0"),
                BOOT_LIMIT);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Listening for transport dt_socket at address: "), r.out());
        assertTrue(r.out().endsWith("hello\n"), r.out());
    }
}
