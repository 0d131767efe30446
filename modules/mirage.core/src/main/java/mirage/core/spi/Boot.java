package mirage.core.spi;

import java.util.List;
import java.util.function.Supplier;
import mirage.core.Arguments;
import mirage.core.RuntimeArg;
import mirage.core.internal.BootRunner;

/**
 * How a generated boot class starts a unikernel: bind devices, parse runtime arguments, run the
 * event loop, and call the unikernel's {@code start} on a virtual thread.
 */
public interface Boot {

    /** The generated part of a boot class: constructs the unikernel and calls its start. */
    @FunctionalInterface
    interface Entry {
        /** Runs the unikernel to completion on the calling (virtual) thread. */
        void start(Context context) throws Exception;
    }

    /** What {@link Entry#start} builds the unikernel's devices from. */
    interface Context {
        Platform platform();

        EventLoop loop();

        Arguments arguments();
    }

    /**
     * Boots: binds the platform's devices and parses runtime arguments from {@code argv}, prints
     * the usage for {@code --help}, then runs the event loop until {@code entry} returns. The
     * platform is closed before this returns.
     *
     * @param program the unikernel's name, for messages
     * @param platform makes the platform; if it throws, boot stops with one line naming the
     *     failure and {@link mirage.core.Unikernel#EXIT_FAILURE}
     * @return the exit status: {@link mirage.core.Unikernel#EXIT_OK}, {@code EXIT_FAILURE},
     *     {@code EXIT_HELP} or {@code EXIT_USAGE}; never throws for bad arguments
     */
    static int run(String program, Supplier<? extends Platform> platform, List<RuntimeArg<?>> args, String[] argv, Entry entry) {
        return BootRunner.run(program, platform, args, argv, entry);
    }
}
