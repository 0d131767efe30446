package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mirage describe} of examples/hello and examples/echo against golden files in
 * {@code src/test/resources/describe/} (sizes of modules replaced by N: they change with every
 * library change; accept a deliberate change with {@code -Dmirage.golden.update=true} and review
 * the diff), and {@code --dot} accepted by Graphviz's {@code dot}: installed with apt-get (Debian
 * package {@code graphviz}) when missing and root, skipped otherwise.
 */
class DescribeTest {
    static final Path GOLDEN = Path.of("src/test/resources/describe").toAbsolutePath();

    @TempDir
    static Path work;

    @BeforeAll
    static void libraries() throws IOException {
        Mirage.markLibrariesBuilt();
    }

    private static final java.util.concurrent.atomic.AtomicInteger COPIES = new java.util.concurrent.atomic.AtomicInteger();

    static String describe(String example, String... more) throws IOException {
        Path uk = Mirage.copyExample(example, work.resolve(example + "-" + COPIES.incrementAndGet()));
        List<String> args = new ArrayList<>(List.of("describe", uk.toString(), "-q"));
        args.addAll(List.of(more));
        Mirage.Result r = Mirage.mirage(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err(), "-q: nothing but the description");
        return r.out();
    }

    /** The text with the numbers of the module table replaced by N and its columns closed up. */
    static String normalized(String text) {
        StringBuilder b = new StringBuilder();
        boolean modules = false;
        for (String line : text.lines().toList()) {
            if (line.startsWith("modules: ")) {
                modules = true;
            } else if (line.isEmpty()) {
                modules = false;
            } else if (modules) {
                line = line.replaceAll("(?<= )[0-9]+(?= |$)", "N").replaceAll(" {2,}", "  ");
            }
            b.append(line).append('\n');
        }
        return b.toString();
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path file = GOLDEN.resolve(name);
        if (Boolean.getBoolean("mirage.golden.update")) {
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(file), file + " is missing: run with -Dmirage.golden.update=true to write it");
        assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual,
                name + " changed; if on purpose, run with -Dmirage.golden.update=true and review the diff");
    }

    @Test
    void hello_matchesItsGoldenDescription() throws IOException {
        assertGolden("hello.txt", normalized(describe("hello")));
    }

    @Test
    void echo_matchesItsGoldenDescription_withOneRandomGeneratorSharedByTheStackAndTls() throws IOException {
        String text = describe("echo");
        assertGolden("echo.txt", normalized(text));
        List<String> drbg = text.lines().filter(l -> l.contains("mirage.core.Rng.drbg(#")).toList();
        assertEquals(2, drbg.size(), "once in the graph, once in the boot plan: " + drbg);
        assertTrue(drbg.getFirst().matches("  #14 +mirage\\.core\\.Rng\\.drbg\\(#13\\) +mirage\\.core\\.Rng +shared by #15, #19"),
                drbg.getFirst());
    }

    @Test
    void echo_withTheHostStack_hasNoDeviceAndNoNetworkInterface() throws IOException {
        String text = describe("echo", "--stack=host");
        assertTrue(text.contains("  --stack=host  (direct|host; default direct)\n"), text);
        assertTrue(text.contains("\nmanifest: no devices\n"), text);
        assertTrue(text.contains("mirage.net.Stack.host(#"), text);
        assertTrue(!text.contains("Netif"), text);
    }

    @Test
    void dot_isAcceptedByGraphviz() throws IOException {
        boolean haveDot = Mirage.exec(List.of("sh", "-c", "command -v dot"), Duration.ofSeconds(10)).exit() == 0;
        if (!haveDot) {
            boolean root = Mirage.exec(List.of("id", "-u"), Duration.ofSeconds(10)).out().strip().equals("0");
            assumeTrue(root, "needs Graphviz's dot: install the Debian package graphviz, or run as root so the test installs it");
            Host.require("dot", "graphviz");
        }
        for (String example : List.of("hello", "echo")) {
            String dot = describe(example, "--dot");
            assertTrue(dot.startsWith("digraph \"" + example + "\" {\n"), dot);
            Path in = Files.writeString(work.resolve(example + ".dot"), dot);
            Path svg = work.resolve(example + ".svg");
            Mirage.Result r = Host.run(List.of("dot", "-Tsvg", "-o", svg.toString(), in.toString()), Duration.ofSeconds(60));
            assertEquals("", r.err(), "dot warns about nothing");
            String picture = Files.readString(svg);
            assertTrue(picture.contains("<svg") && picture.contains(example + ".") , picture);
        }
    }
}
