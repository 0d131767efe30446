package mirage.net.internal.dhcp;

/**
 * The outcome of reading bytes: a value or the reason there is none. Bad input is data, not an
 * exceptional condition, so parsers return this instead of throwing.
 *
 * @param <T> the type of the value
 */
public sealed interface Parsed<T> {

    /** A value read successfully. */
    record Ok<T>(T value) implements Parsed<T> {}

    /** The bytes were rejected. */
    record Err<T>(DhcpError error) implements Parsed<T> {}

    /** The value; a test helper and for callers that have already matched {@link Ok}. */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Err<T> err -> throw new IllegalStateException("not parsed: " + err.error());
        };
    }
}
