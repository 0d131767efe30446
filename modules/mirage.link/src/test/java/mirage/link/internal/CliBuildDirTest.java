package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --build-dir} and {@code --image-dir}: where mirage-maven-plugin puts a build (target/). */
class CliBuildDirTest {

    @Test
    void theDefaultLayoutKeepsEverythingUnderBuild(@TempDir Path dir) {
        Layout l = new Layout(dir);
        assertEquals(dir.resolve("_build"), l.build());
        assertEquals(dir.resolve("_build/image"), l.image());
        assertEquals(dir.resolve("_build/classes"), l.classes());
    }

    @Test
    void aChosenLayoutPutsTheBuildAndTheImageWhereToldAndNothingUnderTheUnikernel(@TempDir Path dir) {
        Layout l = new Layout(dir, dir.resolve("target/mirage"), dir.resolve("target/image"));
        assertEquals(dir.resolve("target/mirage/classes"), l.classes());
        assertEquals(dir.resolve("target/mirage/boot-plan"), l.plan());
        assertEquals(dir.resolve("target/image"), l.image());
        assertEquals(dir.resolve("target/mirage/runtime"), l.runtime());
    }

    @Test
    void cleanDeletesTheChosenBuildDirectory_notUnderscoreBuild(@TempDir Path dir) throws Exception {
        Path build = Files.createDirectories(dir.resolve("target/mirage"));
        Files.writeString(build.resolve("boot-plan"), "x");
        Path underscore = Files.createDirectories(dir.resolve("_build"));
        assertEquals(0, run("clean", dir.toString(), "--build-dir", build.toString()));
        assertFalse(Files.exists(build));
        assertTrue(Files.isDirectory(underscore), "./mirage's build is not the plugin's");
    }

    @Test
    void aMissingDirectoryIsAUsageError(@TempDir Path dir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[] {"clean", dir.toString(), "--image-dir"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, exit);
        assertEquals("mirage: --image-dir needs a value (mirage --help)\n", err.toString(StandardCharsets.UTF_8));
    }

    private static int run(String... args) {
        return Cli.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    }
}
