package mirage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The architecture rules, on modules compiled for the test. */
class ArchitectureRulesTest {
    @TempDir
    Path tmp;

    private ModuleLocation alpha() throws IOException {
        return TestModules.compile(tmp.resolve("alpha"), Map.of(
                "module-info.java", """
                        module mirage.alpha {
                            exports mirage.alpha;
                            exports mirage.alpha.internal to mirage.beta;
                        }
                        """,
                "mirage/alpha/Api.java", """
                        package mirage.alpha;
                        public interface Api { static Api create() { return new mirage.alpha.internal.Impl(); } }
                        """,
                "mirage/alpha/internal/Impl.java", """
                        package mirage.alpha.internal;
                        public final class Impl implements mirage.alpha.Api { public static void help() {} }
                        """));
    }

    private ModuleLocation beta(Path alphaClasses) throws IOException {
        return TestModules.compile(tmp.resolve("beta"), Map.of(
                "module-info.java", "module mirage.beta { requires mirage.alpha; exports mirage.beta; }",
                "mirage/beta/Uses.java", """
                        package mirage.beta;
                        public interface Uses { static void run() { mirage.alpha.internal.Impl.help(); } }
                        """,
                "mirage/beta/internal/Own.java", """
                        package mirage.beta.internal;
                        public final class Own { }
                        """,
                "mirage/beta/Leaky.java", """
                        package mirage.beta;
                        public interface Leaky { mirage.beta.internal.Own own(); }
                        """), alphaClasses);
    }

    @Test
    void internalsOfAnotherModuleAreReported() throws IOException {
        ModuleLocation alpha = alpha();
        ModuleLocation beta = beta(alpha.classes());
        JavaClasses classes = ArchitectureRules.importModule(beta);

        AssertionError failure = assertThrows(AssertionError.class,
                () -> ArchitectureRules.noInternalsOfOtherModules(beta.packages(), List.of()).check(classes));
        assertTrue(failure.getMessage().contains("mirage.alpha.internal.Impl"), failure.getMessage());
        assertTrue(!failure.getMessage().contains("mirage.beta.internal.Own>"), failure.getMessage());

        // declared as shared through alpha's qualified export: allowed
        ArchitectureRules.noInternalsOfOtherModules(beta.packages(), List.of("mirage.alpha.internal"))
                .check(classes);
        // alpha's own use of its internals is fine
        ArchitectureRules.noInternalsOfOtherModules(alpha.packages(), List.of())
                .check(ArchitectureRules.importModule(alpha));
    }

