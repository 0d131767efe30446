package mirage.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import mirage.kv.KvException.Reason;
import org.junit.jupiter.api.Test;

/**
 * Model-based test: random sequences of writes on the in-memory store give the same outcomes
 * (success or the same error reason and key) and the same observable state as a plain map
 * from bound key to bytes, whose rules are written here the simplest way, without ordering
 * tricks.
 */
class MemoryKvModelTest {
    static final String[] SEGMENTS = {"a", "b", "c"};
    static final List<Key> UNIVERSE = universe();

    static List<Key> universe() {
        List<Key> out = new ArrayList<>();
        out.add(Key.ROOT);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).depth() < 3) {
                for (String s : SEGMENTS) {
                    out.add(out.get(i).append(s));
                }
            }
        }
        return out;
    }

    enum OpKind { SET, SET_PARTIAL, REMOVE, RENAME, ALLOCATE }

    record Op(OpKind kind, Key a, Key b, byte[] data, long offset) {
        static Op from(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            OpKind kind = OpKind.values()[r.nextInt(OpKind.values().length)];
            byte[] data = new byte[r.nextInt(12)];
            r.nextBytes(data);
            return new Op(kind, UNIVERSE.get(r.nextInt(UNIVERSE.size())), UNIVERSE.get(r.nextInt(UNIVERSE.size())), data, r.nextInt(16));
        }

        @Override
        public String toString() {
            return switch (kind) {
                case SET -> "set " + a + " " + data.length + "B";
                case SET_PARTIAL -> "setPartial " + a + " @" + offset + " " + data.length + "B";
                case REMOVE -> "remove " + a;
                case RENAME -> "rename " + a + " -> " + b;
                case ALLOCATE -> "allocate " + a + " " + offset;
            };
        }
    }

    /** The model: bound key to (bytes, time). */
    static final class Model {
        final Map<Key, byte[]> values = new HashMap<>();
        final Map<Key, Long> times = new HashMap<>();
        final long capacity;

        Model(long capacity) {
            this.capacity = capacity;
        }

        long used() {
            return values.values().stream().mapToLong(v -> v.length).sum();
        }

        boolean isDictionary(Key k) {
            return k.isRoot() || values.keySet().stream().anyMatch(b -> !b.equals(k) && k.isPrefixOf(b));
        }

        Optional<Kind> kind(Key k) {
            return values.containsKey(k) ? Optional.of(Kind.VALUE) : isDictionary(k) ? Optional.of(Kind.DICTIONARY) : Optional.empty();
        }

        Key valueAncestor(Key k) {
            for (int i = 1; i < k.depth(); i++) {
                Key p = new Key(k.segments().subList(0, i));
                if (values.containsKey(p)) {
                    return p;
                }
            }
            return null;
        }

        void writable(Key k) throws KvException {
            if (k.isRoot()) {
                throw KvException.of(Reason.VALUE_EXPECTED, k);
            }
            Key anc = valueAncestor(k);
            if (anc != null) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, anc);
            }
            if (isDictionary(k)) {
                throw KvException.of(Reason.VALUE_EXPECTED, k);
            }
        }

        void fits(Key k, long size) throws KvException {
            byte[] old = values.get(k);
            if (used() - (old == null ? 0 : old.length) + size > capacity) {
                throw KvException.of(Reason.NO_SPACE, k);
            }
        }

        void apply(Op op, long now) throws KvException {
            switch (op.kind) {
                case SET -> {
                    writable(op.a);
                    fits(op.a, op.data.length);
                    values.put(op.a, op.data.clone());
                    times.put(op.a, now);
                }
                case SET_PARTIAL -> {
                    writable(op.a);
                    byte[] old = values.getOrDefault(op.a, new byte[0]);
                    byte[] next = Arrays.copyOf(old, (int) Math.max(old.length, op.offset + op.data.length));
                    fits(op.a, next.length);
                    System.arraycopy(op.data, 0, next, (int) op.offset, op.data.length);
                    values.put(op.a, next);
                    times.put(op.a, now);
                }
                case REMOVE -> {
                    values.keySet().removeIf(op.a::isPrefixOf);
                    times.keySet().retainAll(values.keySet());
                }
                case RENAME -> {
                    if (op.a.isPrefixOf(op.b)) {
                        throw KvException.of(Reason.RENAME_SOURCE_PREFIX, op.a);
                    }
                    Optional<Kind> kind = kind(op.a);
                    if (kind.isEmpty()) {
                        throw KvException.of(Reason.NOT_FOUND, op.a);
                    }
                    if (kind.get() == Kind.VALUE && op.b.isRoot()) {
                        throw KvException.of(Reason.VALUE_EXPECTED, op.b);
                    }
                    Key anc = valueAncestor(op.b);
                    if (anc != null) {
                        throw KvException.of(Reason.DICTIONARY_EXPECTED, anc);
                    }
                    Map<Key, byte[]> movedValues = new HashMap<>();
                    Map<Key, Long> movedTimes = new HashMap<>();
                    for (Key k : new ArrayList<>(values.keySet())) {
                        if (op.a.isPrefixOf(k)) {
                            Key to = op.b.append(new Key(k.segments().subList(op.a.depth(), k.depth())));
                            movedValues.put(to, values.remove(k));
                            movedTimes.put(to, times.remove(k));
                        }
                    }
                    values.keySet().removeIf(op.b::isPrefixOf);
                    times.keySet().retainAll(values.keySet());
                    values.putAll(movedValues);
                    times.putAll(movedTimes);
                }
                case ALLOCATE -> {
                    if (kind(op.a).isPresent()) {
                        throw KvException.of(Reason.ALREADY_PRESENT, op.a);
                    }
                    writable(op.a);
                    fits(op.a, op.offset);
                    values.put(op.a, new byte[(int) op.offset]);
                    times.put(op.a, now);
                }
            }
        }

        List<Entry> list(Key k) throws KvException {
            if (values.containsKey(k)) {
                throw KvException.of(Reason.DICTIONARY_EXPECTED, k);
            }
            if (!isDictionary(k)) {
                throw KvException.of(Reason.NOT_FOUND, k);
            }
            TreeMap<Key, Kind> out = new TreeMap<>();
            for (Key b : values.keySet()) {
                if (!b.equals(k) && k.isPrefixOf(b)) {
                    Key child = new Key(b.segments().subList(0, k.depth() + 1));
                    out.put(child, values.containsKey(child) ? Kind.VALUE : Kind.DICTIONARY);
                }
            }
            List<Entry> entries = new ArrayList<>();
            out.forEach((key, kind) -> entries.add(new Entry(key, kind)));
            return entries;
        }

        byte[] get(Key k) throws KvException {
            byte[] v = values.get(k);
            if (v == null) {
                throw KvException.of(isDictionary(k) ? Reason.VALUE_EXPECTED : Reason.NOT_FOUND, k);
            }
            return v;
        }

        long lastModified(Key k) throws KvException {
            if (values.containsKey(k)) {
                return times.get(k);
            }
            if (!isDictionary(k)) {
                throw KvException.of(Reason.NOT_FOUND, k);
            }
            return times.entrySet().stream().filter(e -> k.isPrefixOf(e.getKey())).mapToLong(Map.Entry::getValue).max().orElse(0);
        }
    }

    interface Query<T> {
        T run() throws KvException;
    }

    /** The outcome of a call: its result, or the reason and key of its error. */
    static <T> Object outcome(Query<T> q) {
        try {
            T v = q.run();
            return v instanceof byte[] bytes ? List.of(Arrays.toString(bytes)) : v;
        } catch (KvException e) {
            return e.reason() + " " + e.key();
        }
    }

    @Test
    void storeBehavesAsTheModel() {
        qt().withExamples(200)
                .forAll(lists().of(longs().all().map(Op::from)).ofSizeBetween(1, 40), integers().between(8, 64))
                .checkAssert((ops, capacity) -> {
                    AtomicLong now = new AtomicLong();
                    KvRw kv = KvRw.memory(() -> Instant.ofEpochSecond(0, now.get()), capacity);
                    Model model = new Model(capacity);
                    List<Op> done = new ArrayList<>();
                    for (Op op : ops) {
                        done.add(op);
                        now.addAndGet(1_000_000_007L);
                        Object expected = outcome(() -> {
                            model.apply(op, now.get());
                            return "ok";
                        });
                        Object actual = outcome(() -> {
                            switch (op.kind) {
                                case SET -> kv.set(op.a, op.data);
                                case SET_PARTIAL -> kv.setPartial(op.a, op.offset, op.data);
                                case REMOVE -> kv.remove(op.a);
                                case RENAME -> kv.rename(op.a, op.b);
                                case ALLOCATE -> kv.allocate(op.a, op.offset);
                            }
                            return "ok";
                        });
                        assertEquals(expected, actual, () -> "after " + done);
                        compare(model, kv, done);
                    }
                });
    }

    static void compare(Model model, KvRw kv, List<Op> done) {
        for (Key k : UNIVERSE) {
            String where = k + " after " + done;
            assertEquals(outcome(() -> model.kind(k)), outcome(() -> kv.exists(k)), where);
            assertEquals(outcome(() -> model.get(k)), outcome(() -> kv.get(k)), where);
            assertEquals(outcome(() -> (long) model.get(k).length), outcome(() -> kv.size(k)), where);
            assertEquals(outcome(() -> model.list(k)), outcome(() -> kv.list(k)), where);
            assertEquals(outcome(() -> Instant.EPOCH.plusNanos(model.lastModified(k))), outcome(() -> kv.lastModified(k)), where);
            if (model.values.containsKey(k)) {
                assertEquals(outcome(() -> Arrays.copyOfRange(model.values.get(k), Math.min(2, model.values.get(k).length),
                        Math.min(5, model.values.get(k).length))), outcome(() -> kv.getPartial(k, 2, 3)), where);
            }
        }
        try {
            assertArrayEquals(rebuilt(model).digest(Key.ROOT), kv.digest(Key.ROOT), "digest depends on content only");
        } catch (KvException e) {
            throw new AssertionError(e);
        }
    }

    /** The model's content written into a fresh store in another order, at other times. */
    static KvRw rebuilt(Model model) throws KvException {
        KvRw fresh = KvRw.memory(InstantSource.system());
        List<Key> keys = new ArrayList<>(model.values.keySet());
        keys.sort((x, y) -> y.compareTo(x));
        for (Key k : keys) {
            fresh.set(k, model.values.get(k));
        }
        return fresh;
    }
}
