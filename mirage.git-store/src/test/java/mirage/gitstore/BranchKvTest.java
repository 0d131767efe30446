package mirage.gitstore;

import static mirage.gitstore.Fixtures.ALICE;
import static mirage.gitstore.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import mirage.kv.Key;
import mirage.kv.KvException;
import mirage.kv.KvRw;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The {@link BranchKv} view against mirage.kv's in-memory store, the reference for mirage-kv
 * semantics: random operations (and batches of them) give the same results and the same typed
 * errors on both; every write is one commit.
 */
class BranchKvTest {
    static final List<Key> KEYS = List.of(Key.ROOT, Key.of("a"), Key.of("b"), Key.parse("a/x"), Key.parse("d/y"),
            Key.parse("d/z/w"), Key.of("d"), Key.parse("d/z"));

    /** kind, key, other key, number. */
    record Op(int kind, int key, int other, int n) {}

    static Gen<Op> op() {
        return integers().between(0, 13).zip(integers().between(0, KEYS.size() - 1), integers().between(0, KEYS.size() - 1),
                integers().between(0, 6), Op::new);
    }

    /** What an operation gave: its value as text, or the error's reason and key. */
    static String run(KvRw kv, Op op) {
        Key k = KEYS.get(op.key());
        Key other = KEYS.get(op.other());
        byte[] v = bytes("v" + op.n() + "-" + op.key());
        try {
            return switch (op.kind()) {
                case 0, 1 -> { kv.set(k, v); yield "ok"; }
                case 2 -> { kv.setPartial(k, op.n(), bytes("pp")); yield "ok"; }
                case 3 -> { kv.remove(k); yield "ok"; }
                case 4 -> { kv.rename(k, other); yield "ok"; }
                case 5 -> { kv.allocate(k, op.n()); yield "ok"; }
                case 6 -> new String(kv.get(k));
                case 7 -> new String(kv.getPartial(k, op.n() / 2, 3));
                case 8 -> kv.exists(k).toString();
                case 9 -> kv.list(k).toString();
                case 10 -> Long.toString(kv.size(k));
                case 11 -> HexFormat.of().formatHex(kv.digest(k));
                default -> { kv.set(k, v); yield "ok"; }
            };
        } catch (KvException e) {
            return e.reason() + " " + e.key();
        }
    }

    @Test
    void viewBehavesAsTheReferenceStore() {
        qt().withExamples(150).forAll(lists().of(op()).ofSizeBetween(1, 30), integers().between(0, 3)).checkAssert((ops, batchSize) -> {
            try (GitStore store = GitStore.memory(Fixtures.ticking()); KvRw reference = KvRw.memory(java.time.InstantSource.system())) {
                BranchKv kv = store.main().kv(ALICE);
                int writes = 0;
                for (int i = 0; i < ops.size(); i++) {
                    if (batchSize > 1 && i + batchSize <= ops.size()) {
                        List<Op> batch = ops.subList(i, i + batchSize);
                        List<String> expected = new ArrayList<>();
                        for (Op op : batch) {
                            expected.add(run(reference, op));
                        }
                        List<String> got = new ArrayList<>();
                        Optional<CommitId> before = store.main().head();
                        kv.batch("batch", 0, staged -> {
                            for (Op op : batch) {
                                got.add(run(staged, op));
                            }
                        });
                        assertEquals(expected, got, "batch " + batch);
                        if (!store.main().head().equals(before)) {
                            writes++;
                        }
                        i += batchSize - 1;
                    } else {
                        Optional<CommitId> before = store.main().head();
                        assertEquals(run(reference, ops.get(i)), run(kv, ops.get(i)), ops.get(i).toString());
                        if (!store.main().head().equals(before)) {
                            writes++;
                        }
                    }
                    assertArrayEquals(reference.digest(Key.ROOT), kv.digest(Key.ROOT));
                }
                assertEquals(writes, store.main().log(0, 1000).size());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void lastModifiedIsTheTimeOfTheCommitThatLastChangedTheKey() throws Exception {
        try (GitStore store = GitStore.memory(Fixtures.ticking())) {
            BranchKv kv = store.main().kv(ALICE);
            assertEquals(Instant.EPOCH, kv.lastModified(Key.ROOT));
            kv.set(Key.parse("d/x"), bytes("1"));
            Instant t1 = store.main().log(0, 1).getFirst().time();
            kv.set(Key.of("y"), bytes("2"));
            Instant t2 = store.main().log(0, 1).getFirst().time();
            kv.set(Key.of("y"), bytes("2"));
            assertEquals(t1, kv.lastModified(Key.parse("d/x")));
            assertEquals(t1, kv.lastModified(Key.of("d")));
            assertEquals(t2, kv.lastModified(Key.of("y")));
            assertEquals(KvException.Reason.NOT_FOUND, assertThrows(KvException.class, () -> kv.lastModified(Key.of("z"))).reason());
            assertEquals(List.of("set /y", "set /y", "set /d/x"), store.main().log(0, 10).stream().map(Commit::message).toList());
        }
    }

    @Test
    void aBatchRetriesItsBodyWhenTheHeadMovesAndGivesUpAfterItsRetries() throws Exception {
        try (GitStore store = GitStore.memory(Fixtures.ticking())) {
            BranchKv kv = store.main().kv(ALICE);
            kv.set(Key.of("n"), bytes("0"));
            int[] runs = {0};
            kv.batch("increment", 3, staged -> {
                int n = Integer.parseInt(new String(staged.get(Key.of("n"))));
                if (runs[0]++ == 0) {
                concurrently(store, "n", "10");
                }
                staged.set(Key.of("n"), bytes(Integer.toString(n + 1)));
            });
            assertEquals(2, runs[0]);
            assertEquals("11", new String(kv.get(Key.of("n"))));
            KvException e = assertThrows(KvException.class, () -> kv.batch("never", 1, staged -> {
                concurrently(store, "other", Arrays.toString(new int[] {runs[0]++}));
                staged.set(Key.of("n"), bytes("0"));
            }));
            assertEquals(KvException.Reason.STORAGE, e.reason());
            assertEquals(GitStoreException.Reason.TOO_MANY_RETRIES, ((GitStoreException) e.getCause()).reason());
            assertEquals("11", new String(kv.get(Key.of("n"))));
        }
    }

    /** Another writer commits on main (as if from another thread, while a batch runs). */
    static void concurrently(GitStore store, String key, String value) {
        try {
            store.main().set(Key.of(key), bytes(value), CommitInfo.of(ALICE, "concurrent"));
        } catch (GitStoreException e) {
            throw new AssertionError(e);
        }
    }
}
