package mirage.core;

import java.util.List;
import mirage.core.internal.ArgParser;

/**
 * The values of a unikernel's runtime arguments, parsed from its boot command line.
 * Immutable and thread-safe.
 */
public interface Arguments {

    /** The declarations, in the order the description gives them. */
    List<RuntimeArg<?>> declared();

    /**
     * The value of {@code arg}: the one given on the command line, or its default.
     *
     * @throws IllegalArgumentException if {@code arg} is not one of {@link #declared()}
     */
    <T> T get(RuntimeArg<T> arg);

    /**
     * The value of the {@code index}-th declared argument, as {@link #get} would give it.
     *
     * @throws IndexOutOfBoundsException if there is no such declaration
     */
    Object valueAt(int index);

    /**
     * Parses a boot command line against the declarations. Each element of {@code argv} is
     * {@code --name=value}, or {@code --name} followed by the value as the next element, or a
     * bare {@code --name} for a boolean. An element {@code --} ends parsing; anything after it
     * is ignored.
     *
     * @throws ArgumentException for the first unknown, malformed, repeated or missing argument,
     *     or a positional element; the message is one line naming it
     * @throws IllegalArgumentException if two declarations share a name
     */
    static Arguments parse(List<RuntimeArg<?>> declared, List<String> argv) throws ArgumentException {
        return ArgParser.parse(declared, argv);
    }

    /**
     * The usage text {@code --help} prints: a first line with {@code program}, then one line
     * per declared argument with its syntax, default and doc.
     */
    static String usage(String program, List<RuntimeArg<?>> declared) {
        return ArgParser.usage(program, declared);
    }
}
