package mirage.gitstore;

import static mirage.gitstore.Fixtures.ALICE;
import static mirage.gitstore.Fixtures.BOB;
import static mirage.gitstore.Fixtures.bytes;
import static mirage.gitstore.Fixtures.info;
import static mirage.gitstore.Fixtures.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The store's operations, on both backends. */
class GitStoreTest {
    @TempDir
    static Path dir;
    static int repos;

    interface Backend {
        GitStore open() throws Exception;
    }

    static Stream<Backend> backends() {
        return Stream.of(
                new Backend() {
                    public GitStore open() {
                        return GitStore.memory(Fixtures.ticking());
                    }

                    public String toString() {
                        return "memory";
                    }
                },
                new Backend() {
                    public GitStore open() throws Exception {
                        return GitStore.openBare(dir.resolve("repo" + repos++ + ".git"), Fixtures.ticking());
                    }

                    public String toString() {
                        return "bare";
                    }
                },
                new Backend() {
                    public GitStore open() throws Exception {
                        return GitStore.onBlock(mirage.block.Block.memory(512, 1 << 15), Fixtures.ticking());
                    }

                    public String toString() {
                        return "block";
                    }
                });
    }

    static final Key A = Key.of("a");
    static final Key B = Key.parse("/dir/b");
    static final Key C = Key.parse("/dir/sub/c");

