package mirage.gitstore.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import mirage.gitstore.Author;
import mirage.gitstore.Branch;
import mirage.gitstore.BranchKv;
import mirage.gitstore.BranchUpdate;
import mirage.gitstore.Commit;
import mirage.gitstore.CommitId;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.MergePolicy;
import mirage.gitstore.MergeResult;
import mirage.gitstore.Snapshot;
import mirage.gitstore.Watch;
import mirage.gitstore.Write;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.Kind;

/** A branch handle: the store and a name. */
final class JGitBranch implements Branch {
    private final JGitStore store;
    private final String name;

    JGitBranch(JGitStore store, String name) {
        this.store = store;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<CommitId> head() throws GitStoreException {
        return store.head(name).id();
    }

    @Override
    public Snapshot snapshot() throws GitStoreException {
        return new SnapshotImpl(store, store.head(name));
    }

    @Override
    public Optional<byte[]> get(Key key) throws GitStoreException {
        JGitStore.Head h = store.head(name);
        try (Reads r = store.reads()) {
            Node n = r.lookup(h.root(), key.segments());
            return n instanceof Node.Blob b ? Optional.of(r.blob(b.id).clone()) : Optional.empty();
        } catch (java.io.IOException e) {
            throw Errors.storage("reading " + key, e);
        }
    }

    @Override
    public Optional<Kind> exists(Key key) throws GitStoreException {
        return snapshot().exists(key);
    }

    @Override
    public List<Entry> list(Key key) throws GitStoreException {
        return snapshot().list(key);
    }

    @Override
    public Commit set(Key key, byte[] value, CommitInfo info) throws GitStoreException {
        return apply(List.of(Write.set(key, value)), info);
    }

    @Override
    public Commit remove(Key key, CommitInfo info) throws GitStoreException {
        return apply(List.of(Write.remove(key)), info);
    }

    @Override
    public Commit apply(List<Write> writes, CommitInfo info) throws GitStoreException {
        return apply(null, writes, info);
    }

    @Override
    public Commit apply(Optional<CommitId> expectedHead, List<Write> writes, CommitInfo info) throws GitStoreException {
        List<Write> ws = List.copyOf(writes);
        for (Write w : ws) {
            Stage.checkKey(w.key());
        }
        try {
            return store.commit(name, expectedHead, s -> {
                for (Write w : ws) {
                    switch (w) {
                        case Write.Set set -> s.set(set.key(), set.value());
                        case Write.Remove rm -> s.remove(rm.key());
                    }
                }
            }, info, false);
        } catch (KvException e) {
            throw Errors.of(e);
        }
    }

    @Override
    public List<Commit> log(int skip, int limit) throws GitStoreException {
        return store.log(store.head(name).commit(), skip, limit);
    }

    @Override
    public MergeResult revert(CommitId commit, CommitInfo info) throws GitStoreException {
        return store.revert(name, JGitStore.oid(commit), info);
    }

    @Override
    public MergeResult merge(String other, CommitInfo info, MergePolicy policy) throws GitStoreException {
        store.branch(other);
        JGitStore.Head h = store.head(other);
        if (h.commit() == null) {
            throw new GitStoreException(GitStoreException.Reason.NOT_FOUND, "no branch " + other);
        }
        return store.merge(name, h.commit(), info, policy);
    }

    @Override
    public MergeResult merge(CommitId other, CommitInfo info, MergePolicy policy) throws GitStoreException {
        return store.merge(name, JGitStore.oid(other), info, policy);
    }

    @Override
    public Watch watch(Consumer<BranchUpdate> listener) {
        return store.watch(name, listener);
    }

    @Override
    public BranchKv kv(Author author) {
        return new KvView(store, this, author);
    }

    @Override
    public String toString() {
        return "Branch[" + name + "]";
    }
}
