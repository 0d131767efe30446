package mirage.kv.internal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRw;

/**
 * The in-memory store behind {@link KvRw#memory(InstantSource)}: a sorted map from the key of every value to
 * its bytes and time. Dictionaries are not stored; they are the proper prefixes of bound keys,
 * and since a key sorts just before its descendants, a dictionary's entries are one contiguous
 * range of the map. Invariant: no bound key lies below another bound key.
 *
 * <p>One lock guards everything, so every operation is atomic.
 */
public final class MemoryKv implements KvRw {

    /** The largest array the JVM reliably allocates. */
    static final int MAX_VALUE_BYTES = Integer.MAX_VALUE - 16;

    private final ReentrantLock lock = new ReentrantLock();
    private final NavigableMap<Key, Value> values = new TreeMap<>();
    private final InstantSource clock;
    private final long capacity;
    private long used;
    private boolean closed;
    /** Set once a store of {@link #readOnly} is filled: every write then fails with {@code NOT_SUPPORTED}. */
    private boolean frozen;

    public MemoryKv(InstantSource clock, long capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        this.capacity = capacity;
    }

    /**
     * The store behind {@code KvRo.of}: a copy of each of {@code values}, all last modified at
     * {@code lastModified}, after which every write fails with {@code NOT_SUPPORTED} (a caller
     * that casts it to {@code KvRw} changes nothing).
     *
     * @throws IllegalArgumentException if a key is the root or lies below or above another key
     */
    public static MemoryKv readOnly(Map<Key, byte[]> values, Instant lastModified) {
        MemoryKv store = new MemoryKv(InstantSource.fixed(lastModified), Long.MAX_VALUE);
        for (Map.Entry<Key, byte[]> e : values.entrySet()) {
            Key key = e.getKey();
            if (key.isRoot()) {
                throw new IllegalArgumentException("the root cannot hold a value");
            }
            if (store.exists(key).isPresent()) {
                throw new IllegalArgumentException("key " + key + " is below or above another key");
            }
            try {
                store.set(key, e.getValue());
            } catch (KvException x) {
                throw new IllegalArgumentException("key " + key + " is below another key's value: " + x.getMessage(), x);
            }
        }
        store.frozen = true;
        return store;
    }

    private record Value(byte[] bytes, long modifiedNanos) {}

