package mirage.gitstore;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;

/**
 * The immutable content of one commit (or of the empty store). Reads never change; a snapshot
 * stays readable while its store is open.
 */
public interface Snapshot {

    /** The commit read, empty for the empty snapshot of a branch that does not exist. */
    Optional<CommitId> commit();

    /**
     * The value bound to {@code key}, if any (empty for a dictionary or an unbound key).
     *
     * @throws GitStoreException {@code CORRUPT} or {@code STORAGE}
     */
    Optional<byte[]> get(Key key) throws GitStoreException;

    /**
     * What {@code key} is bound to, if anything; the root is always a dictionary.
     *
     * @throws GitStoreException {@code CORRUPT} or {@code STORAGE}
     */
    Optional<Kind> exists(Key key) throws GitStoreException;

    /**
     * The entries directly below the dictionary {@code key}, with absolute keys, sorted by key.
     *
     * @throws GitStoreException {@code NOT_FOUND} if unbound, {@code DICTIONARY_EXPECTED} if a value
     */
    List<Entry> list(Key key) throws GitStoreException;

    /**
     * Every value at or below {@code prefix}, by key (the whole store for the root).
     *
     * @throws GitStoreException {@code CORRUPT} or {@code STORAGE}
     */
    SortedMap<Key, byte[]> values(Key prefix) throws GitStoreException;
}
