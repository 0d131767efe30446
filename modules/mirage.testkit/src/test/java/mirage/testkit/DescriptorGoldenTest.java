package mirage.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The descriptor rendering and the golden-file check. */
class DescriptorGoldenTest {
    @TempDir
    Path tmp;

    private static final String SERVICE = """
            package mirage.planted;
            public interface Service { }
            """;
    private static final String IMPL = """
            package mirage.planted.internal;
            public final class Impl implements mirage.planted.Service { }
            """;
    private static final String SECOND = """
            package mirage.planted.internal;
            public final class Second implements mirage.planted.Service { }
            """;

    private ModuleLocation compile(String dir, String moduleInfo) throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("module-info.java", moduleInfo);
        sources.put("mirage/planted/Service.java", SERVICE);
        sources.put("mirage/planted/extra/Extra.java", "package mirage.planted.extra; public interface Extra {}");
        sources.put("mirage/planted/shared/Shared.java", "package mirage.planted.shared; public interface Shared {}");
        sources.put("mirage/planted/internal/Impl.java", IMPL);
        sources.put("mirage/planted/internal/Second.java", SECOND);
        return TestModules.compile(tmp.resolve(dir), sources);
    }

    @Test
    void renderingIsSortedAndVersionFree() throws IOException {
        ModuleLocation module = compile("m", """
                open module mirage.planted {
                    requires static java.sql;
                    requires transitive java.logging;
                    exports mirage.planted.shared to jdk.jfr, java.desktop;
                    exports mirage.planted;
                    uses mirage.planted.Service;
                    provides mirage.planted.Service with mirage.planted.internal.Second, mirage.planted.internal.Impl;
                }
                """);
        assertEquals("""
                open module mirage.planted
                requires mandated java.base
                requires transitive java.logging
                requires static java.sql
                exports mirage.planted
                exports mirage.planted.shared to java.desktop, jdk.jfr
                uses mirage.planted.Service
                provides mirage.planted.Service with mirage.planted.internal.Second, mirage.planted.internal.Impl
                """, ModuleSurface.describe(module.classes()));
    }

    @Test
    void changedDescriptorFailsWithADiffNamingTheChange() throws IOException {
        ModuleLocation before = compile("before", """
                module mirage.planted {
                    exports mirage.planted;
                    provides mirage.planted.Service with mirage.planted.internal.Impl;
                }
                """);
        ModuleLocation after = compile("after", """
                module mirage.planted {
                    requires java.logging;
                    exports mirage.planted;
                    exports mirage.planted.extra;
                    provides mirage.planted.Service with mirage.planted.internal.Impl;
                }
                """);
        Path golden = tmp.resolve("module-surface.txt");
        ModuleSurface.verifyGolden(golden, ModuleSurface.goldenText(ModuleSurface.describe(before.classes())),
                GoldenMode.UPDATE);
        // the golden file now matches "before": the check passes
        ModuleSurface.verifyGolden(golden, ModuleSurface.goldenText(ModuleSurface.describe(before.classes())),
                GoldenMode.CHECK);

        String afterText = ModuleSurface.goldenText(ModuleSurface.describe(after.classes()));
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ModuleSurface.verifyGolden(golden, afterText, GoldenMode.CHECK));
        String message = failure.getMessage();
        assertTrue(message.contains("""
                --- module-surface.txt (checked in)
                +++ module-info.class (compiled)
                """), message);
        assertTrue(message.contains("""
                  module mirage.planted
                  requires mandated java.base
                + requires java.logging
                  exports mirage.planted
                + exports mirage.planted.extra
                  provides mirage.planted.Service with mirage.planted.internal.Impl
                """), message);
        assertTrue(message.contains("-Dmirage.surface.update=true"), message);
        // a failed check leaves the golden file alone
        assertEquals(ModuleSurface.goldenText(ModuleSurface.describe(before.classes())), Files.readString(golden));
    }

    @Test
    void removedDirectiveShowsAsMinusLine() throws IOException {
        Path golden = tmp.resolve("g.txt");
        Files.writeString(golden, "module m\nrequires mandated java.base\nexports a\nexports b\n");
        AssertionError failure = assertThrows(AssertionError.class, () -> ModuleSurface.verifyGolden(
                golden, "module m\nrequires mandated java.base\nexports b\n", GoldenMode.CHECK));
        assertTrue(failure.getMessage().contains("  requires mandated java.base\n- exports a\n  exports b\n"),
                failure.getMessage());
    }

    @Test
    void updateModeRewritesTheGoldenFile() throws IOException {
        ModuleLocation module = compile("m", "module mirage.planted { exports mirage.planted; }");
        Files.writeString(module.golden(), "module something.else\r\n");
        assertThrows(AssertionError.class, () -> ModuleSurface.checkDescriptor(module, GoldenMode.CHECK));

        ModuleSurface.checkDescriptor(module, GoldenMode.UPDATE);

        assertEquals(ModuleSurface.goldenText("""
                module mirage.planted
                requires mandated java.base
                exports mirage.planted
                """), Files.readString(module.golden()));
        ModuleSurface.checkDescriptor(module, GoldenMode.CHECK);
    }

    @Test
    void missingGoldenFileFailsAndSaysHowToCreateIt() throws IOException {
        ModuleLocation module = compile("m", "module mirage.planted { exports mirage.planted; }");
        AssertionError failure = assertThrows(AssertionError.class,
                () -> ModuleSurface.checkDescriptor(module, GoldenMode.CHECK));
        assertTrue(failure.getMessage().contains("does not exist"), failure.getMessage());
        assertTrue(failure.getMessage().contains("-Dmirage.surface.update=true"), failure.getMessage());
        ModuleSurface.checkDescriptor(module, GoldenMode.UPDATE);
        assertTrue(Files.exists(module.golden()));
    }

    @Test
    void moduleSurfaceCheckRunsBothChecks() throws IOException {
        ModuleLocation module = compile("m", "module mirage.planted { exports mirage.planted.internal; }");
        ModuleSurface.checkDescriptor(module, GoldenMode.UPDATE);
        AssertionError failure = assertThrows(AssertionError.class, () -> ModuleSurface.check(module.root()));
        assertTrue(failure.getMessage().contains("mirage.planted.internal.Impl " + "is a class that is neither"),
                failure.getMessage());
    }
}
