package mirage.gitstore;

import static mirage.gitstore.Fixtures.bytes;
import static mirage.gitstore.Fixtures.info;
import static mirage.gitstore.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.kv.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Random sequences of sets, removes, batches, stale test-and-sets and merges on two branches,
 * checked after every step against a model that keeps each commit's map and the commit graph
 * and merges three-way by itself. Keys under {@code /d} merge as counters; every other key
 * changed on both sides is a conflict, reported per key.
 */
class StoreModelTest {
    @TempDir
    Path dir;
    final AtomicInteger repos = new AtomicInteger();

    static final List<Key> KEYS = List.of(Key.of("a"), Key.of("b"), Key.of("c"), Key.parse("d/x"), Key.parse("d/y"),
            Key.parse("d/e/z"), Key.parse("f/g"));
    static final List<String> BRANCHES = List.of("main", "dev");
    static final MergePolicy POLICY = MergePolicy.failOnConflict().with(Key.of("d"), MergeFunction.counters());

    sealed interface Op {}

    /** A batch of writes: value null removes. A batch of one is a plain set or remove. */
    record Batch(int branch, List<Map.Entry<Integer, Integer>> writes) implements Op {}

    record Merge(int into) implements Op {}

    record StaleTestAndSet(int branch) implements Op {}

    static Gen<Op> op() {
        Gen<Map.Entry<Integer, Integer>> write = integers().between(0, KEYS.size() - 1)
                .zip(integers().between(-1, 4), (k, v) -> Map.entry(k, v));
        return integers().between(0, 9).zip(integers().between(0, 1), lists().of(write).ofSizeBetween(1, 4),
                (kind, branch, writes) -> switch (kind) {
                    case 0, 1 -> new Merge(branch);
                    case 2 -> new StaleTestAndSet(branch);
                    case 3, 4, 5 -> new Batch(branch, writes.subList(0, 1));
                    default -> new Batch(branch, writes);
                });
    }

    /** The model: each commit's values and parents, and the branches' heads. */
    static final class Model {
        final Map<CommitId, Map<Key, String>> values = new HashMap<>();
        final Map<CommitId, List<CommitId>> parents = new HashMap<>();
        final Map<String, CommitId> heads = new HashMap<>();

        Map<Key, String> at(String branch) {
            CommitId h = heads.get(branch);
            return h == null ? Map.of() : values.get(h);
        }

        Set<CommitId> ancestors(CommitId c) {
            Set<CommitId> out = new HashSet<>();
            List<CommitId> todo = new ArrayList<>(List.of(c));
            while (!todo.isEmpty()) {
                CommitId x = todo.removeLast();
                if (out.add(x)) {
                    todo.addAll(parents.get(x));
                }
            }
            return out;
        }

        /** The common ancestors that no other common ancestor descends from. */
        Set<CommitId> mergeBases(CommitId a, CommitId b) {
            Set<CommitId> common = ancestors(a);
            common.retainAll(ancestors(b));
            Set<CommitId> best = new HashSet<>(common);
            for (CommitId c : common) {
                for (CommitId p : ancestors(c)) {
                    if (!p.equals(c)) {
                        best.remove(p);
                    }
                }
            }
            return best;
        }
    }

    @Test
    void inMemory() {
        check(() -> GitStore.memory(Fixtures.ticking()), 120, null, null);
    }

    @Test
    void bareOnDiskAndCheckedByGitFsck() {
        assumeTrue(Fixtures.gitInstalled(), "C git is not installed");
        check(() -> GitStore.openBare(dir.resolve("m" + repos.incrementAndGet() + ".git"), Fixtures.ticking()), 25,
                p -> Fixtures.fsck(p), null);
    }

    @Test
    void onABlockDeviceAndAfterReopening() {
        mirage.block.Block[] device = new mirage.block.Block[1];
        check(() -> GitStore.onBlock(device[0] = mirage.block.Block.memory(512, 1 << 14), Fixtures.ticking()), 40, null,
                (store, model) -> {
                    try (GitStore again = GitStore.onBlock(device[0], Fixtures.ticking())) {
                        for (String b : BRANCHES) {
                            assertEquals(store.branch(b).head(), again.branch(b).head());
                            assertEquals(model.at(b), texts(again.branch(b).snapshot().values(Key.ROOT)));
                        }
                    }
                });
    }

    interface Reopen {
        void check(GitStore store, Model model) throws Exception;
    }

    interface Open {
        GitStore open() throws Exception;
    }

    interface AfterEach {
        void check(Path repo);
    }

