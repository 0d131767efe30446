package mirage.core.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import mirage.core.ArgType;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.internal.text.Printable;

/** Names and value syntax of runtime arguments: parse and format, inverse of each other. */
public final class ArgValues {
    private static final int MAX_NAME = 64;

    private ArgValues() {}

    /** @throws IllegalArgumentException unless {@code name} is a well-formed argument name */
    public static void checkName(String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException("runtime argument name '" + Printable.of(name, 80)
                    + "' must be 1-64 characters of a-z, 0-9 and '-', starting with a letter");
        }
    }

    static boolean isName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        char first = name.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** @throws IllegalArgumentException unless {@code value} is of {@code type}'s Java type */
    public static void checkValue(String name, ArgType type, Object value) {
        if (!type.javaType().isInstance(value)) {
            throw new IllegalArgumentException("default of runtime argument '" + name + "' is a "
                    + value.getClass().getSimpleName() + ", not " + type.javaType().getSimpleName());
        }
        if (type == ArgType.DURATION && ((Duration) value).isNegative()) {
            throw new IllegalArgumentException("default of runtime argument '" + name + "' is negative");
        }
    }

    /**
     * Parses {@code text} as a value of {@code type}.
     *
     * @param argument the argument as written, for the message ({@code --count})
     * @throws ArgumentException ({@link Problem#MALFORMED}) if it does not parse
     */
    public static Object parse(ArgType type, String argument, String text) throws ArgumentException {
        return switch (type) {
            case STRING -> text;
            case INT -> {
                try {
                    yield Integer.valueOf(decimal(argument, text, "an integer"));
                } catch (NumberFormatException e) {
                    throw malformed(argument, text, "an integer from -2147483648 to 2147483647");
                }
            }
            case LONG -> {
                try {
                    yield Long.valueOf(decimal(argument, text, "an integer"));
                } catch (NumberFormatException e) {
                    throw malformed(argument, text, "a 64-bit integer");
                }
            }
            case BOOLEAN -> switch (text) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw malformed(argument, text, "true or false");
            };
            case DURATION -> parseDuration(argument, text);
        };
    }

    /** Formats {@code value} of {@code type} so that {@link #parse} gives it back. */
    public static String format(ArgType type, Object value) {
        return switch (type) {
            case STRING, INT, LONG, BOOLEAN -> value.toString();
            case DURATION -> formatDuration((Duration) value);
        };
    }

    private static String decimal(String argument, String text, String what) throws ArgumentException {
        // Integer.parseInt accepts a leading '+' and non-ASCII digits; the command line takes
        // plain ASCII decimal only, so that what parses is what a reader sees.
        int start = text.startsWith("-") ? 1 : 0;
        if (text.length() == start) {
            throw malformed(argument, text, what);
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed(argument, text, what);
            }
        }
        return text;
    }

    private static final String[] UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};
    private static final long[] UNIT_NANOS = {
        86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
    };

    private static Duration parseDuration(String argument, String text) throws ArgumentException {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                Duration d = Duration.parse(text);
                if (d.isNegative()) {
                    throw malformed(argument, text, "a non-negative duration");
                }
                return d;
            } catch (DateTimeParseException e) {
                throw malformed(argument, text, "a duration such as 250ms, 2s or PT1.5S");
            }
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            throw malformed(argument, text, "a duration such as 250ms, 2s or PT1.5S");
        }
        String unit = text.substring(digits);
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                // format() writes up to 19 digits (any long of nanoseconds); more than a long
                // of a unit, or more than a Duration holds, is refused, never thrown.
                try {
                    long count = Long.parseLong(text.substring(0, digits));
                    try {
                        return Duration.ofSeconds(0, Math.multiplyExact(count, UNIT_NANOS[i]));
                    } catch (ArithmeticException e) {
                        // beyond 292 years in nanoseconds: go through seconds
                        return Duration.ofNanos(UNIT_NANOS[i]).multipliedBy(count);
                    }
                } catch (NumberFormatException | ArithmeticException e) {
                    throw malformed(argument, text, "a duration of at most " + Long.MAX_VALUE + "s");
                }
            }
        }
        throw malformed(argument, text, "a duration with a unit (ns, us, ms, s, m, h, d)");
    }

    private static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        // Exact in one unit when it fits a long of nanoseconds; otherwise ISO-8601.
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        for (int i = 0; i < UNITS.length; i++) {
            if (nanos % UNIT_NANOS[i] == 0) {
                return (nanos / UNIT_NANOS[i]) + UNITS[i];
            }
        }
        throw new AssertionError("1ns divides every duration");
    }

    static ArgumentException malformed(String argument, String text, String expected) {
        return new ArgumentException(Problem.MALFORMED, argument,
                "malformed value for " + argument + ": '" + Printable.of(text, 80) + "' is not " + expected);
    }
}
