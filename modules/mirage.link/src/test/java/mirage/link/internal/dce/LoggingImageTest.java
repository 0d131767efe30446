package mirage.link.internal.dce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * java.logging in an image linked with removal (link-rules/java.logging.keep): LogManager makes
 * the handler and formatter the JDK's conf/logging.properties names by their names, which no
 * code of the image holds as constants. A program that logs through System.Logger and
 * java.util.logging (fixture src/test/fixtures/logging) prints its messages from the linked
 * image as it does on the JDK.
 */
class LoggingImageTest {
    static final Path SOURCES = Path.of("src/test/fixtures/logging");

    @Test
    void messages_logged_in_a_linked_image_reach_the_console_handler(@TempDir Path work) throws Exception {
        Path compiled = work.resolve("compiled");
        List<String> args = new ArrayList<>(List.of("--release", "25", "-d", compiled.toString(), "-Xlint:-options"));
        try (Stream<Path> s = Files.walk(SOURCES)) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)),
                "the fixture compiles");
        Path classes = work.resolve("logfix");
        LinkToolFiles.copyWithMainClass(compiled, classes, "logfix.Main");

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> onJdk = messages(FixtureReachabilityTest.run(java.toString(), "-p", classes.toString(), "-m", "logfix/logfix.Main"));
        assertEquals(List.of("WARNING: through System.Logger", "WARNING: through java.util.logging", "done"), onJdk,
                "the fixture on the JDK");

        Path image = work.resolve("image");
        mirage.link.internal.LinkTool.jlink(List.of("--module-path", classes.toString(), "--add-modules", "logfix",
                "--output", image.toString(), "--" + ReachabilityPlugin.NAME + "=" + work.resolve("report")));
        List<String> out = FixtureReachabilityTest.run(image.resolve("bin/java").toString(), "-m", "logfix/logfix.Main");
        assertTrue(out.stream().noneMatch(l -> l.contains("Can't load") || l.contains("ClassNotFoundException")),
                "no handler or formatter missing:\n" + String.join("\n", out));
        assertEquals(onJdk, messages(out), "the linked image logs as the JDK does:\n" + String.join("\n", out));
    }

    /** The level-and-message lines of SimpleFormatter's default format, and the program's own. */
    private static List<String> messages(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("WARNING: ") || l.equals("done")).toList();
    }
}
