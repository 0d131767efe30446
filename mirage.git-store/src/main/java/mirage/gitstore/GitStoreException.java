package mirage.gitstore;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import mirage.kv.Key;

/**
 * A store operation failed; {@link #reason()} says why, {@link #key()} which key it is about if
 * any. A failed operation changed nothing: no head moved.
 */
public class GitStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final transient Key key;

    public GitStoreException(Reason reason, String message) {
        this(reason, null, message, null);
    }

    /**
     * @param key   the key the failure is about, or null
     * @param cause the underlying failure, or null
     */
    public GitStoreException(Reason reason, Key key, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.key = key;
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }

    /** The key the failure is about, if any. */
    public Optional<Key> key() {
        return Optional.ofNullable(key);
    }

    /** Why a store operation failed. */
    public enum Reason {
        /** The key, commit or branch named does not exist. */
        NOT_FOUND,
        /** A write below a value (the key is the value's), or a read of a value at a dictionary's key's child. */
        DICTIONARY_EXPECTED,
        /** A write or read of a value at a dictionary or the root. */
        VALUE_EXPECTED,
        /** The head was not the expected one ({@link HeadConflictException}). */
        HEAD_CONFLICT,
        /** The head kept moving under a write that retries; try again later. */
        TOO_MANY_RETRIES,
        /** The repository holds an object or a ref that is not valid git (a corrupt disk). */
        CORRUPT,
        /** The storage below failed (I/O); the cause says more. */
        STORAGE,
        /**
         * The peer of a sync broke the git protocol, sent objects that are not valid git, or the
         * connection failed; nothing was changed locally.
         */
        PROTOCOL
    }
}
