package mirage.interop;

import static mirage.interop.Mirage.exec;
import static mirage.interop.Mirage.mirage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path for examples/hello: description, configure, generated boot class, jlink with
 * the mirage plugin, image, boot. Every image here is built by {@code ./mirage} and booted as a
 * process, never from a class path.
 */
class HelloImageTest {
    private static final Duration BOOT_LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path work;

    static Path unikernel;
    static Path image;

    @BeforeAll
    static void build() throws IOException {
        Mirage.markLibrariesBuilt();
        unikernel = Mirage.copyExample("hello", work.resolve("hello"));
        Mirage.Result r = mirage("build", unikernel.toString());
        assertEquals(0, r.exit(), r.err());
        image = Path.of(r.lastOutLine());
        assertEquals(unikernel.resolve("_build/image"), image, "build prints the image directory last");
        assertTrue(r.err().matches("(?s).*mirage: \\[\\d+\\] linking the image with jlink.*"),
                "build shows its progress: " + r.err());
    }

    private static Mirage.Result boot(Path image, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(image.resolve("bin/hello").toString()));
        command.addAll(List.of(args));
        return exec(command, BOOT_LIMIT);
    }

    @Test
    void the_image_prints_hello_count_times_and_exits_0() {
        Mirage.Result r = boot(image, "--count=2", "--hello=hi");
        assertEquals(new Mirage.Result(0, "hi\nhi\n", ""), r);
    }

    @Test
    void defaults_apply_and_the_two_element_form_is_accepted() {
        assertEquals(new Mirage.Result(0, "hello\n", ""), boot(image, "--count", "1"));
    }

    @Test
    void the_image_holds_only_java_base_core_time_the_platform_and_the_unikernel() {
        Mirage.Result r = exec(List.of(image.resolve("bin/java").toString(), "--list-modules"), BOOT_LIMIT);
        assertEquals(0, r.exit(), r.err());
        Set<String> modules = r.out().lines().map(l -> l.replaceFirst("@.*", "")).collect(Collectors.toSet());
        assertEquals(Set.of("java.base", "mirage.core", "mirage.time", "mirage.platform.solo5", "hello"), modules);
    }

    /**
     * The link removed what hello cannot reach (docs/decisions/0033): classes of java.base and of
     * the libraries, and the files only unused classes read; the report says so, per module.
     */
    @Test
    void the_image_lacks_what_hello_cannot_reach() throws IOException {
        for (String gone : List.of("bin/keytool", "lib/security/public_suffix_list.dat", "lib/security/blocked.certs")) {
            assertFalse(Files.exists(image.resolve(gone)), gone + " is read only by classes hello never uses");
        }
        for (String kept : List.of("lib/modules", "lib/server/libjvm.so", "lib/libjava.so", "bin/java", "bin/hello")) {
            assertTrue(Files.exists(image.resolve(kept)), kept);
        }
        List<String> report = Files.readAllLines(unikernel.resolve("_build/link-report.tsv"));
        assertEquals("module\tclassesBefore\tbytesBefore\tclassesAfter\tbytesAfter", report.getFirst());
        String[] base = report.stream().filter(l -> l.startsWith("java.base\t")).findFirst().orElseThrow().split("\t");
        assertTrue(Integer.parseInt(base[3]) < Integer.parseInt(base[1]) * 9 / 10,
                "java.base lost more than a tenth of its classes: " + String.join(" ", base));
        Mirage.Result listed = exec(List.of(image.resolve("bin/java").toString(), "--list-modules"), BOOT_LIMIT);
        assertEquals(0, listed.exit(), "the launcher's --list-modules still works: " + listed.err());
    }

    @Test
    void an_unknown_argument_stops_boot_with_one_line_and_status_64() {
        assertEquals(new Mirage.Result(64, "", "hello: unknown argument --foo\n"), boot(image, "--count=1", "--foo=1"));
    }

    @Test
    void a_malformed_argument_stops_boot_with_one_line_naming_it_and_status_64() {
        Mirage.Result r = boot(image, "--count=many");
        assertEquals(64, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("hello: malformed value for --count: 'many' is not an integer"), r.err());
    }

    @Test
    void a_device_binding_the_manifest_lacks_stops_boot_with_status_64() {
        Mirage.Result r = boot(image, "--net:service=tap0", "--count=1");
        assertEquals(64, r.exit());
        assertEquals(List.of("hello: unknown device 'service' in --net:service: this unikernel has no devices"), r.errLines());
    }

    @Test
    void help_prints_the_runtime_arguments_and_exits_63() {
        Mirage.Result r = boot(image, "--help");
        assertEquals(63, r.exit());
        assertTrue(r.out().startsWith("usage: hello"), r.out());
        assertTrue(r.out().contains("--hello=TEXT") && r.out().contains("(default: hello)"), r.out());
        assertTrue(r.out().contains("--count=INT") && r.out().contains("(default: 4)"), r.out());
    }

    @Test
    void the_image_carries_its_boot_plan_and_empty_device_manifest() throws IOException {
        assertEquals("mirage-manifest 1\n", Files.readString(image.resolve("mirage-manifest")));
        String plan = Files.readString(image.resolve("mirage-boot-plan"));
        assertTrue(plan.startsWith("mirage-boot-plan 1\nname\thello\ntarget\tsolo5\n"), plan);
        assertTrue(plan.contains("\nmodules\thello java.base mirage.core mirage.platform.solo5 mirage.time\n"), plan);
        assertFalse(plan.contains(work.toString()), "the plan holds no build paths");
    }

    @Test
    void a_corrupt_manifest_in_the_image_stops_boot_with_one_line() throws IOException {
        Path copy = work.resolve("corrupt-image");
        Mirage.copyTree(image, copy);
        Files.writeString(copy.resolve("mirage-manifest"), "mirage-manifest 1\nNET_BASIC bad name\n");
        Mirage.Result r = boot(copy, "--count=1");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("hello: cannot boot: malformed device manifest "), r.err());
    }

    @Test
    void rebuilding_gives_byte_identical_lib_modules_in_any_directory() throws IOException {
        byte[] first = Files.readAllBytes(image.resolve("lib/modules"));
        Path other = Mirage.copyExample("hello", work.resolve("elsewhere/hello2"));
        for (int round = 0; round < 2; round++) {
            assertEquals(0, mirage("clean", other.toString()).exit());
            Mirage.Result r = mirage("build", other.toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(first, Files.readAllBytes(Path.of(r.lastOutLine()).resolve("lib/modules")),
                    "lib/modules differs on build " + (round + 1));
        }
    }

    @Test
    void run_boots_a_built_image_inside_a_network_namespace_with_no_network() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "a new network namespace needs root (CI runs as root)");
        Path uk = Mirage.copyExample("hello", work.resolve("netns/hello"));
        assertEquals(0, mirage("build", uk.toString()).exit());
        // unshare(1) gives the command a network namespace of its own with only a loopback, down.
        Mirage.Result r = exec(List.of("unshare", "--net", "--", Mirage.ROOT.resolve("mirage").toString(), "run",
                uk.toString(), "--count=1", "--hello=isolated"), BOOT_LIMIT);
        assertEquals(new Mirage.Result(0, "isolated\n", ""), r);
        Mirage.Result links = exec(List.of("unshare", "--net", "--", "ip", "-o", "link"), BOOT_LIMIT);
        org.junit.jupiter.api.Assumptions.assumeTrue(links.exit() == 0, "ip(8) not installed");
        assertEquals(1, links.out().lines().count(), "the namespace has only its loopback: " + links.out());
    }

    @Test
    void run_boots_an_up_to_date_image_without_rebuilding_and_rebuilds_after_a_change() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("run/hello"));
        Mirage.Result first = mirage("run", uk.toString(), "--count=1", "--hello=one");
        assertEquals(0, first.exit(), first.err());
        assertEquals("one\n", first.out());
        Path modules = uk.resolve("_build/image/lib/modules");
        FileTime built = Files.getLastModifiedTime(modules);

        Mirage.Result again = mirage("run", uk.toString(), "--count=1", "--hello=two");
        assertEquals(new Mirage.Result(0, "two\n", ""), again, "no build step runs for an up-to-date image");
        assertEquals(built, Files.getLastModifiedTime(modules));

        Path source = uk.resolve("src/main/java/hello/Hello.java");
        Files.writeString(source, Files.readString(source).replace("console.println(hello);",
                "console.println(hello + \"!\");"), StandardCharsets.UTF_8);
        Mirage.Result changed = mirage("run", uk.toString(), "--count=1", "--hello=three");
        assertEquals(0, changed.exit(), changed.err());
        assertEquals("three!\n", changed.out());
        assertTrue(changed.err().contains("linking the image"), changed.err());
    }
}
