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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirage used from outside this repository, as a user would (issue 16): the published artifacts
 * are installed into a fresh local repository, {@code archetype:generate} makes a project from
 * {@code mirage-archetype} in a temporary directory, the test adds {@code mirage.net} and
 * {@code mirage.tls} to its dependencies, and {@code mvn -o package} (offline, after one build
 * that fetched the third-party artifacts from the build's own local repository through a
 * {@code file:} URL, never from the network) links {@code target/image}, which boots and holds
 * only the modules the unikernel needs. A project without its description fails with
 * {@code ./mirage}'s message.
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
    Path work;

    @Test
    void theArchetypesProjectLinksOfflineBootsAndHoldsOnlyWhatItNeeds() throws Exception {
        Path repo = install(work.resolve("repo"));
        Path settings = settings(work.resolve("settings.xml"));
        Path projects = Files.createDirectories(work.resolve("projects"));

        Result generated = mvn(projects, settings, repo, "org.apache.maven.plugins:maven-archetype-plugin:3.4.0:generate",
                "-DarchetypeGroupId=" + GROUP, "-DarchetypeArtifactId=mirage-archetype", "-DarchetypeVersion=" + VERSION,
                "-DgroupId=com.example", "-DartifactId=hi", "-Dversion=1.0", "-Dpackage=com.example.hi",
                "-DinteractiveMode=false");
        assertEquals(0, generated.exit(), generated.out());
        Path project = projects.resolve("hi");
        assertTrue(Files.isRegularFile(project.resolve("Config.java")), "the description beside the POM");
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/com/example/hi/Hello.java")));

        // The user adds the network stack and TLS; the hello unikernel reaches neither.
        Path pom = project.resolve("pom.xml");
        String text = Files.readString(pom);
        int end = text.lastIndexOf("  </dependencies>");
        String withNet = text.substring(0, end) + """
                    <dependency>
                      <groupId>io.github.mirage-java</groupId>
                      <artifactId>mirage.net</artifactId>
                    </dependency>
                    <dependency>
                      <groupId>io.github.mirage-java</groupId>
                      <artifactId>mirage.tls</artifactId>
                    </dependency>
                  </dependencies>""" + text.substring(end + "  </dependencies>".length());
        Files.writeString(pom, withNet);

        // One build through the file: repository fills the fresh local repository with the
        // third-party artifacts; then the build that counts, offline, from a clean target/.
        Result first = mvn(project, settings, repo, "-Dmirage.quiet", "package");
        assertEquals(0, first.exit(), first.out());
        deleteTree(project.resolve("target"));
        Result offline = mvn(project, settings, repo, "-o", "package");
        assertEquals(0, offline.exit(), offline.out());
        assertTrue(offline.out().contains("mirage: image " + project.resolve("target/image")), offline.out());

        Path bin = project.resolve("target/image/bin/hi");
        Result booted = exec(project, List.of(bin.toString(), "--count=2", "--hello=outside"), Map.of(), Duration.ofMinutes(1));
        assertEquals(0, booted.exit(), booted.out());
        assertEquals("outside\noutside\n", booted.out());

        Result modules = exec(project, List.of(project.resolve("target/image/bin/java").toString(), "--list-modules"), Map.of(),
                Duration.ofMinutes(1));
        List<String> names = modules.out().lines().map(l -> l.replaceFirst("@.*", "")).sorted().toList();
        assertEquals(List.of("com.example.hi", "java.base", "mirage.core", "mirage.platform.solo5", "mirage.time"), names,
                "mirage.net, mirage.tls and Bouncy Castle are dependencies the unikernel does not reach");

        // The same message as ./mirage when the project is no unikernel.
        Files.delete(project.resolve("Config.java"));
        Result broken = mvn(project, settings, repo, "-o", "package");
        assertTrue(broken.exit() != 0);
        assertTrue(broken.out().contains("mirage: " + project + " is not a unikernel: it has no Config.java"), broken.out());
    }

    /** The published artifacts as this build left them, in a local repository's layout. */
    static Path install(Path repo) throws IOException {
        for (String[] m : PUBLISHED) {
            Path from = Mirage.ROOT.resolve(m[0]);
            Path dir = Files.createDirectories(repo.resolve(GROUP.replace('.', '/')).resolve(m[1]).resolve(VERSION));
            String base = m[1] + "-" + VERSION;
            Files.copy(from.resolve("pom.xml"), dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
            if (m[2].equals("jar")) {
                Path jar = from.resolve("target").resolve(base + ".jar");
                assertTrue(Files.isRegularFile(jar), jar + " is built before the interop tests run");
                Files.copy(jar, dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return repo;
    }

    /**
     * Settings whose only remote repository is the running build's own local repository (a
     * {@code file:} URL; it has no checksum files): third-party artifacts come from there, so
     * nothing is fetched from the network.
     */
    static Path settings(Path file) throws IOException {
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

    static Result mvn(Path dir, Path settings, Path repo, String... args) {
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