    void check(Open open, int examples, AfterEach fsck, Reopen reopen) {
        qt().withExamples(examples).forAll(lists().of(op()).ofSizeBetween(1, 30)).checkAssert(ops -> {
            try (GitStore store = open.open()) {
                Model model = new Model();
                for (Op op : ops) {
                    step(store, model, op);
                    for (String b : BRANCHES) {
                        assertEquals(model.at(b), texts(store.branch(b).snapshot().values(Key.ROOT)), b + " after " + op);
                        assertEquals(Optional.ofNullable(model.heads.get(b)), store.branch(b).head());
                    }
                }
                if (fsck != null) {
                    fsck.check(dir.resolve("m" + repos.get() + ".git"));
                }
                if (reopen != null) {
                    reopen.check(store, model);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    static void step(GitStore store, Model model, Op op) throws Exception {
        switch (op) {
            case Batch b -> {
                String name = BRANCHES.get(b.branch());
                List<Write> writes = new ArrayList<>();
                Map<Key, String> next = new TreeMap<>(model.at(name));
                for (Map.Entry<Integer, Integer> w : b.writes()) {
                    Key k = KEYS.get(w.getKey());
                    if (w.getValue() < 0) {
                        writes.add(Write.remove(k));
                        next.remove(k);
                    } else {
                        writes.add(Write.set(k, bytes(Integer.toString(w.getValue()))));
                        next.put(k, Integer.toString(w.getValue()));
                    }
                }
                Commit c = store.branch(name).apply(writes, info("batch"));
                record(model, c, Map.copyOf(next));
                model.heads.put(name, c.id());
            }
            case StaleTestAndSet t -> {
                String name = BRANCHES.get(t.branch());
                CommitId head = model.heads.get(name);
                Optional<CommitId> stale = head == null ? Optional.of(new CommitId("11".repeat(20))) : Optional.empty();
                assertThrows(HeadConflictException.class,
                        () -> store.branch(name).apply(stale, List.of(Write.set(KEYS.get(0), bytes("9"))), info("stale")));
            }
            case Merge m -> merge(store, model, BRANCHES.get(m.into()), BRANCHES.get(1 - m.into()));
        }
    }

    static void merge(GitStore store, Model model, String into, String from) throws Exception {
        CommitId ours = model.heads.get(into);
        CommitId theirs = model.heads.get(from);
        if (theirs == null) {
            GitStoreException e = assertThrows(GitStoreException.class, () -> store.branch(into).merge(from, info("merge"), POLICY));
            assertEquals(GitStoreException.Reason.NOT_FOUND, e.reason());
            return;
        }
        MergeResult r = store.branch(into).merge(from, info("merge"), POLICY);
        if (ours != null && model.ancestors(ours).contains(theirs)) {
            assertEquals(new MergeResult.UpToDate(ours), r);
            return;
        }
        if (ours == null || model.ancestors(theirs).contains(ours)) {
            assertEquals(new MergeResult.FastForward(theirs), r);
            model.heads.put(into, theirs);
            return;
        }
        Set<CommitId> bases = model.mergeBases(ours, theirs);
        assertTrue(bases.size() <= 1, "two branches merging heads never make criss-cross histories: " + bases);
        Map<Key, String> base = bases.isEmpty() ? Map.of() : model.values.get(bases.iterator().next());
        Map<Key, String> o = model.values.get(ours);
        Map<Key, String> t = model.values.get(theirs);
        Map<Key, String> merged = new TreeMap<>();
        List<MergeResult.Conflict> conflicts = new ArrayList<>();
        TreeSet<Key> keys = new TreeSet<>(o.keySet());
        keys.addAll(t.keySet());
        keys.addAll(base.keySet());
        for (Key k : keys) {
            String b = base.get(k);
            String x = o.get(k);
            String y = t.get(k);
            String v;
            if (Objects.equals(x, y) || Objects.equals(b, y)) {
                v = x;
            } else if (Objects.equals(b, x)) {
                v = y;
            } else if (k.segments().getFirst().equals("d")) {
                v = Long.toString(num(x) + num(y) - num(b));
            } else {
                conflicts.add(new MergeResult.Conflict(k, "changed on both sides"));
                v = x;
            }
            if (v != null) {
                merged.put(k, v);
            }
        }
        if (!conflicts.isEmpty()) {
            assertEquals(new MergeResult.Conflicted(conflicts), r);
            return;
        }
        Commit c = assertInstanceOf(MergeResult.Merged.class, r).commit();
        assertEquals(List.of(ours, theirs), c.parents());
        record(model, c, merged);
        model.heads.put(into, c.id());
    }

    static long num(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }

    static void record(Model model, Commit c, Map<Key, String> values) {
        model.values.put(c.id(), Map.copyOf(values));
        model.parents.put(c.id(), c.parents());
    }

    static Map<Key, String> texts(Map<Key, byte[]> values) {
        Map<Key, String> out = new HashMap<>();
        values.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }
}
