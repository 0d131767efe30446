package mirage.gitstore.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mirage.gitstore.Author;
import mirage.gitstore.CommitId;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.MergePolicy;
import mirage.gitstore.MergeResult;
import mirage.kv.Key;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;

/**
 * Tree objects are the one git format this module parses itself. Any bytes: a typed failure or
 * entries whose names are valid key segments; and a store whose commit points at such a tree
 * answers every read, diff and merge with a value or a {@link GitStoreException}, never
 * another exception. Seeds: trees git wrote.
 */
class TreeParserFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] raw) {
        try {
            var entries = TreeParser.parse(raw);
            for (var e : entries.entrySet()) {
                Key.of(e.getKey());
                assertTrue(e.getValue() instanceof Node.Blob || e.getValue() instanceof Node.Dir);
            }
        } catch (TreeParser.BadTree expected) {
            // typed
        }
    }

    @FuzzTest(maxDuration = "10s")
    void storeOverAnyTree(byte[] raw) throws IOException {
        MemRepository repo = new MemRepository("fuzz");
        ObjectId commit;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId tree = ins.insert(Constants.OBJ_TREE, raw);
            commit = JGitStore.insertCommit(ins, tree, CommitInfo.of(new Author("f", "f@x"), "fuzz"), Instant.EPOCH);
            ins.flush();
        }
        try (JGitStore store = new JGitStore(repo, () -> Instant.EPOCH)) {
            CommitId id = JGitStore.id(commit);
            store.testAndSetHead("main", Optional.empty(), Optional.of(id));
            var main = store.main();
            for (Key k : List.of(Key.ROOT, Key.of("a"), Key.parse("a/b"))) {
                typed(() -> main.get(k));
                typed(() -> main.exists(k));
                typed(() -> main.list(k));
            }
            typed(() -> main.snapshot().values(Key.ROOT));
            typed(() -> store.diff(Optional.empty(), id));
            typed(() -> main.set(Key.parse("a/b"), new byte[] {1}, CommitInfo.of(new Author("f", "f@x"), "w")));
            typed(() -> {
                store.testAndSetHead("dev", Optional.empty(), Optional.of(id));
                store.branch("dev").set(Key.of("z"), new byte[] {2}, CommitInfo.of(new Author("f", "f@x"), "dev"));
                MergeResult r = main.merge("dev", CommitInfo.of(new Author("f", "f@x"), "m"), MergePolicy.failOnConflict());
                assertTrue(r != null);
                return r;
            });
        }
    }

    interface Call {
        Object run() throws GitStoreException;
    }

    static void typed(Call c) {
        try {
            c.run();
        } catch (GitStoreException expected) {
            // typed
        }
    }
}
