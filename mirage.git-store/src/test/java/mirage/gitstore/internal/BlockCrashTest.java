package mirage.gitstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import mirage.block.Block;
import mirage.block.Fault;
import mirage.block.FaultyBlock;
import mirage.gitstore.Author;
import mirage.gitstore.CommitId;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.gitstore.GitStoreException;
import mirage.gitstore.MergeFunction;
import mirage.gitstore.MergePolicy;
import mirage.gitstore.Write;
import mirage.kv.Key;
import org.eclipse.jgit.lib.ObjectChecker;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevObject;
import org.junit.jupiter.api.Test;

/**
 * Crash safety on a block device: a scenario of commits, merges and head moves runs on a
 * fault-injecting device that tears the k-th write (at a seeded byte) and then loses power, for
 * every k. Reopening the device shows the heads after the last step that returned, or after
 * the step in flight; every object reachable from the refs passes JGit's object checker (what
 * {@code git fsck} checks per object) and all values read back.
 */
class BlockCrashTest {
    static final CommitInfo INFO = CommitInfo.of(new Author("crash", "crash@example.org"), "step");

    static InstantSource clock() {
        AtomicLong s = new AtomicLong(1_767_225_600L);
        return () -> Instant.ofEpochSecond(s.getAndIncrement());
    }

    interface Step {
        void run(GitStore s) throws GitStoreException;
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static final List<Step> STEPS = List.of(
            s -> s.main().set(Key.of("a"), b("1"), INFO),
            s -> s.main().apply(List.of(Write.set(Key.of("b"), b("2")), Write.set(Key.parse("d/x"), b("3"))), INFO),
            s -> s.testAndSetHead("dev", Optional.empty(), s.main().head()),
            s -> s.branch("dev").set(Key.parse("d/y"), b("4"), INFO),
            s -> s.main().set(Key.of("a"), b("5"), INFO),
            s -> s.main().merge("dev", INFO, MergePolicy.of(MergeFunction.lastWriterWins())),
            s -> s.main().remove(Key.of("d"), INFO),
            s -> s.testAndSetHead("dev", s.branch("dev").head(), Optional.empty()));

    record State(Optional<CommitId> main, Optional<CommitId> dev) {
        static State of(GitStore s) throws GitStoreException {
            return new State(s.main().head(), s.branch("dev").head());
        }
    }

    @Test
    void aCrashAtAnyWriteReopensAtALastCompletedStep() throws Exception {
        // A clean run: the states after each step and the number of writes.
        Block clean = Block.memory(512, 4096);
        FaultyBlock counting = Block.faulty(clean, new Fault.FailWrite(Long.MAX_VALUE));
        List<State> states = new ArrayList<>();
        try (GitStore s = GitStore.onBlock(counting, clock())) {
            states.add(State.of(s));
            for (Step step : STEPS) {
                step.run(s);
                states.add(State.of(s));
            }
        }
        long writes = counting.writes();
        assertTrue(writes > STEPS.size() * 2, "writes: " + writes);
        int crashes = 0;
        java.util.Set<Integer> crashedIn = new java.util.TreeSet<>();
        for (long k = 0; k < writes; k++) {
            for (long seed : new long[] {k, k + 1000}) {
                Block device = Block.memory(512, 4096);
                FaultyBlock faulty = Block.faulty(device, new Fault.SeededTear(k, seed));
                int completed = -1;
                try (GitStore s = GitStore.onBlock(faulty, clock())) {
                    completed = 0;
                    for (Step step : STEPS) {
                        step.run(s);
                        completed++;
                    }
                } catch (GitStoreException e) {
                    // the crash
                }
                assertTrue(faulty.faulted(), "write " + k + " was not reached");
                crashes++;
                crashedIn.add(completed);
                try (GitStore again = GitStore.onBlock(device, clock())) {
                    State now = State.of(again);
                    int done = Math.max(completed, 0);
                    assertTrue(now.equals(states.get(done)) || (done + 1 < states.size() && now.equals(states.get(done + 1))),
                            "crash at write " + k + " (seed " + seed + ") after " + completed + " steps: " + now
                                    + " is neither " + states.get(done) + " nor the next state");
                    fsck((JGitStore) again);
                    if (now.main().isPresent()) {
                        again.main().snapshot().values(Key.ROOT);
                        again.main().log(0, 100);
                    }
                }
            }
        }
        assertEquals(2 * writes, crashes);
        // Crashes happened while opening (-1) and during every step.
        java.util.Set<Integer> every = new java.util.TreeSet<>();
        for (int i = -1; i < STEPS.size(); i++) {
            every.add(i);
        }
        assertEquals(every, crashedIn);
        System.out.println("BlockCrashTest: " + writes + " writes, " + crashes + " crashes, each reopened consistently");
    }

    @Test
    void aFailedWriteFailsOneStepAndTheStoreGoesOnAsTheDeviceSays() throws Exception {
        for (long k = 0; k < 51; k++) {
            Block device = Block.memory(512, 4096);
            FaultyBlock faulty = Block.faulty(device, new Fault.FailWrite(k));
            State live;
            int failed = 0;
            try (GitStore s = GitStore.onBlock(faulty, clock())) {
                for (Step step : STEPS) {
                    try {
                        step.run(s);
                    } catch (GitStoreException e) {
                        assertEquals(GitStoreException.Reason.STORAGE, e.reason());
                        failed++;
                    }
                }
                live = State.of(s);
                fsck((JGitStore) s);
            } catch (GitStoreException e) {
                continue; // the write failed while opening: nothing to compare
            }
            assertTrue(failed <= 1, "one failed write fails at most one step");
            try (GitStore again = GitStore.onBlock(device, clock())) {
                assertEquals(live, State.of(again), "failed write " + k);
                fsck((JGitStore) again);
            }
        }
    }

    /** Every object reachable from every ref is present and well formed (JGit's ObjectChecker). */
    static void fsck(JGitStore store) throws IOException {
        ObjectChecker checker = new ObjectChecker();
        try (ObjectReader reader = store.repo.newObjectReader(); ObjectWalk walk = new ObjectWalk(reader)) {
            for (Ref r : store.repo.getRefDatabase().getRefsByPrefix("refs/")) {
                walk.markStart(walk.parseAny(r.getObjectId()));
            }
            for (RevObject c; (c = walk.next()) != null; ) {
                checker.check(c, c.getType(), reader.open(c, c.getType()).getCachedBytes());
            }
            for (RevObject o; (o = walk.nextObject()) != null; ) {
                checker.check(o, o.getType(), reader.open(o, o.getType()).getCachedBytes());
            }
        }
    }
}