    @Test
    void exportedApiExposingAnInternalTypeIsReported() throws IOException {
        ModuleLocation alpha = alpha();
        ModuleLocation beta = beta(alpha.classes());
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ArchitectureRules.exportedApiExposesNoInternals(beta.exportedPackages())
                        .check(ArchitectureRules.importModule(beta)));
        assertTrue(failure.getMessage().contains("Leaky.own()"), failure.getMessage());
        // a static factory whose body creates an internal class exposes nothing
        ArchitectureRules.exportedApiExposesNoInternals(alpha.exportedPackages())
                .check(ArchitectureRules.importModule(alpha));
    }

    @Test
    void layerRulesCatchWireToEngineAndAClockInAnEngine() throws IOException {
        ModuleLocation module = TestModules.compile(tmp.resolve("net"), Map.of(
                "module-info.java", "module mirage.layered { }",
                "mirage/layered/internal/engine/Tcp.java", """
                        package mirage.layered.internal.engine;
                        public final class Tcp {
                            public long now() { return System.nanoTime(); }
                            public Object rng() { return new java.security.SecureRandom(); }
                        }
                        """,
                "mirage/layered/internal/wire/Segment.java", """
                        package mirage.layered.internal.wire;
                        public record Segment(int seq) {
                            public mirage.layered.internal.engine.Tcp engine() { return null; }
                        }
                        """));
        JavaClasses classes = ArchitectureRules.importModule(module);
        AssertionError wire = assertThrows(AssertionError.class,
                () -> ArchitectureRules.wireIsStateless().check(classes));
        assertTrue(wire.getMessage().contains("Segment"), wire.getMessage());
        AssertionError engine = assertThrows(AssertionError.class,
                () -> ArchitectureRules.enginesAreSansIo().check(classes));
        assertTrue(engine.getMessage().contains("System.nanoTime()"), engine.getMessage());
        assertTrue(engine.getMessage().contains("SecureRandom"), engine.getMessage());
    }

    @Test
    void layerRulesPassOnAModuleWithoutLayers() throws IOException {
        ModuleLocation alpha = alpha();
        JavaClasses classes = ArchitectureRules.importModule(alpha);
        assertEquals(Set.of(), ArchitectureRules.layersOf(classes));
        assertEquals(List.of(), ArchitectureRules.layerRules(classes)); // no layer, no rule in force
        ArchitectureRules.check(alpha);
    }

    @Test
    void aLayerRuleOnAModuleWithoutThatLayerFails() throws IOException {
        JavaClasses classes = ArchitectureRules.importModule(alpha());
        // applied by hand where it matches nothing, a layer rule fails instead of passing vacuously
        assertThrows(AssertionError.class, () -> ArchitectureRules.enginesAreSansIo().check(classes));
        assertThrows(AssertionError.class, () -> ArchitectureRules.wireIsStateless().check(classes));
    }

    /** The mistake the rules once let through: engines present, their binding in a package named otherwise. */
    @Test
    void aBindingNamedOtherwiseIsReportedNotSilentlyUnchecked() throws IOException {
        ModuleLocation misnamed = TestModules.compile(tmp.resolve("misnamed"), Map.of(
                "module-info.java", "module mirage.misnamed { }",
                "mirage/misnamed/internal/engine/Tcp.java", """
                        package mirage.misnamed.internal.engine;
                        public final class Tcp {
                            public void poll(long now) { mirage.misnamed.internal.stack.Direct.settle(); }
                        }
                        """,
                "mirage/misnamed/internal/stack/Direct.java", """
                        package mirage.misnamed.internal.stack;
                        public final class Direct { public static void settle() {} }
                        """));
        JavaClasses classes = ArchitectureRules.importModule(misnamed);
        assertEquals(Set.of(Layer.ENGINE), ArchitectureRules.layersOf(classes));
        // the engine rule alone passes: the binding it forbids is not where it looks
        ArchitectureRules.enginesAreSansIo().check(classes);
        AssertionError vacant = assertThrows(AssertionError.class,
                () -> ArchitectureRules.checkLayerRulesMatchClasses(classes));
        assertTrue(vacant.getMessage().contains("..binding.."), vacant.getMessage());
        assertThrows(AssertionError.class, () -> ArchitectureRules.check(misnamed));

        // named after its layer, the binding is found, and the engine's use of it is caught
        ModuleLocation named = TestModules.compile(tmp.resolve("named"), Map.of(
                "module-info.java", "module mirage.named { }",
                "mirage/named/internal/engine/Tcp.java", """
                        package mirage.named.internal.engine;
                        public final class Tcp {
                            public void poll(long now) { mirage.named.internal.binding.Direct.settle(); }
                        }
                        """,
                "mirage/named/internal/binding/Direct.java", """
                        package mirage.named.internal.binding;
                        public final class Direct { public static void settle() {} }
                        """));
        JavaClasses namedClasses = ArchitectureRules.importModule(named);
        ArchitectureRules.checkLayerRulesMatchClasses(namedClasses);
        AssertionError engine = assertThrows(AssertionError.class,
                () -> ArchitectureRules.enginesAreSansIo().check(namedClasses));
        assertTrue(engine.getMessage().contains("Direct.settle()"), engine.getMessage());
    }

    @Test
    void wireNeedsEngineAndBindingForItsRuleToCheckAnything() throws IOException {
        ModuleLocation module = TestModules.compile(tmp.resolve("wireonly"), Map.of(
                "module-info.java", "module mirage.wireonly { }",
                "mirage/wireonly/internal/wire/Frame.java", """
                        package mirage.wireonly.internal.wire;
                        public record Frame(int type) { }
                        """,
                "mirage/wireonly/internal/binding/Device.java", """
                        package mirage.wireonly.internal.binding;
                        public final class Device { }
                        """));
        JavaClasses classes = ArchitectureRules.importModule(module);
        AssertionError vacant = assertThrows(AssertionError.class,
                () -> ArchitectureRules.checkLayerRulesMatchClasses(classes));
        assertTrue(vacant.getMessage().contains("..engine.."), vacant.getMessage());
        assertTrue(!vacant.getMessage().contains("..binding.., which"), vacant.getMessage());
    }
}
