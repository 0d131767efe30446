package mirage.net.internal.wire;

import java.util.Objects;

/**
 * The outcome of a {@code parse}: a validated value or the reason the bytes are not one.
 *
 * @param <T> the validated value's type
 */
public sealed interface Parsed<T> {

    /** The bytes held a well-formed {@code value}. */
    record Ok<T>(T value) implements Parsed<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The bytes were malformed for {@code reason}. */
    record Err<T>(WireError reason) implements Parsed<T> {
        public Err {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static <T> Parsed<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Parsed<T> err(WireError reason) {
        return new Err<>(reason);
    }

    /** The value, or {@link IllegalStateException} naming the reason: for tests and for callers that checked. */
    default T orThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Err<T> err -> throw new IllegalStateException("malformed: " + err.reason());
        };
    }
}
