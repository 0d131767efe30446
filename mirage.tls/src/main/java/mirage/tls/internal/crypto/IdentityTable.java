package mirage.tls.internal.crypto;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Values made once per key object and kept by the key's identity: no {@code equals} or
 * {@code hashCode} of the key is called, so nothing of key material is hashed or compared. At
 * most {@code kept} values: a program that makes keys by the thousand empties the table instead
 * of growing it without bound (a server has a few). Thread-safe; of values made for the same key
 * at once, all callers get the one the table kept.
 */
final class IdentityTable<K, V> {
    /** How one value is made from its key. */
    @FunctionalInterface
    interface Maker<K, V, E extends Exception> {
        V make(K key) throws E;
    }

    private record Same<T>(T object) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Same<?> s && s.object == object;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(object);
        }
    }

    private final ConcurrentHashMap<Same<K>, V> values = new ConcurrentHashMap<>();
    private final int kept;
    private final Consumer<V> dropped;

    /** @param dropped told of each value the table lets go of when it is emptied */
    IdentityTable(int kept, Consumer<V> dropped) {
        this.kept = kept;
        this.dropped = dropped;
    }

    /** The value of {@code key}, made by {@code make} the first time. */
    <E extends Exception> V get(K key, Maker<K, V, E> make) throws E {
        Same<K> same = new Same<>(key);
        V v = values.get(same);
        if (v == null) {
            v = make.make(key);
            if (values.size() >= kept) {
                values.values().forEach(dropped);
                values.clear();
            }
            V was = values.putIfAbsent(same, v);
            if (was != null) {
                v = was;
            }
        }
        return v;
    }

    /** How many values are kept now. */
    int size() {
        return values.size();
    }
}
