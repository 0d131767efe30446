package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirage used from outside this repository, as a user would (issue 16): the published artifacts
 * are installed into a fresh local repository, {@code archetype:generate} makes a project from
 * {@code mirage-archetype} in a temporary directory, the test adds {@code mirage.net} and
 * {@code mirage.tls} to its dependencies, and {@code mvn -o package} (offline, after one build
 * with the link skipped that fetched the third-party artifacts from the build's own local
 * repository through a {@code file:} URL, never from the network) links {@code target/image},
 * which boots and holds only the modules the unikernel needs; its description is a class of its
 * own module. A second build relinks nothing, a changed source relinks; {@code -Dmirage.aot}
 * reaches the tool. A project without its description fails with {@code ./mirage}'s message. The
 * same for a project on mirage.gitstore, described by {@code Config.java} beside the POM: JGit, an
 * automatic module, is linked with the descriptor mirage.link generates.
 *
 * <p>Starts Maven (this repository's wrapper, the only thing of the repository it uses) on a
 * project of its own with its own local repository: never on this repository's modules, never
 * on the shared one.
 */
class OutsideProjectTest {
    static final String VERSION = System.getProperty("mirage.version", "0.1.0-SNAPSHOT");
    static final String GROUP = "io.github.mirage-java";
    /** The published modules: directory in this repository, artifactId, packaging. */
    static final List<String[]> PUBLISHED = List.of(
            new String[] {".", "mirage.parent", "pom"},
            new String[] {"modules/mirage.bom", "mirage.bom", "pom"},
            new String[] {"modules/mirage.core", "mirage.core", "jar"},
            new String[] {"modules/mirage.kv", "mirage.kv", "jar"},
            new String[] {"modules/mirage.link", "mirage.link", "jar"},
            new String[] {"modules/mirage-maven-plugin", "mirage-maven-plugin", "jar"},
            new String[] {"modules/mirage-archetype", "mirage-archetype", "jar"},
            new String[] {"mirage.time", "mirage.time", "jar"},
            new String[] {"mirage.net", "mirage.net", "jar"},
            new String[] {"mirage.tls", "mirage.tls", "jar"},
            new String[] {"mirage.http", "mirage.http", "jar"},
            new String[] {"mirage.block", "mirage.block", "jar"},
            new String[] {"mirage.git-store", "mirage.gitstore", "jar"},
            new String[] {"mirage.platform-solo5", "mirage.platform.solo5", "jar"},
            new String[] {"mirage.platform-xen", "mirage.platform.xen", "jar"});

    @TempDir
    static Path work;
    static Path repo;
    static Path settings;

    @BeforeAll
    static void installIntoAFreshRepository() throws IOException {
        repo = install(work.resolve("repo"));
        settings = writeSettings(work.resolve("settings.xml"));
    }

    @Test
    void theArchetypesProjectLinksOfflineBootsAndHoldsOnlyWhatItNeeds() throws Exception {
        Path project = generate("hi", "com.example.hi");
        Path description = project.resolve("src/main/java/com/example/hi/Config.java");
        assertTrue(Files.isRegularFile(description), "the description in the unikernel's module");
        assertTrue(!Files.exists(project.resolve("Config.java")), "none beside the POM");
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/com/example/hi/Hello.java")));

        // The user adds the network stack and TLS; the hello unikernel reaches neither.
        addDependencies(project, "mirage.net", "mirage.tls");
        buildOffline(project);

        Result booted = exec(project, List.of(project.resolve("target/image/bin/hi").toString(), "--count=2",
                "--hello=outside"), Map.of(), Duration.ofMinutes(1));
        assertEquals(0, booted.exit(), booted.out());
        assertEquals("outside\noutside\n", booted.out());
        assertEquals(List.of("com.example.hi", "java.base", "mirage.core", "mirage.platform.solo5", "mirage.time"),
                imageModules(project), "mirage.net, mirage.tls and Bouncy Castle are dependencies the unikernel does not reach");

        // Nothing changed: no relink. A source changed: relinked.
        Result again = mvn(project, "-o", "-Dmirage.quiet", "package");
        assertEquals(0, again.exit(), again.out());
        assertTrue(again.out().contains("mirage: image " + project.resolve("target/image") + " is up to date"), again.out());
        Path hello = project.resolve("src/main/java/com/example/hi/Hello.java");
        Files.writeString(hello, Files.readString(hello).replace("console.println(hello);", "console.println(hello + \"!\");"));
        Result changed = mvn(project, "-o", "-Dmirage.quiet", "package");
        assertEquals(0, changed.exit(), changed.out());
        assertTrue(changed.out().contains("mirage: image " + project.resolve("target/image") + "\n")
                && !changed.out().contains("is up to date"), changed.out());
        Result bang = exec(project, List.of(project.resolve("target/image/bin/hi").toString(), "--count=1", "--hello=new"),
                Map.of(), Duration.ofMinutes(1));
        assertEquals("new!\n", bang.out());

        // -Dmirage.aot reaches the tool, which checks it.
        Result aot = mvn(project, "-o", "-Dmirage.aot=sometimes", "package");
        assertTrue(aot.exit() != 0);
        assertTrue(aot.out().contains("--aot= takes on, off or profile, not 'sometimes'"), aot.out());

        // The same message as ./mirage when the project is no unikernel.
        Files.delete(description);
        Result broken = mvn(project, "-o", "package");
        assertTrue(broken.exit() != 0);
        assertTrue(broken.out().contains("mirage: " + project + " is not a unikernel: it has no Config.java and no class in "
                + "src/main/java implements mirage.link.Description"), broken.out());
    }

    @Test
    void aGitStoreProjectLinksJGitWithItsGeneratedDescriptor() throws Exception {
        Path project = generate("store", "com.example.store");
        addDependencies(project, "mirage.gitstore");
        // this project's description is Config.java beside the POM, the other form
        Files.delete(project.resolve("src/main/java/com/example/store/Config.java"));
        Files.writeString(project.resolve("src/main/java/module-info.java"), """
                /** A unikernel that commits to a git store in memory. */
                module com.example.store {
                    requires mirage.gitstore;
                    requires mirage.time; // the memory store's WallClock

                    exports com.example.store;
                }
                """);
        Path hello = project.resolve("src/main/java/com/example/store/Hello.java");
        Files.writeString(hello, """
                package com.example.store;

                import java.nio.charset.StandardCharsets;
                import mirage.core.Console;
                import mirage.core.Unikernel;
                import mirage.gitstore.Author;
                import mirage.gitstore.CommitInfo;
                import mirage.gitstore.GitStore;
                import mirage.kv.Key;

                /** Writes a key (one commit) and prints it back with the log's length. */
                public final class Hello implements Unikernel {
                    public void start(Console console, GitStore git) throws Exception {
                        git.main().set(Key.of("greeting"), "hello".getBytes(StandardCharsets.UTF_8),
                                CommitInfo.of(new Author("store", "store@localhost"), "greet"));
                        console.println(new String(git.main().get(Key.of("greeting")).orElseThrow(), StandardCharsets.UTF_8)
                                + ", " + git.main().log(0, 10).size() + " commit");
                    }
                }
                """);
        Files.writeString(project.resolve("Config.java"), """
                import com.example.store.Hello;
                import mirage.link.Description;
                import mirage.link.Devices;
                import mirage.link.Job;

                public final class Config implements Description {
                    @Override
                    public Job describe() {
                        return Job.named("store").start(Hello::start).with(Devices.console()).with(Devices.memoryGitStore());
                    }
                }
                """);
        buildOffline(project);

        Result booted = exec(project, List.of(project.resolve("target/image/bin/store").toString()), Map.of(),
                Duration.ofMinutes(1));
        assertEquals(0, booted.exit(), booted.out());
        assertEquals("hello, 1 commit\n", booted.out());
        List<String> modules = imageModules(project);
        assertTrue(modules.contains("org.eclipse.jgit") && modules.contains("mirage.gitstore"), modules.toString());
        assertTrue(!modules.contains("mirage.net") && !modules.contains("mirage.tls"), modules.toString());
    }

    /** {@code archetype:generate} of mirage-archetype into a new directory under {@code work}. */
    static Path generate(String artifactId, String pkg) throws IOException {
        Path projects = Files.createDirectories(work.resolve("projects-" + artifactId));
        Result generated = mvn(projects, "org.apache.maven.plugins:maven-archetype-plugin:3.4.0:generate",
                "-DarchetypeGroupId=" + GROUP, "-DarchetypeArtifactId=mirage-archetype", "-DarchetypeVersion=" + VERSION,
                "-DgroupId=com.example", "-DartifactId=" + artifactId, "-Dversion=1.0", "-Dpackage=" + pkg,
                "-DinteractiveMode=false");
        assertEquals(0, generated.exit(), generated.out());
        return projects.resolve(artifactId);
    }

    /** Adds mirage modules (versions from the imported BOM) to the project's dependencies. */
    static void addDependencies(Path project, String... artifactIds) throws IOException {
        Path pom = project.resolve("pom.xml");
        String text = Files.readString(pom);
        int end = text.lastIndexOf("  </dependencies>");
        StringBuilder deps = new StringBuilder();
        for (String a : artifactIds) {
            deps.append("    <dependency>\n      <groupId>").append(GROUP).append("</groupId>\n      <artifactId>")
                    .append(a).append("</artifactId>\n    </dependency>\n");
        }
        Files.writeString(pom, text.substring(0, end) + deps + text.substring(end));
    }

    /**
     * One build through the {@code file:} repository with the link skipped fills the fresh
     * local repository with the third-party artifacts; then the build that counts, offline.
     */
    static void buildOffline(Path project) {
        Result fill = mvn(project, "-Dmirage.skip", "package");
        assertEquals(0, fill.exit(), fill.out());
        Result offline = mvn(project, "-o", "-Dmirage.quiet", "package");
        assertEquals(0, offline.exit(), offline.out());
        assertTrue(offline.out().contains("mirage: image " + project.resolve("target/image")), offline.out());
    }

    /** The image's modules, as its {@code bin/java --list-modules} names them, sorted. */
    static List<String> imageModules(Path project) {
        Result modules = exec(project, List.of(project.resolve("target/image/bin/java").toString(), "--list-modules"),
                Map.of(), Duration.ofMinutes(1));
        assertEquals(0, modules.exit(), modules.out());
        return modules.out().lines().map(l -> l.replaceFirst("@.*", "")).sorted().toList();
    }

    /** The published artifacts as this build left them, in a local repository's layout. */
    static Path install(Path into) throws IOException {
        for (String[] m : PUBLISHED) {
            Path from = Mirage.ROOT.resolve(m[0]);
            Path dir = Files.createDirectories(into.resolve(GROUP.replace('.', '/')).resolve(m[1]).resolve(VERSION));
            String base = m[1] + "-" + VERSION;
            Files.copy(from.resolve("pom.xml"), dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
            if (m[2].equals("jar")) {
                Path jar = from.resolve("target").resolve(base + ".jar");
                assertTrue(Files.isRegularFile(jar), jar + " is built before the interop tests run");
                Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return into;
    }

    /**
     * Settings whose only remote repository is the running build's own local repository (a
     * {@code file:} URL; it has no checksum files): third-party artifacts come from there, so
     * nothing is fetched from the network.
     */
    static Path writeSettings(Path file) throws IOException {
        String m2 = Path.of(System.getProperty("mirage.m2.repository",
                System.getProperty("user.home") + "/.m2/repository")).toUri().toString();
        String repository = """
                <id>central</id><url>%s</url>
                <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
                """.formatted(m2);
        Files.writeString(file, """
                <settings>
                  <profiles>
                    <profile>
                      <id>build-repository</id>
                      <repositories><repository>%s</repository></repositories>
                      <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>build-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(repository, repository), StandardCharsets.UTF_8);
        return file;
    }

    record Result(int exit, String out) {}

    static Result mvn(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(Mirage.ROOT.resolve("mvnw").toString(), "-B", "-ntp",
                "-s", settings.toString(), "-Dmaven.repo.local=" + repo));
        command.addAll(List.of(args));
        // The JDK these tests run on (25): the project compiles for 25 and the plugin links with it.
        return exec(dir, command, Map.of("JAVA_HOME", System.getProperty("java.home")), Duration.ofMinutes(5));
    }

    /** Runs {@code command} in {@code dir}, its standard error folded into its output. */
    static Result exec(Path dir, List<String> command, Map<String, String> env, Duration limit) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            pb.environment().remove("MAVEN_ARGS");
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish within " + limit + ": " + command);
            }
            return new Result(p.exitValue(), out.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
