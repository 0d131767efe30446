package mirage.gitstore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A branch head moved (what a {@link Watch} delivers).
 *
 * @param branch  the branch
 * @param before  the old head, empty if the branch was created
 * @param after   the new head, empty if the branch was removed
 * @param changes how the values differ from {@code before} to {@code after}, by key
 */
public record BranchUpdate(String branch, Optional<CommitId> before, Optional<CommitId> after, List<Change> changes) {
    public BranchUpdate {
        Objects.requireNonNull(branch, "branch");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        changes = List.copyOf(changes);
    }
}
