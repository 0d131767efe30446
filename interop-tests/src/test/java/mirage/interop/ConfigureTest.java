package mirage.interop;

import static mirage.interop.Mirage.mirage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mirage configure} fails early, with the reason, on what it cannot link. */
class ConfigureTest {
    @TempDir
    static Path work;

    @BeforeAll
    static void libraries() throws IOException {
        Mirage.markLibrariesBuilt();
    }

    private static Path helloWithConfig(String name, String from, String to) throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve(name));
        Path config = uk.resolve("Config.java");
        String text = Files.readString(config);
        assertTrue(text.contains(from), "the example's Config.java changed: update this test");
        Files.writeString(config, text.replace(from, to));
        return uk;
    }

    @Test
    void configure_prints_the_boot_plan() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("ok"));
        Mirage.Result r = mirage("configure", uk.toString(), "-t", "solo5");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("mirage-boot-plan 1\nname\thello\n"), r.out());
        assertTrue(r.out().contains("start\t1\tmirage.time.Sleep.on(loop)\n"), r.out());
    }

    @Test
    void a_start_method_with_other_parameters_than_the_job_gives_is_refused() throws IOException {
        Path uk = helloWithConfig("arity", ", Devices.arg(COUNT))", ")");
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("mirage: Config.java: Hello.start takes 4 parameters but the job gives 3"), r.err());
    }

    @Test
    void a_parameter_given_the_wrong_implementation_is_refused_naming_it() throws IOException {
        Path uk = helloWithConfig("type", "Devices.console(), Devices.sleep()", "Devices.sleep(), Devices.sleep()");
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("parameter 1 of start (mirage.core.Console) is given mirage.time.Sleep.on(loop)"), r.err());
    }

    @Test
    void a_target_without_an_implementation_is_refused_early() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("xen"));
        Mirage.Result r = mirage("configure", uk.toString(), "-t", "xen");
        assertEquals(1, r.exit());
        assertEquals("mirage: target xen cannot be linked yet: module mirage.platform.xen has no implementation; use -t solo5 or -t virtio\n",
                r.err());
    }

    @Test
    void an_unknown_target_is_a_usage_error() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("bogus"));
        Mirage.Result r = mirage("configure", uk.toString(), "-t", "bogus");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("mirage: unknown target 'bogus'"), r.err());
    }

    @Test
    void a_directory_without_a_description_is_refused() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("nodesc"));
        Files.delete(uk.resolve("Config.java"));
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("is not a unikernel: it has no Config.java"), r.err());
    }
}
