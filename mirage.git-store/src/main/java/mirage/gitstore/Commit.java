package mirage.gitstore;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A commit as read from the repository.
 *
 * @param id      its name
 * @param parents its parents, first parent first (none for a root commit, two for a merge)
 * @param author  its author
 * @param time    its author time (whole seconds)
 * @param message its full message
 */
public record Commit(CommitId id, List<CommitId> parents, Author author, Instant time, String message) {
    public Commit {
        Objects.requireNonNull(id, "id");
        parents = List.copyOf(parents);
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(message, "message");
    }
}
