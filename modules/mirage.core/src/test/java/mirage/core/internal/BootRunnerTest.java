package mirage.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import mirage.core.ArgumentException;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import mirage.core.Unikernel;
import mirage.core.spi.Boot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import mirage.testkit.VirtualPlatform;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BootRunnerTest {
    static final RuntimeArg<Integer> COUNT = RuntimeArg.integer("count", 1, "How many times");
    static final RuntimeArg<String> NAME = RuntimeArg.requiredString("name", "Who to greet");
    static final List<RuntimeArg<?>> ARGS = List.of(NAME, COUNT);

    record Outcome(int status, String out, String err) {}

    /** Runs a boot with System.out and System.err captured. */
    static Outcome boot(java.util.function.Supplier<VirtualPlatform> platform, Boot.Entry entry, String... argv) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            status = Boot.run("hello", platform, ARGS, argv, entry);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        // Once a @FuzzTest has run in this JVM, Jazzer's agent reports each class it instruments
        // on System.err; those lines are not the boot's.
        String errText = e.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> !l.matches("INFO: Instrumented \\S+ with custom hooks only.*"))
                .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
        return new Outcome(status, o.toString(StandardCharsets.UTF_8), errText);
    }

    static final Boot.Entry NEVER = c -> {
        throw new AssertionError("start must not be called");
    };

    @Test
    void helpPrintsUsageAndReturns63() {
        VirtualPlatform p = VirtualPlatform.create();
        Outcome r = boot(() -> p, NEVER, "--count=x", "--help");
        assertEquals(Unikernel.EXIT_HELP, r.status());
        assertEquals(Arguments.usage("hello", ARGS), r.out());
        assertEquals("", r.err());
        assertTrue(p.closed());
    }

    @Test
    void helpAfterDoubleDashIsNotHelp() {
        AtomicBoolean started = new AtomicBoolean();
        Outcome r = boot(VirtualPlatform::create, c -> started.set(true), "--name=x", "--", "--help");
        assertEquals(Unikernel.EXIT_OK, r.status());
        assertTrue(started.get());
    }

    @Test
    void unknownArgumentReturns64WithOneLineNamingIt() {
        VirtualPlatform p = VirtualPlatform.create();
        Outcome r = boot(() -> p, NEVER, "--name=x", "--foo=1");
        assertEquals(Unikernel.EXIT_USAGE, r.status());
        assertEquals("hello: unknown argument --foo\n", r.err());
        assertEquals("", r.out());
        assertTrue(p.closed());
    }

    @Test
    void missingArgumentReturns64() {
        Outcome r = boot(VirtualPlatform::create, NEVER);
        assertEquals(Unikernel.EXIT_USAGE, r.status());
        assertEquals("hello: missing required argument --name=TEXT\n", r.err());
    }

    @Test
    void refusedBindingReturns64() {
        VirtualPlatform p = VirtualPlatform.create();
        p.binder(argv -> {
            throw new ArgumentException(ArgumentException.Problem.DEVICE, "--net:service", "device 'service' is not bound");
        });
        Outcome r = boot(() -> p, NEVER, "--name=x");
        assertEquals(Unikernel.EXIT_USAGE, r.status());
        assertEquals("hello: device 'service' is not bound\n", r.err());
        assertTrue(p.closed());
    }

    @Test
    void argumentsAreThoseLeftByBind() {
        VirtualPlatform p = VirtualPlatform.create();
        p.binder(argv -> argv.subList(1, argv.size()));
        AtomicReference<Object> seen = new AtomicReference<>();
        Outcome r = boot(() -> p, c -> seen.set(c.arguments().get(NAME)), "--net:x=tap0", "--name=world");
        assertEquals(Unikernel.EXIT_OK, r.status());
        assertEquals("world", seen.get());
    }

    @Test
    void successReturns0AndClosesThePlatform() {
        VirtualPlatform p = VirtualPlatform.create();
        AtomicReference<String> seen = new AtomicReference<>();
        Outcome r = boot(() -> p, c -> {
            assertTrue(Thread.currentThread().isVirtual());
            assertFalse(c.loop().inLoop());
            assertTrue(c.platform() == p);
            // the loop runs while start does
            CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
            c.loop().execute(() -> onLoop.complete(c.loop().inLoop()));
            assertTrue(onLoop.get());
            seen.set(c.arguments().get(NAME) + " x" + c.arguments().get(COUNT));
        }, "--name", "world", "--count=3");
        assertEquals(new Outcome(Unikernel.EXIT_OK, "", ""), r);
        assertEquals("world x3", seen.get());
        assertTrue(p.closed());
        assertEquals(List.of(), p.consoleLines());
    }

    @Test
    void startThrowingReturns1WithOneConsoleLine() {
        VirtualPlatform p = VirtualPlatform.create();
        Outcome r = boot(() -> p, c -> {
            throw new IllegalStateException("boom");
        }, "--name=x");
        assertEquals(Unikernel.EXIT_FAILURE, r.status());
        assertEquals(List.of("hello: start failed: java.lang.IllegalStateException: boom"), p.consoleLines());
        assertTrue(p.closed());
    }

    @Test
    void startThrowingAMultiLineMessageStillGivesOneLine() {
        VirtualPlatform p = VirtualPlatform.create();
        Outcome r = boot(() -> p, c -> {
            throw new Exception("first\nsecond");
        }, "--name=x");
        assertEquals(Unikernel.EXIT_FAILURE, r.status());
        assertEquals(1, p.consoleLines().size());
        assertEquals(1, p.consoleLines().getFirst().lines().count(), p.consoleLines().getFirst());
        assertTrue(p.consoleLines().getFirst().contains("first"), p.consoleLines().getFirst());
    }

    @Test
    void platformSupplierThrowingReturns1WithOneLine() {
        Outcome r = boot(() -> {
            throw new IllegalStateException("cannot read the device manifest /x/mirage/manifest: No such file");
        }, NEVER, "--name=x");
        assertEquals(Unikernel.EXIT_FAILURE, r.status());
        assertEquals("hello: cannot boot: cannot read the device manifest /x/mirage/manifest: No such file\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void platformFailureWithoutMessageNamesTheException() {
        Outcome r = boot(() -> {
            throw new UnsupportedOperationException();
        }, NEVER);
        assertEquals(Unikernel.EXIT_FAILURE, r.status());
        assertEquals("hello: cannot boot: java.lang.UnsupportedOperationException\n", r.err());
    }

    @Test
    void platformFailureWithALineBreakIsOneLine() {
        Outcome r = boot(() -> {
            throw new IllegalStateException("bad\nmanifest");
        }, NEVER);
        assertEquals(Unikernel.EXIT_FAILURE, r.status());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("hello: cannot boot: bad"), r.err());
    }
}
