package mirage.core;

import java.util.Objects;

/**
 * The boot command line, or a runtime argument's declaration, is wrong. The message is one
 * line a user can act on, and names the argument.
 */
public class ArgumentException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Problem problem;
    private final String argument;

    public ArgumentException(Problem problem, String argument, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.argument = Objects.requireNonNull(argument, "argument");
    }

    /** What is wrong. */
    public Problem problem() {
        return problem;
    }

    /** The argument concerned, as written on the command line (e.g. {@code --count}). */
    public String argument() {
        return argument;
    }

    /** What is wrong with an argument. */
    public enum Problem {
        /** No argument of that name is declared. */
        UNKNOWN,
        /** The value does not parse as the argument's type, or the syntax is wrong. */
        MALFORMED,
        /** The argument was given more than once. */
        REPEATED,
        /** A required argument was not given. */
        MISSING,
        /** A device binding names a device the manifest lacks, or leaves one unbound. */
        DEVICE
    }
}
