package mirage.gitstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module links: jlink takes mirage.gitstore with the build's target/modules (JGit with its
 * generated descriptor), the image runs a program that uses both backends, and C git accepts
 * the repository it wrote. Prints what JGit brings into an image and the sizes
 * (docs/decisions/0021).
 */
class LinkedImageTest {
    @TempDir
    Path tmp;

    static final Path MODULES = Path.of("target/modules");
    static final Path CLASSES = Path.of(System.getProperty("mirage.module.classes", "target/classes"));

    static final String SMOKE = """
            package smoke;

            import java.nio.file.Path;
            import java.time.Instant;
            import java.util.List;
            import mirage.gitstore.*;
            import mirage.kv.Key;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    Author me = new Author("image", "image@example.org");
                    try (GitStore mem = GitStore.memory(Instant::now)) {
                        mem.main().set(Key.of("a"), "1".getBytes(), CommitInfo.of(me, "one"));
                        mem.testAndSetHead("dev", java.util.Optional.empty(), mem.main().head());
                        mem.branch("dev").set(Key.of("b"), "2".getBytes(), CommitInfo.of(me, "two"));
                        mem.main().set(Key.of("c"), "3".getBytes(), CommitInfo.of(me, "three"));
                        MergeResult r = mem.main().merge("dev", CommitInfo.of(me, "merge"), MergePolicy.failOnConflict());
                        System.out.println("memory " + r.succeeded() + " " + mem.main().snapshot().values(Key.ROOT).size());
                    }
                    try (GitStore disk = GitStore.openBare(Path.of(args[0]), Instant::now)) {
                        disk.main().kv(me).set(Key.parse("/x/y"), "z".getBytes());
                        System.out.println("disk " + new String(disk.main().get(Key.parse("/x/y")).orElseThrow()));
                    }
                }
            }
            """;

    @Test
    void anImageWithTheStoreRunsAndJGitIsANamedModuleInIt() throws Exception {
        assumeTrue(Files.isRegularFile(MODULES.resolve("org.eclipse.jgit.jar")), "target/modules is made by the Maven build");
        assumeTrue(ModuleFinder.of(MODULES).find("org.eclipse.jgit").flatMap(m -> m.descriptor().isAutomatic() ? java.util.Optional.empty() : java.util.Optional.of(m)).isPresent(),
                "JGit in target/modules has no descriptor");
        Path src = tmp.resolve("src/smoke");
        Files.createDirectories(src.resolve("smoke"));
        Files.writeString(src.resolve("module-info.java"), "module smoke { requires mirage.gitstore; }");
        Files.writeString(src.resolve("smoke/Main.java"), SMOKE);
        Path smoke = tmp.resolve("smoke");
        String modulePath = MODULES + java.io.File.pathSeparator + CLASSES;
        run("javac", "--module-path", modulePath, "-d", smoke.toString(),
                src.resolve("module-info.java").toString(), src.resolve("smoke/Main.java").toString());

        Path image = tmp.resolve("image");
        run("jlink", "--module-path", modulePath + java.io.File.pathSeparator + smoke, "--add-modules", "smoke",
                "--strip-debug", "--no-header-files", "--no-man-pages", "--output", image.toString());
        Path floor = tmp.resolve("floor");
        run("jlink", "--module-path", modulePath, "--add-modules", "mirage.kv,mirage.time",
                "--strip-debug", "--no-header-files", "--no-man-pages", "--output", floor.toString());

        Path repo = tmp.resolve("store.git");
        String out = exec(image.resolve("bin/java").toString(), "-m", "smoke/smoke.Main", repo.toString());
        assertEquals(List.of("memory true 3", "disk z"), out.lines().filter(l -> !l.startsWith("SLF4J")).toList());
        if (Fixtures.gitInstalled()) {
            Fixtures.fsck(repo);
            assertEquals(1, Fixtures.git(repo, "log", "--oneline").lines().count());
        }

        Set<String> modules = new TreeSet<>(exec(image.resolve("bin/java").toString(), "--list-modules").lines()
                .map(l -> l.replaceAll("@.*", "")).toList());
        Set<String> floorModules = new TreeSet<>(exec(floor.resolve("bin/java").toString(), "--list-modules").lines()
                .map(l -> l.replaceAll("@.*", "")).toList());
        Set<String> added = new TreeSet<>(modules);
        added.removeAll(floorModules);
        assertEquals(Set.of("smoke", "mirage.gitstore", "mirage.block", "org.eclipse.jgit", "com.googlecode.javaewah", "org.slf4j",
                "org.apache.commons.codec", "java.management", "java.security.jgss", "java.sql", "java.xml",
                "java.naming", "java.security.sasl", "java.transaction.xa", "java.logging"), added,
                "modules the store brings into an image");
        System.out.printf("gitstore image: %.1f MB; floor (java.base, mirage.core, mirage.kv, mirage.time): %.1f MB;"
                        + " the store adds %s%n", size(image) / 1e6, size(floor) / 1e6, added);
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void run(String tool, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int rc = ToolProvider.findFirst(tool).orElseThrow().run(ps, ps, args);
        if (rc != 0) {
            throw new AssertionError(tool + " failed (" + rc + "):\n" + out.toString(StandardCharsets.UTF_8));
        }
    }

    static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}
