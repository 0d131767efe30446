package mirage.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import mirage.core.internal.ArgValues;

/**
 * A typed argument given to a unikernel on its boot command line as {@code --name=value}
 * (or {@code --name value}), declared in the unikernel's description.
 *
 * @param name the name, used as {@code --name}: lower-case ASCII letters, digits and
 *     {@code -}, starting with a letter, at most 64 characters
 * @param type the type of the value
 * @param defaultValue the value when the argument is not given; empty if it is required
 * @param doc one line of documentation shown by {@code --help}
 * @param <T> the Java type of the value, {@code type.javaType()}
 */
public record RuntimeArg<T>(String name, ArgType type, Optional<T> defaultValue, String doc) {

    /**
     * Validates the declaration.
     *
     * @throws IllegalArgumentException if the name is not well formed, the doc has a line
     *     break, or the default value is not of the declared type
     */
    public RuntimeArg {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(doc, "doc");
        ArgValues.checkName(name);
        if (doc.indexOf('\n') >= 0 || doc.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("doc of runtime argument '" + name + "' must be one line");
        }
        if (defaultValue.isPresent()) {
            ArgValues.checkValue(name, type, defaultValue.get());
        }
    }

    /** A text argument with a default. */
    public static RuntimeArg<String> string(String name, String defaultValue, String doc) {
        return new RuntimeArg<>(name, ArgType.STRING, Optional.of(defaultValue), doc);
    }

    /** A required text argument. */
    public static RuntimeArg<String> requiredString(String name, String doc) {
        return new RuntimeArg<>(name, ArgType.STRING, Optional.empty(), doc);
    }

    /** A 32-bit integer argument with a default. */
    public static RuntimeArg<Integer> integer(String name, int defaultValue, String doc) {
        return new RuntimeArg<>(name, ArgType.INT, Optional.of(defaultValue), doc);
    }

    /** A 64-bit integer argument with a default. */
    public static RuntimeArg<Long> longInteger(String name, long defaultValue, String doc) {
        return new RuntimeArg<>(name, ArgType.LONG, Optional.of(defaultValue), doc);
    }

    /** A boolean flag, {@code false} unless given. */
    public static RuntimeArg<Boolean> flag(String name, String doc) {
        return new RuntimeArg<>(name, ArgType.BOOLEAN, Optional.of(Boolean.FALSE), doc);
    }

    /** A duration argument with a default. */
    public static RuntimeArg<Duration> duration(String name, Duration defaultValue, String doc) {
        return new RuntimeArg<>(name, ArgType.DURATION, Optional.of(defaultValue), doc);
    }

    /**
     * Builds a declaration from its text form, as the generated boot class does: the default
     * is given in the command-line syntax of its type, or {@code null} for a required argument.
     *
     * @throws IllegalArgumentException if the declaration is not valid, including a default
     *     that does not parse
     */
    public static RuntimeArg<?> of(String name, ArgType type, String defaultText, String doc) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        // the name first: the default's message quotes it as --name
        ArgValues.checkName(name);
        Optional<Object> def;
        if (defaultText == null) {
            def = Optional.empty();
        } else {
            try {
                def = Optional.of(ArgValues.parse(type, "--" + name, defaultText));
            } catch (ArgumentException e) {
                throw new IllegalArgumentException("default of runtime argument '" + name + "': " + e.getMessage(), e);
            }
        }
        return new RuntimeArg<>(name, type, def, doc);
    }

    /** Whether the argument must be given on the command line. */
    public boolean required() {
        return defaultValue.isEmpty();
    }

    /** The default in the command-line syntax of its type ({@link #of} reads it back), if any. */
    public Optional<String> defaultText() {
        return defaultValue.map(v -> ArgValues.format(type, v));
    }
}
