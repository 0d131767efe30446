package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The receiver's out-of-order ranges on their own: order for SACK, merging, the bound, and RCV.NXT moving over them. */
class ReassemblyQueueTest {
    static final int NXT = -100; // near the wrap of sequence space

    final ReassemblyQueue q = new ReassemblyQueue();

    @Test
    void newestRangeFirst_asRfc2018Section4ReportsThem() {
        assertTrue(q.add(NXT + 100, NXT + 200));
        assertTrue(q.add(NXT + 400, NXT + 500));
        assertEquals(2, q.count());
        assertEquals(NXT + 400, q.left(0));
        assertEquals(NXT + 500, q.right(0));
        assertEquals(NXT + 100, q.left(1));
    }

    @Test
    void aBlockBridgingTwoRanges_mergesThemAndComesFirst() {
        q.add(NXT + 100, NXT + 200);
        q.add(NXT + 300, NXT + 400);
        q.add(NXT + 600, NXT + 700);
        q.add(NXT + 150, NXT + 350);
        assertEquals(2, q.count());
        assertEquals(NXT + 100, q.left(0));
        assertEquals(NXT + 400, q.right(0));
    }

    @Test
    void full_aFifthSeparateRangeIsNotKept_butOneThatMergesIs() {
        for (int i = 0; i < ReassemblyQueue.MAX; i++) {
            assertTrue(q.add(NXT + 100 + i * 100, NXT + 150 + i * 100));
        }
        assertFalse(q.add(NXT + 5000, NXT + 5100));
        assertEquals(ReassemblyQueue.MAX, q.count());
        assertTrue(q.add(NXT + 150, NXT + 160), "touches a range: merged, not a new one");
    }

    @Test
    void absorb_movesRcvNxtOverEveryRangeItReaches_andLeavesTheRest() {
        q.add(NXT + 100, NXT + 200);
        q.add(NXT + 200, NXT + 250);
        q.add(NXT + 400, NXT + 500);
        assertEquals(NXT, q.absorb(NXT), "a gap below every range: nothing moves");
        assertEquals(NXT + 250, q.absorb(NXT + 100));
        assertEquals(1, q.count());
        assertEquals(NXT + 500, q.absorb(NXT + 450), "RCV.NXT inside a range: to its end");
        assertEquals(0, q.count());
    }

    /** Segments in any order: once all are in, RCV.NXT has moved over all of them and nothing is queued. */
    @Test
    void anyOrderOfSegments_endsWithEverythingInOrder() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            List<int[]> segments = new ArrayList<>();
            int end = 0;
            while (end < 4000) {
                int len = 1 + r.nextInt(500);
                segments.add(new int[] {end, end + len});
                end += len;
            }
            Collections.shuffle(segments, r);
            ReassemblyQueue queue = new ReassemblyQueue();
            int nxt = NXT;
            List<int[]> retry = new ArrayList<>();
            while (!segments.isEmpty()) {
                for (int[] s : segments) {
                    int l = NXT + s[0];
                    int rr = NXT + s[1];
                    if (Seq.le(rr, nxt)) {
                        continue; // old
                    }
                    if (Seq.le(l, nxt)) {
                        nxt = queue.absorb(rr); // in order: taken, then the queue
                    } else if (!queue.add(l, rr)) {
                        retry.add(s); // not kept: the peer sends it again
                    }
                }
                segments = retry;
                retry = new ArrayList<>();
            }
            assertEquals(NXT + end, nxt);
            assertEquals(0, queue.count());
        });
    }
}
