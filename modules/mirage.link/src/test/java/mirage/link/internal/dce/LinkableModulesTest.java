package mirage.link.internal.dce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import javax.tools.ToolProvider;
import mirage.link.internal.Link;
import mirage.link.internal.LinkTool;
import mirage.link.internal.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The link step before jlink: automatic modules get a descriptor, requires nothing reachable
 * uses are dropped, and JGit's jar as published (automatic, signed) links.
 */
class LinkableModulesTest {
    @TempDir
    Path work;

    private static final Progress QUIET = new Progress(new PrintStream(PrintStream.nullOutputStream()), true);

    /** Compiles {@code sources} (path to text, module-info.java included) into a module directory. */
    private Path module(String name, Map<String, String> sources, Path... modulePath) throws Exception {
        Path src = work.resolve("src").resolve(name);
        List<String> args = new ArrayList<>(List.of("--release", "25", "-d", work.resolve(name).toString()));
        if (modulePath.length > 0) {
            args.add("--module-path");
            args.add(String.join(java.io.File.pathSeparator, java.util.Arrays.stream(modulePath).map(Path::toString).toList()));
        }
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path p = src.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue());
            args.add(p.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)),
                "module " + name + " compiles");
        return work.resolve(name);
    }

    @Test
    void a_requires_no_reachable_class_uses_is_dropped_and_its_module_leaves_the_set() throws Exception {
        Path lib = module("lib", Map.of(
                "module-info.java", "module lib { requires java.sql; requires java.logging; exports lib; }",
                "lib/Api.java", "package lib; public final class Api { public static String hello() { return \"hi\"; } }",
                "lib/Dates.java", "package lib; public final class Dates { public static java.sql.Date today() { return new java.sql.Date(0); } }",
                "lib/Log.java", "package lib; public final class Log { public static void log() { java.util.logging.Logger.getLogger(\"x\").info(Api.hello()); } }"));
        Path app = module("app", Map.of(
                "module-info.java", "module app { requires lib; }",
                "app/Main.java", "package app; public final class Main { public static void main(String[] a) { lib.Log.log(); } }"),
                lib);
        Path withMain = work.resolve("app-main");
        LinkToolFiles.copyWithMainClass(app, withMain, "app.Main");

        LinkableModules.Prepared p = LinkableModules.prepare(List.of(lib, withMain), Set.of("app"), "app",
                Link.Removal.UNREACHABLE, work.resolve("out"), List.of(), QUIET);
        assertFalse(p.modules().contains("java.sql"), "java.sql is only used by Dates, which nothing reaches: " + p.modules());
        assertTrue(p.modules().contains("java.logging"), p.modules().toString());
        ModuleDescriptor rewritten = ModuleFinder.of(work.resolve("out/lib.jar")).find("lib").orElseThrow().descriptor();
        assertEquals(Set.of("java.base", "java.logging"), names(rewritten.requires()));
        assertEquals(List.of("lib: requires [java.sql] dropped"), p.changed());

        LinkableModules.Prepared none = LinkableModules.prepare(List.of(lib, withMain), Set.of("app"), "app",
                Link.Removal.NONE, work.resolve("out-none"), List.of(), QUIET);
        assertTrue(none.modules().contains("java.sql"), "nothing is trimmed without removal");
    }

    @Test
    void an_automatic_module_gets_a_descriptor_from_its_bytecode() throws Exception {
        Path classes = module("auto", Map.of(
                "auto/Uses.java", "package auto; public class Uses { public java.sql.Date d; "
                        + "public static Object drivers() { return java.util.ServiceLoader.load(java.sql.Driver.class); } }",
                "auto/impl/Impl.java", "package auto.impl; public class Impl implements Runnable { public void run() {} }"));
        Path jar = work.resolve("auto-1.0.jar");
        Files.createDirectories(classes.resolve("META-INF/services"));
        Files.writeString(classes.resolve("META-INF/services/java.lang.Runnable"), "auto.impl.Impl\n");
        var jarTool = java.util.spi.ToolProvider.findFirst("jar").orElseThrow();
        assertEquals(0, jarTool.run(System.out, System.err, "--create", "--file", jar.toString(), "-C", classes.toString(), "."));
        ModuleReference ref = ModuleFinder.of(jar).findAll().iterator().next();
        assertTrue(ref.descriptor().isAutomatic());

        ModuleDescriptor d = LinkableModules.generate(ref, Map.of("java.sql", "java.sql", "auto", "auto", "auto.impl", "auto"));
        assertEquals("auto", d.name());
        assertTrue(d.isOpen());
        assertEquals(Set.of("java.base", "java.sql"), names(d.requires()));
        assertEquals(Set.of("auto", "auto.impl"), new TreeSet<>(d.exports().stream().map(ModuleDescriptor.Exports::source).toList()));
        assertEquals(Set.of("java.sql.Driver"), d.uses());
        assertEquals("auto.impl.Impl", d.provides().iterator().next().providers().getFirst());
        ModuleDescriptor read = ModuleDescriptor.read(java.nio.ByteBuffer.wrap(LinkableModules.moduleInfo(d)));
        assertEquals(d.requires(), read.requires());
        assertEquals(d.uses(), read.uses());
        assertEquals(d.packages(), read.packages());
    }

    /** JGit's jar as Maven Central publishes it (automatic and signed) links and runs. */
    @Test
    void the_published_jgit_jar_links_and_runs() throws Exception {
        Path jgit = jarOf(org.eclipse.jgit.lib.Constants.class);
        try (JarFile jar = new JarFile(jgit.toFile())) {
            assertTrue(jar.stream().anyMatch(e -> e.getName().endsWith(".SF")), "the jar is signed");
        }
        assertTrue(ModuleFinder.of(jgit).findAll().iterator().next().descriptor().isAutomatic(), "the jar is automatic");
        List<Path> deps = List.of(jgit, jarOf(com.googlecode.javaewah.EWAHCompressedBitmap.class),
                jarOf(org.slf4j.Logger.class), jarOf(org.apache.commons.codec.binary.Hex.class));
        Path app = module("app", Map.of(
                "module-info.java", "module app { requires org.eclipse.jgit; }",
                "app/Main.java", """
                        package app;
                        import org.eclipse.jgit.lib.Constants;
                        import org.eclipse.jgit.lib.ObjectInserter;
                        public final class Main {
                            public static void main(String[] a) {
                                byte[] hello = "hello\\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                                System.out.println(new ObjectInserter.Formatter().idFor(Constants.OBJ_BLOB, hello).name());
                            }
                        }
                        """), deps.toArray(Path[]::new));
        Path withMain = work.resolve("app-main");
        LinkToolFiles.copyWithMainClass(app, withMain, "app.Main");
        List<Path> modulePath = new ArrayList<>(deps);
        modulePath.add(withMain);
        LinkableModules.Prepared p = LinkableModules.prepare(modulePath, Set.of("app"), "app", Link.Removal.UNREACHABLE,
                work.resolve("out"), List.of(), QUIET);
        assertTrue(p.changed().getFirst().startsWith("org.eclipse.jgit: automatic module given a descriptor"), p.changed().toString());
        Path image = work.resolve("image");
        LinkTool.jlink(List.of("--module-path", String.join(java.io.File.pathSeparator, p.modulePath().stream().map(Path::toString).toList()),
                "--add-modules", String.join(",", p.roots()), "--output", image.toString(),
                "--" + ReachabilityPlugin.NAME + "=" + work.resolve("report")));
        assertEquals(List.of("ce013625030ba8dba906f756967f9e9ca394464a"),
                FixtureReachabilityTest.run(image.resolve("bin/java").toString(), "-m", "app/app.Main").stream()
                        .filter(l -> !l.startsWith("SLF4J")).toList(),
                "git hash-object of \"hello\\n\" (slf4j finds no provider in the image and says so)");
        Set<String> listed = new TreeSet<>(FixtureReachabilityTest.run(image.resolve("bin/java").toString(), "--list-modules")
                .stream().map(l -> l.replaceAll("@.*", "")).toList());
        assertEquals(p.modules(), listed, "the image holds the prepared set");
        assertTrue(listed.contains("org.eclipse.jgit"));
    }

    private static Path jarOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Set<String> names(Set<ModuleDescriptor.Requires> requires) {
        Set<String> out = new TreeSet<>();
        requires.forEach(r -> out.add(r.name()));
        return out;
    }
}
