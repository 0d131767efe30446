package mirage.link.internal.dce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import mirage.link.internal.reach.KeepRules;
import mirage.link.internal.reach.Program;
import mirage.link.internal.reach.Reachability;
import mirage.testkit.GoldenMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden test of the reachability analysis on a fixture module (src/test/fixtures/reach), one
 * package per feature the analysis must see through: reflection by constant, service loading,
 * lambdas and indy string concatenation, records, enums found by name, sealed types in a pattern
 * switch, annotations read at run time, default methods, an interface implemented only by a
 * lambda, virtual dispatch, nestmates. The fixture is analysed with the JDK's java.base, the
 * classes it keeps are compared with {@code fixture-kept.txt} (regenerate with
 * {@code -Dmirage.surface.update=true} and review the diff), and an image linked with the
 * plugin runs every feature as the JDK does.
 */
class FixtureReachabilityTest {
    static final Path SOURCES = Path.of("src/test/fixtures/reach");
    static final Path GOLDEN = Path.of("src/test/resources/mirage/link/internal/dce/fixture-kept.txt");
    static final List<String> EXPECTED_OUTPUT = List.of("reflect ByName 42", "service hello", "lambda body",
            "lambda-default HI", "concat shown", "record Point[x=1, label='a']", "enum green", "sealed circle",
            "annotation marked", "default default", "dispatch sub", "nest nested Inner");

    @TempDir
    static Path work;

    static Path classes;
    static Reachability.Result result;

    @BeforeAll
    static void compileAndAnalyse() throws Exception {
        classes = work.resolve("fixture");
        List<String> args = new ArrayList<>(List.of("--release", "25", "-d", classes.toString(), "-Xlint:-options"));
        try (Stream<Path> s = Files.walk(SOURCES)) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
        }
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
        assertEquals(0, rc, "the fixture compiles");
        Path compiled = classes;
        classes = work.resolve("fixture-main");
        LinkToolFiles.copyWithMainClass(compiled, classes, "fixture.Main");
        ModuleReference base = ModuleFinder.ofSystem().find("java.base").orElseThrow();
        ModuleReference fixture = ModuleFinder.of(classes).find("fixture").orElseThrow();
        Program program = Programs.fromModules(List.of(base, fixture), Path.of(System.getProperty("java.home")));
        List<KeepRules> rules = new ArrayList<>(LinkRules.of(Set.of("java.base")));
        rules.add(KeepRules.parse("fixture", "fixture.keep", "keep fixture.keep.KeptByRule\n"));
        result = Reachability.analyze(program, ReachabilityPlugin.UNVERIFIED, rules, List.of());
    }

    private static Set<String> keptFixtureClasses() {
        Set<String> kept = new TreeSet<>();
        for (String c : result.kept().keySet()) {
            if (c.startsWith("fixture/")) {
                kept.add(c.replace('/', '.'));
            }
        }
        return kept;
    }

    @Test
    void the_fixture_classes_kept_are_the_golden_ones() throws IOException {
        String actual = String.join("\n", keptFixtureClasses()) + "\n";
        if (GoldenMode.fromSystemProperties() == GoldenMode.UPDATE) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), actual,
                "classes of the fixture kept by the analysis (update with -Dmirage.surface.update=true and review)");
    }

    @Test
    void a_class_named_only_by_a_forName_constant_is_kept_and_one_named_by_nothing_reached_is_not() {
        assertKept("fixture.reflect.ByName", "fixture.reflect.Statics");
        assertTrue(result.reachableMethods().containsKey("fixture/reflect/Statics.answer()Ljava/lang/String;"),
                "getMethod(\"answer\") in the same method");
        assertRemoved("fixture.reflect.NeverNamed");
    }

    @Test
    void the_provider_of_a_loaded_service_is_kept_and_that_of_a_service_nothing_loads_is_not() {
        assertKept("fixture.services.English");
        assertRemoved("fixture.services.UnusedImpl");
    }

    @Test
    void lambda_bodies_and_defaults_of_interfaces_only_lambdas_implement_are_reachable() {
        assertKept("fixture.lambdas.LambdaOnly", "fixture.lambdas.Loud");
    }

    @Test
    void string_concatenation_and_record_methods_reach_toString() {
        assertKept("fixture.concat.ShownHelper", "fixture.records.LabelHelper");
        assertRemoved("fixture.concat.NotShown", "fixture.concat.NotShownHelper");
    }

    @Test
    void an_enum_found_by_name_keeps_its_constants_bodies() {
        assertKept("fixture.enums.Color", "fixture.enums.Color$1");
        assertRemoved("fixture.enums.Unused");
    }

    @Test
    void a_pattern_switch_keeps_its_case_types_but_not_a_permitted_subclass_nothing_names() {
        assertKept("fixture.sealed.Circle", "fixture.sealed.Square");
        assertRemoved("fixture.sealed.Triangle");
    }

    @Test
    void an_annotation_read_at_run_time_is_kept_and_one_never_read_is_not() {
        assertKept("fixture.annotations.Marker");
        assertRemoved("fixture.annotations.Ignored");
    }

    @Test
    void default_methods_and_virtual_calls_reach_only_instantiated_classes() {
        assertKept("fixture.defaults.DefaultHelper", "fixture.dispatch.SubHelper");
        assertRemoved("fixture.defaults.Overrides", "fixture.dispatch.OtherSub", "fixture.dispatch.OtherSubHelper");
    }

    @Test
    void a_nested_class_keeps_its_nest_host_and_a_keep_rule_keeps_what_nothing_reaches() {
        assertKept("fixture.nest.Outer", "fixture.nest.Outer$Inner", "fixture.keep.KeptByRule");
    }

    /** The image the plugin links runs every feature as the JDK runs them. */
    @Test
    void an_image_linked_with_removal_runs_the_fixture_as_the_jdk_does() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertEquals(EXPECTED_OUTPUT, run(java.toString(), "-p", classes.toString(), "-m", "fixture/fixture.Main"));

        Path image = work.resolve("image");
        Path report = work.resolve("report");
        mirage.link.internal.LinkTool.jlink(List.of("--module-path", classes.toString(), "--add-modules", "fixture",
                "--output", image.toString(), "--" + ReachabilityPlugin.NAME + "=" + report));
        assertEquals(EXPECTED_OUTPUT, run(image.resolve("bin/java").toString(), "-m", "fixture/fixture.Main"));
        LinkReport r = LinkReport.parse(Files.readString(report.resolve(ReachabilityPlugin.REPORT)));
        LinkReport.Row fixtureRow = r.modules().stream().filter(m -> m.module().equals("fixture")).findFirst().orElseThrow();
        assertTrue(fixtureRow.classesAfter() < fixtureRow.classesBefore(), "the fixture lost classes: " + fixtureRow);
        LinkReport.Row base = r.modules().stream().filter(m -> m.module().equals("java.base")).findFirst().orElseThrow();
        assertTrue(base.classesAfter() < base.classesBefore(), "java.base lost classes: " + base);
    }

    private static void assertKept(String... names) {
        for (String n : names) {
            assertTrue(result.keeps(n.replace('.', '/')), n + " is kept");
        }
    }

    private static void assertRemoved(String... names) {
        for (String n : names) {
            assertFalse(result.keeps(n.replace('.', '/')), n + " is removed, but: " + result.kept().get(n.replace('.', '/')));
        }
    }

    static List<String> run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("did not finish: " + String.join(" ", command));
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out.lines().toList();
    }
}
