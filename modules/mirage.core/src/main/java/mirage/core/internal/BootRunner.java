package mirage.core.internal;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import mirage.core.ArgumentException;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import mirage.core.Unikernel;
import mirage.core.internal.text.Printable;
import mirage.core.spi.Boot;
import mirage.core.spi.EventLoop;
import mirage.core.spi.Platform;

/** Implements {@link Boot#run}. */
public final class BootRunner {
    private BootRunner() {}

    public static int run(String program, Supplier<? extends Platform> platforms, List<RuntimeArg<?>> args,
            String[] argv, Boot.Entry entry) {
        Platform made;
        try {
            made = platforms.get();
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            System.err.println(program + ": cannot boot: " + Printable.of(why));
            return Unikernel.EXIT_FAILURE;
        }
        try (Platform platform = made) {
            Arguments arguments;
            try {
                List<String> rest = platform.bind(Arrays.asList(argv));
                int end = rest.indexOf("--");
                if ((end < 0 ? rest : rest.subList(0, end)).contains("--help")) {
                    System.out.print(Arguments.usage(program, args));
                    System.out.flush();
                    return Unikernel.EXIT_HELP;
                }
                arguments = Arguments.parse(args, rest);
            } catch (ArgumentException e) {
                System.err.println(program + ": " + e.getMessage());
                return Unikernel.EXIT_USAGE;
            }
            Loop loop = new Loop(platform);
            Context context = new Context(platform, loop, arguments);
            Starter starter = new Starter(entry, context, loop);
            Thread.ofVirtual().name(program).start(starter);
            loop.run();
            if (starter.failure != null) {
                platform.console().println(program + ": start failed: " + Printable.of(starter.failure.toString()));
                return Unikernel.EXIT_FAILURE;
            }
            return Unikernel.EXIT_OK;
        }
    }

    /**
     * Runs the unikernel's start on its virtual thread and stops the loop when it ends. A named
     * class, not a lambda: the first lambda of a process costs milliseconds of start-up.
     */
    private static final class Starter implements Runnable {
        private final Boot.Entry entry;
        private final Boot.Context context;
        private final Loop loop;
        /** Written before {@link Loop#stop()}, read after {@link Loop#run()} returns. */
        Throwable failure;

        Starter(Boot.Entry entry, Boot.Context context, Loop loop) {
            this.entry = entry;
            this.context = context;
            this.loop = loop;
        }

        @Override
        public void run() {
            try {
                entry.start(context);
            } catch (Throwable e) {
                failure = e;
            } finally {
                loop.stop();
            }
        }
    }

    private record Context(Platform platform, EventLoop loop, Arguments arguments) implements Boot.Context {}
}
