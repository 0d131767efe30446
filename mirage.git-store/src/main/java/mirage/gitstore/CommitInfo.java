package mirage.gitstore;

import java.util.Objects;

/**
 * What a caller says about a commit it asks for: who and why. The time comes from the store's
 * wall clock.
 *
 * @param author  author and committer
 * @param message the commit message (git convention: a summary line, a blank line, details)
 */
public record CommitInfo(Author author, String message) {
    public CommitInfo {
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(message, "message");
        if (message.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a commit message must not contain NUL");
        }
    }

    /** Shorthand. */
    public static CommitInfo of(Author author, String message) {
        return new CommitInfo(author, message);
    }
}
