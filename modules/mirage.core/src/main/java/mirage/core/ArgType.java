package mirage.core;

import java.time.Duration;

/**
 * The type of a runtime argument's value, with the Java type it is delivered as and the
 * text syntax accepted on the boot command line.
 */
public enum ArgType {
    /** Any text, taken as given. */
    STRING(String.class, "TEXT"),
    /** A signed 32-bit decimal integer, e.g. {@code 42} or {@code -1}. */
    INT(Integer.class, "INT"),
    /** A signed 64-bit decimal integer. */
    LONG(Long.class, "LONG"),
    /** {@code true} or {@code false}; a bare {@code --name} means {@code true}. */
    BOOLEAN(Boolean.class, "BOOL"),
    /**
     * A non-negative duration: a decimal count with a unit, {@code ns}, {@code us}, {@code ms},
     * {@code s}, {@code m}, {@code h} or {@code d} (e.g. {@code 250ms}, {@code 2s}), or an
     * ISO-8601 duration such as {@code PT1.5S}.
     */
    DURATION(Duration.class, "DURATION");

    private final Class<?> javaType;
    private final String metavar;

    ArgType(Class<?> javaType, String metavar) {
        this.javaType = javaType;
        this.metavar = metavar;
    }

    /** The class of values of this type (boxed for primitives). */
    public Class<?> javaType() {
        return javaType;
    }

    /** The placeholder shown for the value in usage text, e.g. {@code INT}. */
    public String metavar() {
        return metavar;
    }
}
