package mirage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signature-only-exports rule, on modules compiled for the test. */
class SignatureRuleTest {
    @TempDir
    Path tmp;

    private static final String PLAIN_REASON =
            "is a class that is neither a record, enum, exception nor sealed: move it to an internal package";
    private static final String ABSTRACT_REASON =
            "is an abstract class that is not sealed: make it an interface, seal it, or move it to an internal package";
    private static final String NON_PUBLIC_REASON =
            "is a non-public class (nested, local or anonymous): implementation belongs in an internal package";

    /** Module {@code mirage.planted} exporting {@code mirage.planted}, plus the given sources. */
    private ModuleLocation planted(String moduleInfo, Map<String, String> sources) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("module-info.java", moduleInfo);
        all.put("mirage/planted/package-info.java", "/** Planted. */ package mirage.planted;");
        all.putAll(sources);
        return TestModules.compile(tmp.resolve("mirage.planted"), all);
    }

    private ModuleLocation planted(Map<String, String> sources) throws IOException {
        return planted("module mirage.planted { exports mirage.planted; }", sources);
    }

    private static Map<String, String> allowedKinds() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("mirage/planted/Api.java", """
                package mirage.planted;
                public interface Api {
                    Color color();
                    static Api create() { return new mirage.planted.internal.ApiImpl(); }
                    default int rank() { switch (color()) { case RED: return 1; default: return 2; } }
                    private int twice() { return 2 * rank(); }
                }
                """);
        s.put("mirage/planted/Point.java", "package mirage.planted; public record Point(int x, int y) {}");
        s.put("mirage/planted/Color.java", """
                package mirage.planted;
                public enum Color { RED { @Override public String toString() { return "red"; } }, GREEN }
                """);
        s.put("mirage/planted/Failure.java", """
                package mirage.planted;
                public class Failure extends java.io.IOException {
                    public enum Reason { LOST, REFUSED }
                    public Failure(String message) { super(message); }
                }
                """);
        s.put("mirage/planted/Refused.java", """
                package mirage.planted;
                public final class Refused extends Failure { public Refused() { super("refused"); } }
                """);
        s.put("mirage/planted/Shape.java", """
                package mirage.planted;
                public sealed interface Shape {
                    record Circle(double r) implements Shape {}
                    record Square(double side) implements Shape {}
                }
                """);
        s.put("mirage/planted/Sealed.java", """
                package mirage.planted;
                public sealed interface Sealed permits mirage.planted.internal.SealedImpl {}
                """);
        s.put("mirage/planted/Stable.java", """
                package mirage.planted;
                @java.lang.annotation.Documented public @interface Stable { String since(); }
                """);
        s.put("mirage/planted/internal/ApiImpl.java", """
                package mirage.planted.internal;
                public final class ApiImpl implements mirage.planted.Api {
                    public mirage.planted.Color color() { return mirage.planted.Color.RED; }
                }
                """);
        s.put("mirage/planted/internal/SealedImpl.java", """
                package mirage.planted.internal;
                public final class SealedImpl implements mirage.planted.Sealed {}
                """);
        return s;
    }

    @Test
    void allowedKindsPass() throws IOException {
        ModuleLocation module = planted(allowedKinds());
        // javac made a switch-map class and an enum-constant body: both must be accepted.
        assertTrue(java.nio.file.Files.exists(module.classes().resolve("mirage/planted/Api$1.class")));
        assertTrue(java.nio.file.Files.exists(module.classes().resolve("mirage/planted/Color$1.class")));
        assertEquals(List.of(), ModuleSurface.signatureViolations(module.classes()));
        ModuleSurface.checkSignatures(module);
    }

    @Test
    void publicPlainClassAndNonSealedAbstractClassAreReported() throws IOException {
        Map<String, String> s = allowedKinds();
        s.put("mirage/planted/Plain.java", "package mirage.planted; public class Plain {}");
        s.put("mirage/planted/Base.java", "package mirage.planted; public abstract class Base {}");
        ModuleLocation module = planted(s);

        assertEquals(List.of(
                        new Violation("mirage.planted.Base", ABSTRACT_REASON),
                        new Violation("mirage.planted.Plain", PLAIN_REASON)),
                ModuleSurface.signatureViolations(module.classes()));
        AssertionError failure = assertThrows(AssertionError.class, () -> ModuleSurface.checkSignatures(module));
        assertEquals("""
                Module mirage.planted exports more than signatures (2 violations; \
                docs/decisions/0003-signature-only-exports.md):
                  mirage.planted.Base %s
                  mirage.planted.Plain %s""".formatted(ABSTRACT_REASON, PLAIN_REASON),
                failure.getMessage());
    }

    @Test
    void sealedClassMayPermitOnlyItsOwnPackage() throws IOException {
        ModuleLocation module = planted(Map.of(
                "mirage/planted/Outcome.java", """
                        package mirage.planted;
                        public abstract sealed class Outcome permits Outcome.Done, mirage.planted.internal.Other {
                            public static non-sealed class Done extends Outcome {}
                        }
                        """,
                "mirage/planted/internal/Other.java", """
                        package mirage.planted.internal;
                        public final class Other extends mirage.planted.Outcome {}
                        """));
        assertEquals(List.of(
                        new Violation("mirage.planted.Outcome", "is sealed but permits mirage.planted.internal.Other"
                                + " outside package mirage.planted: permit only classes of its own package,"
                                + " or move it to an internal package"),
                        new Violation("mirage.planted.Outcome$Done", PLAIN_REASON)),
                ModuleSurface.signatureViolations(module.classes()));
    }

    @Test
    void sealedClassIsAllowedButItsLeavesAreCheckedOnTheirOwn() throws IOException {
        ModuleLocation module = planted(Map.of(
                "mirage/planted/Outcome.java", """
                        package mirage.planted;
                        public abstract sealed class Outcome extends RuntimeException permits Outcome.Lost {
                            public static final class Lost extends Outcome {}
                        }
                        """,
                "mirage/planted/Tree.java", """
                        package mirage.planted;
                        public abstract sealed class Tree permits Tree.Leaf {
                            public static final class Leaf extends Tree {}
                        }
                        """));
        // Tree is allowed (sealed, permits only its own package), but its final leaf is a plain
        // class: a sealed class hierarchy in an export only closes with exceptions.
        assertEquals(List.of(new Violation("mirage.planted.Tree$Leaf", PLAIN_REASON)),
                ModuleSurface.signatureViolations(module.classes()));
    }

    @Test
    void nonPublicNestedLocalAndAnonymousClassesAreReported() throws IOException {
        ModuleLocation module = planted(Map.of(
                "mirage/planted/Api.java", """
                        package mirage.planted;
                        public interface Api {
                            void run();
                            static Api create() {
                                return new Api() { public void run() {} };
                            }
                            static Api local() {
                                final class Local implements Api { public void run() {} }
                                return new Local();
                            }
                        }
                        """,
                "mirage/planted/Point.java", """
                        package mirage.planted;
                        public record Point(int x) {
                            private record Cache(int x) {}
                        }
                        """,
                "mirage/planted/Helper.java", "package mirage.planted; record Helper() {}"));
        assertEquals(List.of(
                        new Violation("mirage.planted.Api$1", NON_PUBLIC_REASON),
                        new Violation("mirage.planted.Api$1Local", NON_PUBLIC_REASON),
                        new Violation("mirage.planted.Helper", NON_PUBLIC_REASON),
                        new Violation("mirage.planted.Point$Cache", NON_PUBLIC_REASON)),
                ModuleSurface.signatureViolations(module.classes()));
    }

    @Test
    void qualifiedExportsAndInternalPackagesAreNotChecked() throws IOException {
        ModuleLocation module = planted("""
                module mirage.planted {
                    exports mirage.planted;
                    exports mirage.planted.shared to java.base;
                }
                """, Map.of(
                "mirage/planted/Api.java", "package mirage.planted; public interface Api {}",
                "mirage/planted/shared/Plain.java", "package mirage.planted.shared; public class Plain {}",
                "mirage/planted/internal/Impl.java", "package mirage.planted.internal; public class Impl {}"));
        assertEquals(List.of(), ModuleSurface.signatureViolations(module.classes()));
    }

    @Test
    void theRuleAppliesOnlyToMirageModules() throws IOException {
        ModuleLocation app = TestModules.compile(tmp.resolve("app"), Map.of(
                "module-info.java", "module app { exports app; }",
                "app/Main.java", "package app; public final class Main { public static void main(String[] a) {} }"));
        assertEquals(List.of(new Violation("app.Main", PLAIN_REASON)),
                ModuleSurface.signatureViolations(app.classes()));
        ModuleSurface.checkSignatures(app); // does not throw: apps may export classes
        assertTrue(ModuleSurface.signatureRuleApplies("mirage.net"));
        assertTrue(!ModuleSurface.signatureRuleApplies("hello"));
    }
}
