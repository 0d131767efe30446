package mirage.kv.internal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvRo;

/**
 * The store behind {@link KvRo#of(Map, Instant)}: a {@link MemoryKv} filled once and then only
 * read, behind a view that is not a {@code KvRw} (a caller cannot cast its way to writes).
 * Thread-safe, as the memory store is.
 */
public final class ReadOnlyKv implements KvRo {
    private final MemoryKv store;

    private ReadOnlyKv(MemoryKv store) {
        this.store = store;
    }

    /**
     * A store holding a copy of each value of {@code values}, all last modified at
     * {@code lastModified}.
     *
     * @throws IllegalArgumentException if a key is the root or lies below another key (a value
     *     cannot be a dictionary too)
     */
    public static KvRo of(Map<Key, byte[]> values, Instant lastModified) {
        MemoryKv store = new MemoryKv(InstantSource.fixed(lastModified), Long.MAX_VALUE);
        for (Map.Entry<Key, byte[]> e : values.entrySet()) {
            Key key = e.getKey();
            if (key.isRoot()) {
                throw new IllegalArgumentException("the root cannot hold a value");
            }
            try {
                if (store.exists(key).isPresent()) {
                    throw new IllegalArgumentException("key " + key + " is below or above another key");
                }
                store.set(key, e.getValue());
            } catch (KvException x) {
                throw new IllegalArgumentException("key " + key + " is below another key's value: " + x.getMessage(), x);
            }
        }
        return new ReadOnlyKv(store);
    }

    @Override
    public Optional<Kind> exists(Key key) throws KvException {
        return store.exists(key);
    }

    @Override
    public byte[] get(Key key) throws KvException {
        return store.get(key);
    }

    @Override
    public byte[] getPartial(Key key, long offset, int length) throws KvException {
        return store.getPartial(key, offset, length);
    }

    @Override
    public List<Entry> list(Key key) throws KvException {
        return store.list(key);
    }

    @Override
    public Instant lastModified(Key key) throws KvException {
        return store.lastModified(key);
    }

    @Override
    public byte[] digest(Key key) throws KvException {
        return store.digest(key);
    }

    @Override
    public long size(Key key) throws KvException {
        return store.size(key);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "read-only memory store";
    }
}
