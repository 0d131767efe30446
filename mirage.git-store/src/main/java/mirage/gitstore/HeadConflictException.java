package mirage.gitstore;

import java.util.Optional;

/**
 * A test-and-set of a branch head found another head than the one expected: someone else
 * committed first. Nothing was changed; read the new head and try again.
 */
public final class HeadConflictException extends GitStoreException {
    private static final long serialVersionUID = 1L;

    private final String branch;
    private final CommitId expected;
    private final CommitId actual;

    /**
     * @param expected the head the caller expected, null for "no branch"
     * @param actual   the head found, null for "no branch"
     */
    public HeadConflictException(String branch, CommitId expected, CommitId actual) {
        super(Reason.HEAD_CONFLICT, "branch " + branch + ": expected head "
                + (expected == null ? "(none)" : expected.abbreviated()) + " but found "
                + (actual == null ? "(none)" : actual.abbreviated()));
        this.branch = branch;
        this.expected = expected;
        this.actual = actual;
    }

    /** The branch whose head was tested. */
    public String branch() {
        return branch;
    }

    /** The head the caller expected; empty for a branch expected not to exist. */
    public Optional<CommitId> expected() {
        return Optional.ofNullable(expected);
    }

    /** The head found; empty if the branch does not exist. */
    public Optional<CommitId> actual() {
        return Optional.ofNullable(actual);
    }
}
