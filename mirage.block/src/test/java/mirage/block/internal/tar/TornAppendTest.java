package mirage.block.internal.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import mirage.block.Block;
import mirage.block.Fault;
import mirage.block.FaultyBlock;
import mirage.block.TarStore;
import mirage.kv.Entry;
import mirage.kv.Key;
import mirage.kv.Kind;
import mirage.kv.KvException;
import mirage.kv.KvException.Reason;
import mirage.kv.KvRo;
import mirage.kv.KvRw;
import org.junit.jupiter.api.Test;

/**
 * Model test with torn appends: a random sequence of writes to the append-only store on a
 * device that crashes at a random write, torn at a random byte ({@link Fault.SeededTear});
 * reopened, the store shows every completed write and no corrupt entry (the write in flight
 * is either wholly there or not at all), and takes further appends.
 */
class TornAppendTest {
    static final String[] NAMES = {"a", "b/c", "b/d", "e/" + "long".repeat(40), "ü/€"};

    @Test
    void reopenedAfterATornAppendShowsEveryCompletedWriteAndNoCorruptEntry() {
        qt().withExamples(300).forAll(longs().all()).checkAssert(seed -> {
            try {
                check(new SplittableRandom(seed));
            } catch (Exception e) {
                throw new AssertionError("seed " + seed, e);
            }
        });
    }

    static void check(SplittableRandom r) throws Exception {
        int sectorSize = new int[] {256, 512, 4096}[r.nextInt(3)];
        Block mem = Block.memory(sectorSize, 256 * 1024 / sectorSize);
        int ops = 1 + r.nextInt(8);
        FaultyBlock faulty = Block.faulty(mem, new Fault.SeededTear(r.nextInt(ops * 5), r.nextLong()));
        KvRw rw = TarStore.appendOnly(faulty, () -> Instant.EPOCH);
        Map<Key, byte[]> done = new LinkedHashMap<>();
        Key inflightKey = null;
        byte[] inflight = null;
        for (int i = 0; i < ops; i++) {
            Key key = Key.parse(NAMES[r.nextInt(NAMES.length)]);
            byte[] value = new byte[r.nextInt(3000)];
            r.nextBytes(value);
            try {
                rw.set(key, value);
                done.put(key, value);
            } catch (KvException e) {
                assertEquals(Reason.STORAGE, e.reason(), e.getMessage());
                assertTrue(faulty.faulted());
                inflightKey = key;
                inflight = value;
                break;
            }
        }
        KvRo reopened = TarStore.readOnly(mem);
        Set<Key> seen = new HashSet<>();
        collect(reopened, Key.ROOT, seen);
        for (Key key : seen) {
            byte[] got = reopened.get(key);
            boolean completed = Arrays.equals(got, done.get(key));
            boolean wholeInflight = key.equals(inflightKey) && Arrays.equals(got, inflight);
            assertTrue(completed || wholeInflight, key + " holds neither a completed write nor the whole write in flight");
        }
        for (Key key : done.keySet()) {
            assertTrue(seen.contains(key), "completed " + key + " is missing");
        }
        // The store takes appends again over what the crash left.
        KvRw again = TarStore.appendOnly(mem, () -> Instant.EPOCH);
        again.set(Key.parse("after/crash"), new byte[] {42});
        KvRo last = TarStore.readOnly(mem);
        assertArrayEquals(new byte[] {42}, last.get(Key.parse("after/crash")));
        for (Key key : seen) {
            assertArrayEquals(reopened.get(key), last.get(key), key.toString());
        }
    }

    static void collect(KvRo ro, Key dict, Set<Key> out) throws KvException {
        List<Entry> entries = new ArrayList<>(ro.list(dict));
        for (Entry e : entries) {
            if (e.kind() == Kind.VALUE) {
                out.add(e.key());
            } else {
                collect(ro, e.key(), out);
            }
        }
    }
}
