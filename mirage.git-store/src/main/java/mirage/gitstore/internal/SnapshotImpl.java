package mirage.gitstore.internal;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import mirage.gitstore.CommitId;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.Snapshot;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.Kind;

/** A snapshot: a head's root, read through the store's caches. */
final class SnapshotImpl implements Snapshot {
    private final JGitStore store;
    private final JGitStore.Head head;

    SnapshotImpl(JGitStore store, JGitStore.Head head) {
        this.store = store;
        this.head = head;
    }

    @Override
    public Optional<CommitId> commit() {
        return head.id();
    }

    @Override
    public Optional<byte[]> get(Key key) throws GitStoreException {
        store.checkOpen();
        try (Reads r = store.reads()) {
            Node n = r.lookup(head.root(), key.segments());
            return n instanceof Node.Blob b ? Optional.of(r.blob(b.id).clone()) : Optional.empty();
        } catch (java.io.IOException e) {
            throw Errors.storage("reading " + key, e);
        }
    }

    @Override
    public Optional<Kind> exists(Key key) throws GitStoreException {
        store.checkOpen();
        try (Reads r = store.reads()) {
            return new Stage(head.root(), r, null).exists(key);
        } catch (KvException e) {
            throw Errors.of(e);
        }
    }

    @Override
    public List<Entry> list(Key key) throws GitStoreException {
        store.checkOpen();
        try (Reads r = store.reads()) {
            return new Stage(head.root(), r, null).list(key);
        } catch (KvException e) {
            throw Errors.of(e);
        }
    }

    @Override
    public SortedMap<Key, byte[]> values(Key prefix) throws GitStoreException {
        store.checkOpen();
        return store.values(head.root(), prefix);
    }
}
