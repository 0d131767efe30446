package mirage.gitstore;

import java.util.List;
import java.util.Objects;
import mirage.kv.Key;

/** The outcome of a merge or a revert. Only {@link Conflicted} leaves the branch unchanged. */
public sealed interface MergeResult {

    /** Whether the branch now holds the merge (everything but {@link Conflicted}). */
    default boolean succeeded() {
        return !(this instanceof Conflicted);
    }

    /** The other side was already contained in the branch: nothing to do. */
    record UpToDate(CommitId head) implements MergeResult {}

    /** The branch was contained in the other side and now points at it (no new commit). */
    record FastForward(CommitId head) implements MergeResult {}

    /** A new commit holds the merge. */
    record Merged(Commit commit) implements MergeResult {}

    /** Some keys could not be merged; nothing was changed. */
    record Conflicted(List<Conflict> conflicts) implements MergeResult {
        public Conflicted {
            conflicts = List.copyOf(conflicts);
            if (conflicts.isEmpty()) {
                throw new IllegalArgumentException("a conflicted merge names at least one conflict");
            }
        }
    }

    /** One key that could not be merged, and why. */
    record Conflict(Key key, String reason) {
        public Conflict {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
