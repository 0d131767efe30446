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
        assertTrue(r.err().contains("is not a unikernel: it has no Config.java and no class in src/main/java implements "
                + "mirage.link.Description"), r.err());
    }

    /**
     * hello with its description moved into its own module as {@code hello.HelloConfig}; the
     * module {@code requires static mirage.link}. {@code describe} is the class's body.
     */
    private static Path helloDescribedInItsModule(String name, String describe) throws IOException {
        Path uk = Mirage.copyExample("hello", work.resolve(name));
        String config = Files.readString(uk.resolve("Config.java"));
        Files.delete(uk.resolve("Config.java"));
        String body = config.substring(config.indexOf("public final class Config"))
                .replace("public final class Config", "public final class HelloConfig");
        if (describe != null) {
            body = body.substring(0, body.indexOf("    @Override")) + describe + "}\n";
        }
        Files.writeString(uk.resolve("src/main/java/hello/HelloConfig.java"), "package hello;\n\n"
                + config.substring(0, config.indexOf("/**")).replace("import hello.Hello;\n", "") + body);
        Path info = uk.resolve("src/main/java/module-info.java");
        String module = Files.readString(info);
        assertTrue(module.contains("requires transitive mirage.time;"), "examples/hello's module changed: update this test");
        Files.writeString(info, module.replace("requires transitive mirage.time;",
                "requires transitive mirage.time;\n    requires static mirage.link;"));
        return uk;
    }

    @Test
    void a_description_inside_the_unikernels_module_is_found_run_and_left_out_of_the_image() throws IOException {
        Path uk = helloDescribedInItsModule("inside", null);
        Mirage.Result built = mirage("build", uk.toString());
        assertEquals(0, built.exit(), built.err());
        assertTrue(built.err().contains("running the description hello.HelloConfig"), built.err());
        Path image = Path.of(built.lastOutLine());
        Mirage.Result run = Mirage.exec(java.util.List.of(image.resolve("bin/hello").toString(), "--count=2", "--hello=hi"),
                java.time.Duration.ofMinutes(1));
        assertEquals(new Mirage.Result(0, "hi\nhi\n", ""), run);
        Mirage.Result modules = Mirage.exec(java.util.List.of(image.resolve("bin/java").toString(), "--list-modules"),
                java.time.Duration.ofMinutes(1));
        assertEquals(0, modules.exit(), modules.err());
        assertTrue(modules.out().contains("hello\n") && !modules.out().contains("mirage.link"),
                "requires static: the tool's module is not linked: " + modules.out());
        Path jimage = Path.of(System.getProperty("java.home"), "bin", "jimage");
        Mirage.Result classes = Mirage.exec(java.util.List.of(jimage.toString(), "list", image.resolve("lib/modules").toString()),
                java.time.Duration.ofMinutes(1));
        assertEquals(0, classes.exit(), classes.err());
        assertTrue(classes.out().contains("hello/Hello.class"), classes.out());
        assertTrue(!classes.out().contains("HelloConfig"), "the description is unreachable from the boot class, so removed");
    }

    @Test
    void a_description_inside_the_module_is_checked_as_config_java_is_naming_its_class() throws IOException {
        Path uk = helloDescribedInItsModule("inside-wrong", """
                    @Override
                    public Job describe() {
                        return new Job("hello", java.util.Optional.of(Hello.class), java.util.List.of(Devices.sleep(),
                                Devices.sleep(), Devices.arg(HELLO), Devices.arg(COUNT)));
                    }
                """);
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("mirage: hello.HelloConfig: parameter 1 of start (mirage.core.Console) is given "
                + "mirage.time.Sleep.on(loop), a mirage.time.Sleep"), r.err());
    }

    @Test
    void two_descriptions_inside_the_module_are_refused_naming_both() throws IOException {
        Path uk = helloDescribedInItsModule("inside-two", null);
        Path one = uk.resolve("src/main/java/hello/HelloConfig.java");
        Files.writeString(uk.resolve("src/main/java/hello/OtherConfig.java"),
                Files.readString(one).replace("class HelloConfig", "class OtherConfig"));
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("the unikernel has 2 descriptions (hello.HelloConfig, hello.OtherConfig): keep one"),
                r.err());
    }

    @Test
    void config_java_beside_and_a_description_inside_are_refused_naming_both() throws IOException {
        Path uk = helloDescribedInItsModule("inside-and-beside", null);
        Files.copy(Mirage.ROOT.resolve("examples/hello/Config.java"), uk.resolve("Config.java"));
        Mirage.Result r = mirage("configure", uk.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("the unikernel has two descriptions, Config.java and hello.HelloConfig: keep one"), r.err());
    }
}
