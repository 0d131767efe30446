package mirage.link.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import mirage.link.Description;
import mirage.link.Devices;
import mirage.link.Impl;
import mirage.link.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A description is checked by javac: a device of the wrong type for a {@code start} parameter,
 * a wrong input to a device, or a missing parameter is a compile error of {@code Config.java}
 * whose message names the types, on the offending line; compiled as the link tool compiles it.
 */
class DescriptionTypingTest {
    @TempDir
    Path dir;

    /**
     * examples/hello's description for {@link DescribedUnikernel}, its start given {@code withs}
     * (one per line, from line 15), then {@code more} statements.
     */
    static String config(List<String> withs, String more) {
        StringBuilder b = new StringBuilder();
        for (String w : withs) {
            b.append("\n                .with(").append(w).append(')');
        }
        return """
                import mirage.core.RuntimeArg;
                import mirage.link.Description;
                import mirage.link.Devices;
                import mirage.link.Job;
                import mirage.link.internal.DescribedUnikernel;

                public final class Config implements Description {
                    static final RuntimeArg<String> HELLO = RuntimeArg.string("hello", "hello", "How to say hello.");
                    static final RuntimeArg<Integer> COUNT = RuntimeArg.integer("count", 4, "How many times.");

                    @Override
                    public Job describe() {
                        %s
                        return Job.named("hello")
                                .start(DescribedUnikernel::start)%s;
                    }
                }
                """.formatted(more, b);
    }

    static String config(String... withs) {
        return config(List.of(withs), "");
    }

    static final String[] GOOD = {"Devices.console()", "Devices.sleep()", "Devices.arg(HELLO)", "Devices.arg(COUNT)"};

    /** Compiles {@code source} as Config.java the way configure does; returns the classes' directory. */
    Path compile(String source) throws Exception {
        Path file = dir.resolve("Config.java");
        Files.writeString(file, source);
        Path out = dir.resolve("classes");
        Javac.compile(Configure.DESCRIPTION, List.of(file), out, List.of("-classpath", System.getProperty("java.class.path")));
        return out;
    }

    /** The compiler's message for {@code source}, which must not compile. */
    String error(String source) {
        LinkException e = assertThrows(LinkException.class, () -> compile(source));
        assertTrue(e.getMessage().startsWith("compiling Config.java failed:\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aWellTypedDescription_compiles_andDescribesTheMainClassAndItsParameters() throws Exception {
        Path classes = compile(config(GOOD));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Job job = ((Description) loader.loadClass("Config").getConstructor().newInstance()).describe();
            assertEquals("hello", job.name());
            assertEquals(Optional.of(DescribedUnikernel.class), job.main());
            assertEquals(List.of(Devices.console(), Devices.sleep()), job.start().subList(0, 2));
            assertEquals("count", ((Impl.Arg<?>) job.start().get(3)).arg().name());
        }
    }

    @Test
    void aDeviceOfTheWrongTypeForAStartParameter_isACompileErrorNamingBothTypes_onItsLine() {
        String message = error(config("Devices.sleep()", "Devices.sleep()", "Devices.arg(HELLO)", "Devices.arg(COUNT)"));
        assertTrue(message.contains("Config.java:16: error: incompatible types: Impl<Sleep> cannot be converted to "
                + "Impl<? extends Console>"), message);
    }

    @Test
    void aRuntimeArgumentOfTheWrongType_isACompileError() {
        String message = error(config("Devices.console()", "Devices.sleep()", "Devices.arg(HELLO)", "Devices.arg(HELLO)"));
        assertTrue(message.contains("Config.java:19: error: incompatible types"), message);
        assertTrue(message.contains("String") && message.contains("Integer"), message);
    }

    @Test
    void aMissingParameter_leavesAPendingJob_andOneTooManyFindsNoWith() {
        String missing = error(config("Devices.console()", "Devices.sleep()", "Devices.arg(HELLO)"));
        assertTrue(missing.contains("incompatible types: Pending1<Integer> cannot be converted to Job"), missing);
        String extra = error(config("Devices.console()", "Devices.sleep()", "Devices.arg(HELLO)", "Devices.arg(COUNT)",
                "Devices.arg(COUNT)"));
        assertTrue(extra.contains("cannot find symbol") && extra.contains("with(Impl<Integer>)"), extra);
    }

    @Test
    void aWrongInputToADevice_isACompileError() {
        String message = error(config(List.of(GOOD), "Object store = Devices.tarKvRo(Devices.netif(\"disk\"));"));
        assertTrue(message.contains("incompatible types: Impl<Netif> cannot be converted to Impl<? extends Block>"), message);
    }

    @Test
    void aChoiceOfTheWrongTypeForAConfigureKey_isACompileError() {
        String message = error(config("Devices.console()",
                "Devices.<mirage.time.Sleep>select(\"sleep\", \"loop\", Devices.sleep()).or(\"clock\", Devices.wallClock())",
                "Devices.arg(HELLO)", "Devices.arg(COUNT)"));
        assertTrue(message.contains("incompatible types: Impl<WallClock> cannot be converted to Impl<? extends Sleep>"), message);
    }
}
