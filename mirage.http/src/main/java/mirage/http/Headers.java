package mirage.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Header fields in the order they were received or are to be sent (RFC 9110 section 5). Names
 * compare without regard to case; values are kept as they came, without leading or trailing
 * whitespace.
 *
 * @param fields the fields, in order
 */
public record Headers(List<Field> fields) {
    /** No fields. */
    public static final Headers EMPTY = new Headers(List.of());

    /**
     * One field.
     *
     * @param name a token (RFC 9110 section 5.1), in the case it was written
     * @param value the value, without surrounding whitespace; no CR, LF or NUL
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or NUL
     */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a header field name is a token, not empty");
            }
            for (int i = 0; i < name.length(); i++) {
                if (!tokenChar(name.charAt(i))) {
                    throw new IllegalArgumentException("a header field name is a token: \"" + name + "\"");
                }
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    throw new IllegalArgumentException("a header field value holds no CR, LF or NUL: " + name);
                }
            }
        }

        /** Whether {@code c} may appear in a token (RFC 9110 section 5.6.2). */
        public static boolean tokenChar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || (c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
        }
    }

    public Headers {
        fields = List.copyOf(fields);
    }

    /** Fields from alternating names and values: {@code Headers.of("Content-Type", "text/plain")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        List<Field> f = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            f.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(f);
    }

    /** These fields and one more at the end. */
    public Headers with(String name, String value) {
        List<Field> f = new ArrayList<>(fields);
        f.add(new Field(name, value));
        return new Headers(f);
    }

    /** The value of the first field named {@code name} (any case), if any. */
    public Optional<String> first(String name) {
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                return Optional.of(f.value());
            }
        }
        return Optional.empty();
    }

    /** The values of every field named {@code name} (any case), in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase(name)) {
                values.add(f.value());
            }
        }
        return values;
    }

    /** Whether a field named {@code name} is present. */
    public boolean has(String name) {
        return first(name).isPresent();
    }

    /**
     * Whether a comma-separated list field (such as {@code Connection}) names {@code option},
     * without regard to case.
     */
    public boolean listHas(String name, String option) {
        for (String v : all(name)) {
            for (String o : v.split(",")) {
                if (o.strip().toLowerCase(Locale.ROOT).equals(option.toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }
}
