package mirage.gitstore;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import mirage.gitstore.internal.Stores;

/**
 * A repository of branches (Irmin's {@code Repo}): the entry point of the store.
 *
 * <p>The default branch is {@value #MAIN}; a repository on disk has {@code HEAD} pointing at
 * it, so {@code git log} in it shows that branch.
 */
public interface GitStore extends AutoCloseable {

    /** The name of the default branch. */
    String MAIN = "main";

    /**
     * An empty store in memory (on JGit's distributed-storage classes: packs in byte arrays).
     *
     * @param clock the time of commits
     */
    static GitStore memory(InstantSource clock) {
        return Stores.memory(clock);
    }

    /**
     * The bare git repository at {@code directory}, created (with every missing parent) if it
     * does not exist. C {@code git} can read it, also while the store is open.
     *
     * @throws GitStoreException {@code CORRUPT} if it is not a repository that can be read,
     *     {@code STORAGE} on I/O failure
     */
    static GitStore openBare(Path directory, InstantSource clock) throws GitStoreException {
        return Stores.bare(directory, clock);
    }

    /**
     * The store on a block device (no file system): a blank device (its first sectors zero)
     * starts empty. Every commit is durable when it returns; after a crash at any write, the
     * device reopens at the last commit that returned (or the one in flight, if its last write
     * landed). Space is append-only, never reclaimed: a full device fails writes with
     * {@code STORAGE}. The whole repository is also held in memory. See docs/decisions/0020.
     *
     * @throws GitStoreException {@code CORRUPT} if the device holds data that is not a store,
     *     {@code STORAGE} if it cannot be read
     */
    static GitStore onBlock(mirage.block.Block device, InstantSource clock) throws GitStoreException {
        return Stores.block(device, clock);
    }

    /**
     * A handle on branch {@code name} (existing or not).
     *
     * @throws IllegalArgumentException if {@code name} is not a valid git branch name
     */
    Branch branch(String name);

    /** The default branch, {@value #MAIN}. */
    default Branch main() {
        return branch(MAIN);
    }

    /** The names of the existing branches, sorted. */
    List<String> branches() throws GitStoreException;

    /** The commit named {@code id}. @throws GitStoreException {@code NOT_FOUND} if there is none */
    Commit commit(CommitId id) throws GitStoreException;

    /** The content of commit {@code id}. @throws GitStoreException {@code NOT_FOUND} if there is none */
    Snapshot snapshot(CommitId id) throws GitStoreException;

    /**
     * The history from {@code from}, newest first, as {@link Branch#log}.
     *
     * @throws GitStoreException {@code NOT_FOUND} if there is no such commit
     */
    List<Commit> log(CommitId from, int skip, int limit) throws GitStoreException;

    /**
     * How values differ from {@code from} to {@code to}, by key; an empty {@code from} is the
     * empty store.
     */
    List<Change> diff(Optional<CommitId> from, CommitId to) throws GitStoreException;

    /**
     * Test-and-set of a branch head (Irmin's {@code Head.test_and_set}): moves {@code branch} from
     * {@code expected} to {@code next} (either may be empty: create, delete) only if it is at
     * {@code expected} now. Watches see the move.
     *
     * @throws HeadConflictException if the head is another
     * @throws GitStoreException {@code NOT_FOUND} if {@code next} names no commit
     */
    void testAndSetHead(String branch, Optional<CommitId> expected, Optional<CommitId> next) throws GitStoreException;

    /**
     * Serves one git protocol connection, as {@code git daemon} does for {@code git://}: reads
     * the request line, then runs upload-pack (clone, fetch) or receive-pack (push) on this
     * store until the client is done, and shuts down the flow's writing side. The path in the
     * request is not checked: the store is the repository. A push moves branches only by
     * fast-forward (or creates or deletes them), atomically, holding the store's head lock for
     * the push; watches see the moves. The caller closes the flow.
     *
     * @throws GitStoreException {@code PROTOCOL} if the client breaks the protocol or sends
     *     invalid objects (nothing changed), {@code STORAGE}
     */
    void serve(mirage.core.Flow connection) throws GitStoreException;

    /**
     * Fetches branch {@code remoteBranch} from the git server at the other end of
     * {@code connection} (a {@code git://} request for {@code path}), with every object it
     * needs, each checked (JGit's object checker); no ref of this store moves. Pull is this then
     * {@link Branch#merge(CommitId, CommitInfo, MergePolicy)}; clone is this then
     * {@link #testAndSetHead}. The caller closes the flow.
     *
     * @return the remote branch's head
     * @throws GitStoreException {@code NOT_FOUND} if the remote has no such branch,
     *     {@code PROTOCOL} if the server breaks the protocol or sends invalid objects (nothing
     *     changed)
     */
    CommitId fetch(mirage.core.Flow connection, String path, String remoteBranch) throws GitStoreException;

    /**
     * Pushes {@code branch} to the branch of the same name at the git server at the other end
     * of {@code connection}, by fast-forward only.
     *
     * @throws GitStoreException {@code NOT_FOUND} if {@code branch} does not exist here,
     *     {@code HEAD_CONFLICT} if the remote branch is not an ancestor (fetch and merge
     *     first), {@code PROTOCOL}
     */
    void push(mirage.core.Flow connection, String path, String branch) throws GitStoreException;

    /** Releases the repository; watches stop. Idempotent; never throws. */
    @Override
    void close();
}
