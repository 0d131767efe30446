package mirage.kv;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A key-value operation failed. The {@link Reason} says why, {@link #key()} which key it is
 * about (for {@link Reason#DICTIONARY_EXPECTED} during a write, the ancestor that is a value).
 *
 * <p>Invalid arguments (a negative offset or length) are programming errors and throw
 * {@link IllegalArgumentException} instead; using a closed store throws
 * {@link IllegalStateException}.
 */
public class KvException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final Key key;
    private final Key other;

    public KvException(Reason reason, Key key, String message) {
        this(reason, key, null, message, null);
    }

    /**
     * @param other the second key of a rename ({@link Reason#RENAME_SOURCE_PREFIX}: the
     *     destination), or null
     * @param cause the underlying failure, or null
     */
    public KvException(Reason reason, Key key, Key other, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.key = Objects.requireNonNull(key, "key");
        this.other = other;
    }

    /** Shorthand for the usual message: the reason in words, then the key. */
    public static KvException of(Reason reason, Key key) {
        return new KvException(reason, key, reason.describe() + ": " + key);
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** The key the failure is about. */
    public Key key() {
        return key;
    }

    /** The second key, for a failed rename (its destination), if any. */
    public Optional<Key> other() {
        return Optional.ofNullable(other);
    }

    /** Why a key-value operation failed (mirage-kv 6's error and write_error variants, and two of this project). */
    public enum Reason {
        /** Nothing is bound to the key. */
        NOT_FOUND("not found"),
        /** The key (or, for a write, an ancestor of it) holds a value where a dictionary is needed. */
        DICTIONARY_EXPECTED("dictionary expected"),
        /** The key is a dictionary (or the root) where a value is needed. */
        VALUE_EXPECTED("value expected"),
        /** The store has no room for the write; nothing was changed. */
        NO_SPACE("no space left"),
        /** {@link KvRw#allocate} found the key already bound. */
        ALREADY_PRESENT("already present"),
        /** {@link KvRw#rename}'s source is a prefix of (or equal to) its destination. */
        RENAME_SOURCE_PREFIX("rename source is a prefix of the destination"),
        /** The store cannot do this operation at all, e.g. remove in an append-only tar archive. */
        NOT_SUPPORTED("not supported by this store"),
        /** The storage below failed or holds data the store cannot read; the cause says more. */
        STORAGE("storage failed");

        private final String words;

        Reason(String words) {
            this.words = words;
        }

        /** A few words for messages, e.g. {@code "not found"}. */
        public String describe() {
            return words;
        }
    }
}