    @Override
    public Optional<Kind> exists(Key key) {
        lock();
        try {
            return kindOf(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] get(Key key) throws KvException {
        lock();
        try {
            return value(key).bytes.clone();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] getPartial(Key key, long offset, int length) throws KvException {
        checkRange(offset, length);
        lock();
        try {
            byte[] b = value(key).bytes;
            if (offset >= b.length) {
                return new byte[0];
            }
            int from = (int) offset;
            return Arrays.copyOfRange(b, from, from + Math.min(length, b.length - from));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Entry> list(Key key) throws KvException {
        lock();
        try {
            if (values.containsKey(key)) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, key);
            }
            List<Entry> out = new ArrayList<>();
            int depth = key.depth();
            for (Key k : below(key).keySet()) {
                Key child = new Key(k.segments().subList(0, depth + 1));
                if (!out.isEmpty() && out.getLast().key().equals(child)) {
                    continue;
                }
                out.add(new Entry(child, k.depth() == depth + 1 ? Kind.VALUE : Kind.DICTIONARY));
            }
            if (out.isEmpty() && !key.isRoot()) {
                throw KvException.of(Reason.NOT_FOUND, key);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Instant lastModified(Key key) throws KvException {
        lock();
        try {
            Value v = values.get(key);
            if (v != null) {
                return instant(v.modifiedNanos);
            }
            NavigableMap<Key, Value> sub = below(key);
            if (sub.isEmpty()) {
                if (key.isRoot()) {
                    return Instant.EPOCH;
                }
                throw KvException.of(Reason.NOT_FOUND, key);
            }
            long latest = Long.MIN_VALUE;
            for (Value x : sub.values()) {
                latest = Math.max(latest, x.modifiedNanos);
            }
            return instant(latest);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] digest(Key key) throws KvException {
        lock();
        try {
            Value v = values.get(key);
            if (v != null) {
                return Digests.sha256(v.bytes);
            }
            NavigableMap<Key, Value> sub = below(key);
            if (sub.isEmpty() && !key.isRoot()) {
                throw KvException.of(Reason.NOT_FOUND, key);
            }
            Iterator<Map.Entry<Key, Value>> it = sub.entrySet().iterator();
            return Digests.dictionary(key.depth(), new Digests.Cursor() {
                private Map.Entry<Key, Value> current = it.hasNext() ? it.next() : null;

                @Override
                public Key key() {
                    return current == null ? null : current.getKey();
                }

                @Override
                public byte[] valueDigest() {
                    return Digests.sha256(current.getValue().bytes);
                }

                @Override
                public void advance() {
                    current = it.hasNext() ? it.next() : null;
                }
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size(Key key) throws KvException {
        lock();
        try {
            return value(key).bytes.length;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void set(Key key, byte[] value) throws KvException {
        byte[] copy = value.clone();
        lock();
        try {
            checkWritable(key);
            reserve(key, copy.length);
            values.put(key, new Value(copy, nanos(clock.instant())));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setPartial(Key key, long offset, byte[] data) throws KvException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        lock();
        try {
            checkWritable(key);
            Value old = values.get(key);
            byte[] before = old == null ? new byte[0] : old.bytes;
            long end = offset + data.length;
            if (end > MAX_VALUE_BYTES) {
                throw KvException.of(Reason.NO_SPACE, key);
            }
            byte[] after = Arrays.copyOf(before, (int) Math.max(before.length, end));
            reserve(key, after.length);
            System.arraycopy(data, 0, after, (int) offset, data.length);
            values.put(key, new Value(after, nanos(clock.instant())));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(Key key) throws KvException {
        lock();
        try {
            if (frozen) {
                throw KvException.of(Reason.NOT_SUPPORTED, key);
            }
            Value v = values.remove(key);
            if (v != null) {
                used -= v.bytes.length;
                return;
            }
            NavigableMap<Key, Value> sub = below(key);
            for (Value x : sub.values()) {
                used -= x.bytes.length;
            }
            sub.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void rename(Key source, Key dest) throws KvException {
        lock();
        try {
            if (frozen) {
                throw KvException.of(Reason.NOT_SUPPORTED, source);
            }
            if (source.isPrefixOf(dest)) {
                throw new KvException(Reason.RENAME_SOURCE_PREFIX, source, dest,
                        "cannot rename " + source + " to " + dest + ": the source is a prefix of the destination", null);
            }
            Optional<Kind> kind = kindOf(source);
            if (kind.isEmpty()) {
                throw KvException.of(Reason.NOT_FOUND, source);
            }
            if (kind.get() == Kind.VALUE && dest.isRoot()) {
                throw KvException.of(Reason.VALUE_EXPECTED, dest);
            }
            Key ancestor = valueAncestor(dest);
            if (ancestor != null) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, ancestor);
            }
            NavigableMap<Key, Value> moved = new TreeMap<>();
            Value v = values.remove(source);
            if (v != null) {
                moved.put(dest, v);
            } else {
                NavigableMap<Key, Value> sub = below(source);
                int depth = source.depth();
                for (Map.Entry<Key, Value> e : sub.entrySet()) {
                    List<String> rest = e.getKey().segments().subList(depth, e.getKey().depth());
                    moved.put(dest.append(new Key(rest)), e.getValue());
                }
                sub.clear();
            }
            long movedBytes = 0;
            for (Value x : moved.values()) {
                movedBytes += x.bytes.length;
            }
            used -= movedBytes;
            remove(dest);
            values.putAll(moved);
            used += movedBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void allocate(Key key, long size, Optional<Instant> lastModified) throws KvException {
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
        lock();
        try {
            if (kindOf(key).isPresent()) {
                throw KvException.of(Reason.ALREADY_PRESENT, key);
            }
            checkWritable(key);
            if (size > MAX_VALUE_BYTES) {
                throw KvException.of(Reason.NO_SPACE, key);
            }
            reserve(key, size);
            long when = lastModified.isPresent() ? nanos(lastModified.get()) : nanos(clock.instant());
            values.put(key, new Value(new byte[(int) size], when));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void lock() {
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new IllegalStateException("the key-value store is closed");
        }
    }

    private Optional<Kind> kindOf(Key key) {
        if (values.containsKey(key)) {
            return Optional.of(Kind.VALUE);
        }
        if (key.isRoot()) {
            return Optional.of(Kind.DICTIONARY);
        }
        Key next = values.higherKey(key);
        return next != null && key.isPrefixOf(next) ? Optional.of(Kind.DICTIONARY) : Optional.empty();
    }

    private Value value(Key key) throws KvException {
        Value v = values.get(key);
        if (v != null) {
            return v;
        }
        throw KvException.of(kindOf(key).isPresent() ? Reason.VALUE_EXPECTED : Reason.NOT_FOUND, key);
    }

    /**
     * The bound keys strictly below {@code key}, as a view. Descendants sort contiguously right
     * after their ancestor, so the view ends at the first following key without the prefix;
     * finding it costs a walk over the subtree.
     */
    private NavigableMap<Key, Value> below(Key key) {
        NavigableMap<Key, Value> tail = values.tailMap(key, false);
        if (key.isRoot()) {
            return tail;
        }
        for (Key k : tail.keySet()) {
            if (!key.isPrefixOf(k)) {
                return values.subMap(key, false, k, false);
            }
        }
        return tail;
    }

    private Key valueAncestor(Key key) {
        for (int i = 1; i < key.depth(); i++) {
            Key prefix = new Key(key.segments().subList(0, i));
            if (values.containsKey(prefix)) {
                return prefix;
            }
        }
        return null;
    }

    private void checkWritable(Key key) throws KvException {
        if (frozen) {
            throw KvException.of(Reason.NOT_SUPPORTED, key);
        }
        if (key.isRoot()) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
        Key ancestor = valueAncestor(key);
        if (ancestor != null) {
            throw KvException.of(Reason.DICTIONARY_EXPECTED, ancestor);
        }
        if (kindOf(key).orElse(Kind.VALUE) == Kind.DICTIONARY) {
            throw KvException.of(Reason.VALUE_EXPECTED, key);
        }
    }

    /** Accounts for {@code key} now holding {@code newSize} bytes, or fails with NO_SPACE. */
    private void reserve(Key key, long newSize) throws KvException {
        Value old = values.get(key);
        long after = used - (old == null ? 0 : old.bytes.length) + newSize;
        if (after > capacity) {
            throw new KvException(Reason.NO_SPACE, key, null,
                    "no space left for " + key + ": " + newSize + " bytes would bring the store to " + after
                            + " of its " + capacity + " bytes", null);
        }
        used = after;
    }

    private static void checkRange(long offset, int length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length " + length + " is negative");
        }
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }
}