    @ParameterizedTest
    @MethodSource("backends")
    void anEmptyBranchReadsAsAnEmptyStore(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            assertEquals(Optional.empty(), main.head());
            assertEquals(Optional.empty(), main.get(A));
            assertEquals(Optional.of(Kind.DICTIONARY), main.exists(Key.ROOT));
            assertEquals(List.of(), main.list(Key.ROOT));
            assertEquals(List.of(), main.log(0, 10));
            assertEquals(List.of(), s.branches());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void eachSetIsOneCommitWithAuthorMessageAndClockTime(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            Commit c1 = main.set(A, bytes("one"), CommitInfo.of(ALICE, "first"));
            Commit c2 = main.set(B, bytes("two"), CommitInfo.of(BOB, "second"));
            assertEquals(List.of(), c1.parents());
            assertEquals(List.of(c1.id()), c2.parents());
            assertEquals(Optional.of(c2.id()), main.head());
            assertEquals(List.of("main"), s.branches());
            assertEquals("one", text(main.get(A).orElseThrow()));
            assertEquals(Optional.of(Kind.DICTIONARY), main.exists(Key.of("dir")));
            assertEquals(List.of(new Entry(A, Kind.VALUE), new Entry(Key.of("dir"), Kind.DICTIONARY)), main.list(Key.ROOT));
            List<Commit> log = main.log(0, 10);
            assertEquals(List.of(c2, c1), log);
            assertEquals(BOB, log.get(0).author());
            assertEquals("second", log.get(0).message());
            assertEquals(Instant.parse("2026-01-01T00:00:01Z"), log.get(0).time());
            assertEquals(c1, s.commit(c1.id()));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aBatchIsOneCommitAndAFailingBatchCommitsNothing(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            Commit c = main.apply(List.of(Write.set(A, bytes("1")), Write.set(B, bytes("2")), Write.set(C, bytes("3")),
                    Write.remove(B)), info("batch"));
            assertEquals(1, main.log(0, 10).size());
            assertEquals(Map.of(A, "1", C, "3"), texts(main.snapshot().values(Key.ROOT)));
            GitStoreException e = assertThrows(GitStoreException.class,
                    () -> main.apply(List.of(Write.set(Key.of("x"), bytes("x")), Write.set(Key.parse("/a/below"), bytes("no"))), info("bad")));
            assertEquals(GitStoreException.Reason.DICTIONARY_EXPECTED, e.reason());
            assertEquals(Optional.of(A), e.key());
            assertEquals(Optional.of(c.id()), main.head());
            assertEquals(GitStoreException.Reason.VALUE_EXPECTED,
                    assertThrows(GitStoreException.class, () -> main.set(Key.of("dir"), bytes("v"), info("v"))).reason());
            assertEquals(GitStoreException.Reason.VALUE_EXPECTED,
                    assertThrows(GitStoreException.class, () -> main.set(Key.ROOT, bytes("v"), info("v"))).reason());
            assertThrows(IllegalArgumentException.class, () -> main.set(Key.of(".GIT"), bytes("v"), info("v")));
            assertEquals(Optional.of(c.id()), main.head());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void removingTheLastValueOfADictionaryRemovesTheDictionary(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            main.apply(List.of(Write.set(A, bytes("1")), Write.set(C, bytes("3"))), info("two"));
            main.remove(C, info("rm"));
            assertEquals(Optional.empty(), main.exists(Key.of("dir")));
            assertEquals(List.of(new Entry(A, Kind.VALUE)), main.list(Key.ROOT));
            main.remove(Key.ROOT, info("all"));
            assertEquals(List.of(), main.list(Key.ROOT));
            assertEquals(3, main.log(0, 10).size());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void logPagesSnapshotsAndDiffs(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            List<Commit> made = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                made.add(main.set(Key.of("k" + (i % 5)), bytes("v" + i), info("c" + i)));
            }
            List<Commit> all = new ArrayList<>();
            for (int page = 0; ; page++) {
                List<Commit> p = main.log(page * 10, 10);
                all.addAll(p);
                if (p.size() < 10) {
                    break;
                }
            }
            assertEquals(made.reversed(), all);
            assertEquals(made.subList(0, 3).reversed(), s.log(made.get(2).id(), 0, 100));
            Snapshot old = s.snapshot(made.get(6).id());
            assertEquals("v6", text(old.get(Key.of("k1")).orElseThrow()));
            assertEquals("v21", text(main.get(Key.of("k1")).orElseThrow()));
            List<Change> d = s.diff(Optional.of(made.get(6).id()), made.get(8).id());
            assertEquals(List.of(new Change(Key.of("k2"), Optional.of(bytes("v2")), Optional.of(bytes("v7"))),
                    new Change(Key.of("k3"), Optional.of(bytes("v3")), Optional.of(bytes("v8")))), d);
            assertEquals(Change.Kind.UPDATED, d.get(0).kind());
            assertEquals(List.of(new Change(Key.of("k0"), Optional.empty(), Optional.of(bytes("v0")))),
                    s.diff(Optional.empty(), made.get(0).id()));
            assertThrows(GitStoreException.class, () -> s.snapshot(new CommitId("00".repeat(20))));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void revertUndoesOneCommitAndConflictsWithLaterChanges(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            main.set(A, bytes("1"), info("a1"));
            Commit addB = main.apply(List.of(Write.set(B, bytes("2")), Write.set(A, bytes("1b"))), info("b"));
            main.set(C, bytes("3"), info("c"));
            MergeResult r = main.revert(addB.id(), info("revert b"));
            assertInstanceOf(MergeResult.Merged.class, r);
            assertEquals(Map.of(A, "1", C, "3"), texts(main.snapshot().values(Key.ROOT)));
            Commit changeC = main.set(C, bytes("4"), info("c4"));
            main.set(C, bytes("5"), info("c5"));
            MergeResult conflicted = main.revert(changeC.id(), info("revert c4"));
            assertEquals(new MergeResult.Conflicted(List.of(new MergeResult.Conflict(C, "changed on both sides"))), conflicted);
            assertEquals("5", text(main.get(C).orElseThrow()));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void testAndSetMovesOnlyFromTheExpectedHead(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            Commit c1 = main.apply(Optional.empty(), List.of(Write.set(A, bytes("1"))), info("1"));
            HeadConflictException e = assertThrows(HeadConflictException.class,
                    () -> main.apply(Optional.empty(), List.of(Write.set(A, bytes("2"))), info("2")));
            assertEquals(Optional.of(c1.id()), e.actual());
            Commit c2 = main.apply(Optional.of(c1.id()), List.of(Write.set(A, bytes("2"))), info("2"));
            assertThrows(HeadConflictException.class, () -> s.testAndSetHead("main", Optional.of(c1.id()), Optional.of(c1.id())));
            s.testAndSetHead("main", Optional.of(c2.id()), Optional.of(c1.id()));
            assertEquals("1", text(main.get(A).orElseThrow()));
            s.testAndSetHead("other", Optional.empty(), Optional.of(c2.id()));
            assertEquals(List.of("main", "other"), s.branches());
            s.testAndSetHead("other", Optional.of(c2.id()), Optional.empty());
            assertEquals(List.of("main"), s.branches());
            assertThrows(IllegalArgumentException.class, () -> s.branch("bad..name"));
            assertThrows(IllegalArgumentException.class, () -> s.branch(""));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void mergeTakesEachSidesChangesAndReportsConflictsPerKey(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            main.apply(List.of(Write.set(A, bytes("base")), Write.set(B, bytes("b")), Write.set(C, bytes("c"))), info("base"));
            s.testAndSetHead("dev", Optional.empty(), main.head());
            Branch dev = s.branch("dev");
            main.set(A, bytes("main"), info("main a"));
            main.set(Key.of("m"), bytes("m"), info("main m"));
            dev.set(A, bytes("dev"), info("dev a"));
            dev.remove(B, info("dev rm b"));
            Optional<CommitId> before = main.head();

            MergeResult failed = main.merge("dev", info("merge"), MergePolicy.failOnConflict());
            assertEquals(new MergeResult.Conflicted(List.of(new MergeResult.Conflict(A, "changed on both sides"))), failed);
            assertEquals(before, main.head());

            MergeResult merged = main.merge("dev", info("merge"), MergePolicy.of(MergeFunction.lastWriterWins()));
            Commit m = assertInstanceOf(MergeResult.Merged.class, merged).commit();
            assertEquals(List.of(before.orElseThrow(), dev.head().orElseThrow()), m.parents());
            assertEquals(Map.of(A, "dev", C, "c", Key.of("m"), "m"), texts(main.snapshot().values(Key.ROOT)));

            assertInstanceOf(MergeResult.UpToDate.class, main.merge("dev", info("again"), MergePolicy.failOnConflict()));
            assertEquals(new MergeResult.FastForward(main.head().orElseThrow()),
                    dev.merge("main", info("ff"), MergePolicy.failOnConflict()));
            assertEquals(main.head(), dev.head());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void countersMergeByAddingBothSidesDeltas(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Key hits = Key.parse("/counters/hits");
            Key name = Key.parse("/meta/name");
            Branch main = s.main();
            main.apply(List.of(Write.set(hits, bytes("10")), Write.set(name, bytes("x"))), info("base"));
            s.testAndSetHead("dev", Optional.empty(), main.head());
            main.apply(List.of(Write.set(hits, bytes("15")), Write.set(name, bytes("main"))), info("+5"));
            s.branch("dev").apply(List.of(Write.set(hits, bytes("13")), Write.set(name, bytes("dev"))), info("+3"));
            MergePolicy policy = MergePolicy.failOnConflict().with(Key.of("counters"), MergeFunction.counters());
            assertEquals(List.of(new MergeResult.Conflict(name, "changed on both sides")),
                    ((MergeResult.Conflicted) main.merge("dev", info("m"), policy)).conflicts());
            policy = policy.with(Key.of("meta"), MergeFunction.lastWriterWins());
            assertTrue(main.merge("dev", info("m"), policy).succeeded());
            assertEquals("18", text(main.get(hits).orElseThrow()));
            assertEquals("dev", text(main.get(name).orElseThrow()));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aValueAgainstADictionaryIsAConflict(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            main.set(Key.of("base"), bytes("0"), info("base"));
            s.testAndSetHead("dev", Optional.empty(), main.head());
            main.set(Key.of("x"), bytes("value"), info("x value"));
            s.branch("dev").set(Key.parse("/x/y"), bytes("below"), info("x dict"));
            MergeResult r = main.merge("dev", info("m"), MergePolicy.of(MergeFunction.lastWriterWins()));
            assertEquals(List.of(new MergeResult.Conflict(Key.of("x"), "a value on one side, a dictionary on the other")),
                    ((MergeResult.Conflicted) r).conflicts());
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void watchesDeliverEveryUpdateInOrderWithItsDiff(Backend backend) throws Exception {
        try (GitStore s = backend.open()) {
            Branch main = s.main();
            LinkedBlockingQueue<BranchUpdate> seen = new LinkedBlockingQueue<>();
            Watch w = main.watch(seen::add);
            Commit c1 = main.set(A, bytes("1"), info("1"));
            Commit c2 = main.apply(List.of(Write.set(A, bytes("2")), Write.set(B, bytes("b"))), info("2"));
            s.branch("other").set(A, bytes("elsewhere"), info("not watched"));
            s.testAndSetHead("main", Optional.of(c2.id()), Optional.empty());
            BranchUpdate u1 = seen.poll(30, TimeUnit.SECONDS);
            BranchUpdate u2 = seen.poll(30, TimeUnit.SECONDS);
            BranchUpdate u3 = seen.poll(30, TimeUnit.SECONDS);
            assertEquals(new BranchUpdate("main", Optional.empty(), Optional.of(c1.id()),
                    List.of(new Change(A, Optional.empty(), Optional.of(bytes("1"))))), u1);
            assertEquals(new BranchUpdate("main", Optional.of(c1.id()), Optional.of(c2.id()),
                    List.of(new Change(A, Optional.of(bytes("1")), Optional.of(bytes("2"))),
                            new Change(B, Optional.empty(), Optional.of(bytes("b"))))), u2);
            assertEquals(Optional.empty(), u3.after());
            assertEquals(2, u3.changes().size());
            w.close();
            main.set(A, bytes("3"), info("3"));
            assertEquals(null, seen.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aClosedStoreRefusesUse(Backend backend) throws Exception {
        GitStore s = backend.open();
        Branch main = s.main();
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> main.get(A));
        assertThrows(IllegalStateException.class, () -> main.set(A, bytes("x"), info("x")));
        assertThrows(IllegalStateException.class, s::branches);
    }

    @Test
    void aBareRepositoryReopensWithItsHistory() throws Exception {
        Path p = dir.resolve("reopen.git");
        CommitId head;
        try (GitStore s = GitStore.openBare(p, Fixtures.ticking())) {
            s.main().set(A, bytes("kept"), info("keep"));
            head = s.main().head().orElseThrow();
        }
        try (GitStore s = GitStore.openBare(p, Fixtures.ticking())) {
            assertEquals(Optional.of(head), s.main().head());
            assertArrayEquals(bytes("kept"), s.main().get(A).orElseThrow());
        }
    }

    static Map<Key, String> texts(Map<Key, byte[]> values) {
        Map<Key, String> out = new java.util.HashMap<>();
        values.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }
}
