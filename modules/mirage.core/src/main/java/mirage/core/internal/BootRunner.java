package mirage.core.internal;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import mirage.core.ArgumentException;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import mirage.core.Unikernel;
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
            System.err.println(program + ": cannot boot: " + ArgValues.escape(why));
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
            Throwable[] failure = new Throwable[1];
            Thread.ofVirtual().name(program).start(() -> {
                try {
                    entry.start(context);
                } catch (Throwable e) {
                    failure[0] = e;
                } finally {
                    loop.stop();
                }
            });
            loop.run();
            if (failure[0] != null) {
                platform.console().println(program + ": start failed: " + ArgValues.escape(failure[0].toString()));
                return Unikernel.EXIT_FAILURE;
            }
            return Unikernel.EXIT_OK;
        }
    }

    private record Context(Platform platform, EventLoop loop, Arguments arguments) implements Boot.Context {}
}
