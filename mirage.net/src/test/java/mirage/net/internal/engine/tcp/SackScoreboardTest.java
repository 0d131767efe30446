package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sender's scoreboard on its own: merging, clipping, the bound, and the pipe of RFC 6675. */
class SackScoreboardTest {
    static final int UNA = 1_000_000;
    static final int MAX = UNA + 100_000;

    final SackScoreboard b = new SackScoreboard();

    @Test
    void touchingAndOverlappingBlocks_mergeIntoOneRange() {
        b.add(UNA + 100, UNA + 200, UNA, MAX);
        b.add(UNA + 200, UNA + 300, UNA, MAX);
        b.add(UNA + 250, UNA + 400, UNA, MAX);
        assertEquals(1, b.count());
        assertEquals(300, b.bytes());
        assertEquals(UNA + 400, b.highest(UNA));
        assertEquals(UNA + 400, b.skip(UNA + 150));
        assertEquals(UNA + 50, b.skip(UNA + 50), "below the range: not skipped");
    }

    @Test
    void blocksAtOrBelowSndUnaOrPastSndMaxOrEmpty_ignored_partlyBelow_clipped() {
        b.add(UNA - 100, UNA, UNA, MAX);
        b.add(UNA + 10, UNA + 10, UNA, MAX);
        b.add(MAX - 10, MAX + 1, UNA, MAX);
        assertEquals(0, b.count());
        b.add(UNA - 100, UNA + 100, UNA, MAX);
        assertEquals(100, b.bytes(), "only what lies above SND.UNA");
    }

    @Test
    void full_aLowerBlockReplacesTheHighest_aHigherOneIsNotKept() {
        for (int i = 0; i < SackScoreboard.MAX; i++) {
            int l = UNA + 1000 + i * 1000;
            b.add(l, l + 100, UNA, MAX);
        }
        assertEquals(SackScoreboard.MAX, b.count());
        b.add(UNA + 50_000, UNA + 50_100, UNA, MAX);
        assertEquals(UNA + SackScoreboard.MAX * 1000 + 100, b.highest(UNA), "a higher ninth block is not kept");
        b.add(UNA + 100, UNA + 200, UNA, MAX);
        assertEquals(SackScoreboard.MAX, b.count());
        assertEquals(UNA + 200, b.skip(UNA + 100), "the lower block is kept");
        assertEquals(UNA + (SackScoreboard.MAX - 1) * 1000 + 100, b.highest(UNA), "in place of the highest");
    }

    @Test
    void prune_dropsRangesBelowTheNewSndUna_andCutsTheOneItEnters() {
        b.add(UNA + 100, UNA + 200, UNA, MAX);
        b.add(UNA + 300, UNA + 400, UNA, MAX);
        b.prune(UNA + 350);
        assertEquals(1, b.count());
        assertEquals(50, b.bytes());
        assertEquals(UNA + 400, b.skip(UNA + 350));
    }

    @Test
    void unsackedRun_endsAtTheNextRangeOrTheLimit() {
        b.add(UNA + 100, UNA + 200, UNA, MAX);
        assertEquals(100, b.unsackedRun(UNA, UNA + 1000));
        assertEquals(800, b.unsackedRun(UNA + 200, UNA + 1000));
    }

    @Test
    void pipe_outstandingLessSackedLessHolesTakenAsLost() {
        int sndMax = UNA + 10_000;
        b.add(UNA + 2000, UNA + 3000, UNA, sndMax);
        b.add(UNA + 5000, UNA + 6000, UNA, sndMax);
        // holes below the highest SACKed byte from rexmitNext: [UNA, UNA+2000) and [UNA+3000, UNA+5000)
        assertEquals(10_000 - 2000 - 4000, b.pipe(UNA, sndMax, UNA));
        // the first hole resent already: only the second counts as lost
        assertEquals(10_000 - 2000 - 2000, b.pipe(UNA, sndMax, UNA + 2000));
        b.clear();
        assertEquals(10_000, b.pipe(UNA, sndMax, UNA), "nothing SACKed: everything in flight is in the pipe");
    }

    /** Any blocks in any order: the scoreboard holds exactly their union above SND.UNA (while it has room). */
    @Test
    void anyBlocks_whileThereIsRoom_theRangesAreTheirUnion() {
        qt().forAll(longs().all(), integers().between(1, 12)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            SackScoreboard s = new SackScoreboard();
            BitSet expected = new BitSet();
            int base = r.nextInt(); // anywhere in sequence space, wrapping included
            int una = base + 100;
            for (int i = 0; i < n; i++) {
                int l = r.nextInt(2000);
                int len = 1 + r.nextInt(300);
                if (s.count() == SackScoreboard.MAX) {
                    return; // full: the bound decides what is kept (checked above)
                }
                s.add(base + l, base + l + len, una, base + 5000);
                if (l + len > 100) {
                    expected.set(Math.max(l, 100), l + len);
                }
            }
            BitSet got = new BitSet();
            for (int at = 100; at < 3000; at++) {
                if (s.skip(base + at) != base + at) {
                    got.set(at);
                }
            }
            assertEquals(expected, got);
            assertEquals(expected.cardinality(), s.bytes());
        });
    }
}
