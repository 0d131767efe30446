package mirage.interop;

import static mirage.interop.Mirage.exec;
import static mirage.interop.Mirage.mirage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./mirage} and {@code ./mvnw} command lines, and how they find JDK 25. */
class CommandLineTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void help_lists_every_command() {
        Mirage.Result r = mirage("--help");
        assertEquals(0, r.exit());
        for (String command : List.of("configure DIR", "build DIR", "run DIR", "describe DIR", "clean DIR")) {
            assertTrue(r.out().contains(command), r.out());
        }
    }

    @Test
    void a_wrong_command_line_is_a_usage_error_with_one_line() {
        assertEquals(new Mirage.Result(2, "", "mirage: unknown command 'frobnicate' (./mirage --help)\n"),
                mirage("frobnicate", "examples/hello"));
        assertEquals(new Mirage.Result(2, "", "mirage: run needs a unikernel directory (./mirage --help)\n"), mirage("run"));
        assertEquals(new Mirage.Result(2, "", "mirage: no such directory: no/such/dir\n"), mirage("build", "no/such/dir"));
        assertEquals(2, mirage().exit());
    }

    @Test
    void without_a_jdk_25_both_commands_stop_with_one_line_saying_what_to_install(@TempDir Path empty) {
        Map<String, String> noJdk25 = Map.of("MIRAGE_JVM_DIR", empty.toString(), "MIRAGE_JAVA_HOME", "",
                "JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64");
        for (String tool : List.of("mvnw", "mirage")) {
            Mirage.Result r = exec(List.of(Mirage.ROOT.resolve(tool).toString(), "--help"), noJdk25, LIMIT);
            assertEquals(1, r.exit(), tool);
            assertEquals(1, r.errLines().size(), tool + ": " + r.err());
            assertTrue(r.err().startsWith("mirage: no JDK 25 found"), r.err());
            assertTrue(r.err().contains("install a JDK 25 or newer"), r.err());
        }
    }
}
