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
        assertTrue(r.out().contains("node\t4\tmirage.time.Sleep.on(#3)\tmirage.time.Sleep\n"), r.out());
        assertTrue(r.out().contains("start\t1\t#4\n"), r.out());
    }

    @Test
    void a_description_giving_start_too_few_parameters_does_not_compile() throws IOException {
        Path uk = helloWithConfig("arity", "\n                .with(Devices.arg(COUNT));", ";");
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("mirage: compiling Config.java failed:\n"), r.err());
        assertTrue(r.err().contains("Config.java:18: error: incompatible types: Pending1<Integer> cannot be converted to Job"),
                r.err());
    }

    @Test
    void a_description_giving_a_parameter_the_wrong_device_does_not_compile_and_names_both_types() throws IOException {
        Path uk = helloWithConfig("type", ".with(Devices.console())", ".with(Devices.sleep())");
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("Config.java:16: error: incompatible types: Impl<Sleep> cannot be converted to "
                + "Impl<? extends Console>\n                .with(Devices.sleep())\n"), r.err());
    }

    @Test
    void a_job_made_without_the_typed_steps_is_still_checked_by_configure() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("untyped"));
        Files.writeString(uk.resolve("Config.java"), """
                import hello.Hello;
                import java.util.List;
                import java.util.Optional;
                import mirage.core.RuntimeArg;
                import mirage.link.Description;
                import mirage.link.Devices;
                import mirage.link.Job;

                public final class Config implements Description {
                    @Override
                    public Job describe() {
                        return new Job("hello", Optional.of(Hello.class), List.of(Devices.sleep(), Devices.sleep(),
                                Devices.arg(RuntimeArg.string("hello", "hi", "Hello.")), Devices.arg(RuntimeArg.integer("count", 1, "Count."))));
                    }
                }
                """);
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("mirage: Config.java: parameter 1 of start (mirage.core.Console) is given "
                + "mirage.time.Sleep.on(loop), a mirage.time.Sleep"), r.err());
    }

    @Test
    void target_xen_isConfigured_remembered_andGetsItsXlAndLibvirtFiles() throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve("xen"));
        Mirage.Result r = mirage("configure", uk.toString(), "-t", "xen");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("target\txen\n"), r.out());
        assertEquals("xen\n", java.nio.file.Files.readString(uk.resolve("_build/target")));
        assertTrue(java.nio.file.Files.readString(uk.resolve("_build/xen/hello.cfg")).contains("name = \"hello\"\ntype = \"pvh\"\n"));
        assertTrue(java.nio.file.Files.readString(uk.resolve("_build/xen/hello.xml")).contains("<name>hello</name>"));
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
