package mirage.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What makes {@code mirage:image} relink: the digest of its inputs, and the stamp of the last link. */
class InputsTest {
    @TempDir
    Path dir;

    Path project;
    Path lib;
    Inputs inputs;

    List<String> args() {
        return List.of("build", project.toString(), "--profile", "minimal", "--lib", lib.toString());
    }

    String digest() throws Exception {
        return inputs.digest(args(), Path.of("/jdk"), null, null);
    }

    void setUp() throws Exception {
        project = Files.createDirectories(dir.resolve("p"));
        Files.createDirectories(project.resolve("src/main/java/a"));
        Files.writeString(project.resolve("src/main/java/a/A.java"), "class A {}");
        lib = Files.writeString(dir.resolve("lib.jar"), "jar bytes");
        inputs = new Inputs(project, project.resolve("target/mirage"), project.resolve("target/image"));
    }

    @Test
    void theSameInputsDigestAlike_andEachKindOfChangeChangesTheDigest() throws Exception {
        setUp();
        String first = digest();
        assertEquals(first, digest(), "nothing changed");
        Files.writeString(project.resolve("src/main/java/a/A.java"), "class A { }");
        String source = digest();
        assertNotEquals(first, source, "a source changed");
        Files.writeString(project.resolve("Config.java"), "x");
        String config = digest();
        assertNotEquals(source, config, "a description beside appeared");
        Files.writeString(lib, "other jar bytes");
        String jar = digest();
        assertNotEquals(config, jar, "a dependency's content changed");
        String other = inputs.digest(List.of("build", project.toString(), "--profile", "server", "--lib", lib.toString()),
                Path.of("/jdk"), null, null);
        assertNotEquals(jar, other, "an option changed");
        assertNotEquals(jar, inputs.digest(args(), Path.of("/other-jdk"), null, null), "the JDK changed");
        Files.move(project.resolve("src/main/java/a/A.java"), project.resolve("src/main/java/a/B.java"));
        assertNotEquals(jar, digest(), "a file renamed, same content");
    }

    @Test
    void upToDateOnlyWithTheStampOfTheSameDigest_andTheLauncherPresent() throws Exception {
        setUp();
        String d = digest();
        assertFalse(inputs.upToDate(d), "never linked");
        Path build = Files.createDirectories(project.resolve("target/mirage"));
        Files.writeString(build.resolve("boot-plan"), "mirage-boot-plan 1\nname\thi\n");
        inputs.linked(d);
        assertFalse(inputs.upToDate(d), "no launcher");
        Path bin = Files.createDirectories(project.resolve("target/image/bin")).resolve("hi");
        Files.writeString(bin, "#!/bin/sh\n");
        assertTrue(bin.toFile().setExecutable(true));
        assertTrue(inputs.upToDate(d));
        assertFalse(inputs.upToDate(d.replace(d.charAt(0), d.charAt(0) == 'a' ? 'b' : 'a')), "another digest");
    }
}
