package mirage.gitstore;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;

/**
 * A handle on one branch of a {@link GitStore}. The branch need not exist: reads of a missing
 * branch see an empty store, and its first commit creates it. Handles are cheap, thread-safe
 * and carry no state but the name.
 *
 * <p>Key rules are those of {@link mirage.kv.KvRw}: writing below a value fails with
 * {@code DICTIONARY_EXPECTED} naming the value's key; writing a value at a dictionary or the
 * root fails with {@code VALUE_EXPECTED}. Key segments equal to {@code .git} in any case are
 * refused with {@link IllegalArgumentException} (git refuses such paths).
 */
public interface Branch {

    /** The branch name (a git ref name below {@code refs/heads/}). */
    String name();

    /** The head commit, empty if the branch does not exist. */
    Optional<CommitId> head() throws GitStoreException;

    /** The content at the current head (an empty snapshot if the branch does not exist). */
    Snapshot snapshot() throws GitStoreException;

    /** The value bound to {@code key} at the head; see {@link Snapshot#get}. */
    Optional<byte[]> get(Key key) throws GitStoreException;

    /** What {@code key} is bound to at the head; see {@link Snapshot#exists}. */
    Optional<Kind> exists(Key key) throws GitStoreException;

    /** The entries below {@code key} at the head; see {@link Snapshot#list}. */
    List<Entry> list(Key key) throws GitStoreException;

    /** One commit binding {@code key} to {@code value}. */
    Commit set(Key key, byte[] value, CommitInfo info) throws GitStoreException;

    /** One commit removing {@code key} (a value or a dictionary); a commit even if it was unbound. */
    Commit remove(Key key, CommitInfo info) throws GitStoreException;

    /**
     * One commit holding {@code writes}, applied in order on the current head; if the head
     * moves meanwhile, the writes are applied again on the new head (blind writes commute with
     * nothing, so the result is as if this commit came last).
     *
     * @throws GitStoreException a key error of one write (nothing committed), or
     *     {@code TOO_MANY_RETRIES}
     */
    Commit apply(List<Write> writes, CommitInfo info) throws GitStoreException;

    /**
     * Test-and-set: one commit holding {@code writes} on {@code expectedHead}, made the head only
     * if the head is still {@code expectedHead} (empty: the branch must not exist).
     *
     * @throws HeadConflictException if the head is another
     */
    Commit apply(Optional<CommitId> expectedHead, List<Write> writes, CommitInfo info) throws GitStoreException;

    /**
     * The history from the head, newest first (by commit time, parents after children), skipping
     * {@code skip} commits and returning at most {@code limit}: pages of a log.
     *
     * @throws IllegalArgumentException if {@code skip} or {@code limit} is negative
     */
    List<Commit> log(int skip, int limit) throws GitStoreException;

    /**
     * A new commit on the head that undoes what {@code commit} changed (relative to its first
     * parent), three-way like {@code git revert}: keys changed since conflict.
     *
     * @throws GitStoreException {@code NOT_FOUND} if the commit does not exist
     */
    MergeResult revert(CommitId commit, CommitInfo info) throws GitStoreException;

    /**
     * Merges {@code other}'s head into this branch (three-way, from their merge base), resolving
     * keys changed on both sides with {@code policy}. A merge commit has this head as first
     * parent. A branch that does not exist is created at {@code other}'s head.
     *
     * @throws GitStoreException {@code NOT_FOUND} if {@code other} does not exist
     */
    MergeResult merge(String other, CommitInfo info, MergePolicy policy) throws GitStoreException;

    /** As {@link #merge(String, CommitInfo, MergePolicy)}, with a commit instead of a branch. */
    MergeResult merge(CommitId other, CommitInfo info, MergePolicy policy) throws GitStoreException;

    /**
     * Delivers every later move of this branch's head made through this store, with its diff.
     * See {@link Watch} for threading.
     */
    Watch watch(Consumer<BranchUpdate> listener);

    /**
     * A {@link mirage.kv.KvRw} view of this branch where every write is one commit by
     * {@code author} (irmin-mirage-git's {@code KV_RW}); see {@link BranchKv#batch} to group writes.
     */
    BranchKv kv(Author author);
}
