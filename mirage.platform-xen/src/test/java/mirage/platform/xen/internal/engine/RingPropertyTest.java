package mirage.platform.xen.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import mirage.platform.xen.internal.wire.Layouts;
import mirage.platform.xen.internal.wire.SringLayout;
import org.junit.jupiter.api.Test;

/**
 * The generic ring against random interleavings of a front end and a back end in one thread:
 * requests (8-byte sequence numbers) flow to the back end, which answers each with its number
 * plus one. Starting indices lie around 2^32, so that every run crosses the wrap. After every
 * step the protocol's promise is checked: an end that went to sleep after its final check is
 * never left asleep with work on the ring (no lost wake-up), and ends are notified no more
 * often than they went to sleep (the event indices suppress the rest).
 */
class RingPropertyTest {
    static final int ENTRY = 8;

    /** One front end, one back end and their sleep states, stepped by a test. */
    static final class Pair {
        final FrontRing front;
        final BackRing back;
        boolean backAsleep = true;
        boolean frontAsleep = true;
        long nextRequest;
        long nextExpectedRequest;
        long nextExpectedResponse;
        int notifiedBack;
        int notifiedFront;
        int backSleeps = 1;
        int frontSleeps = 1;

        Pair(int start, int pageBytes) {
            MemorySegment page = Arena.ofAuto().allocate(pageBytes, Layouts.PAGE_SIZE);
            front = FrontRing.initAt(page, ENTRY, start);
            back = BackRing.attachAt(page, ENTRY, start);
            // both ends start asleep, having asked for the first event (initAt set events to start + 1)
        }

        /** The front end queues up to {@code n} requests and pushes them. */
        void produce(int n) {
            int k = Math.min(n, front.freeRequests());
            for (int i = 0; i < k; i++) {
                long at = front.nextRequest();
                Layouts.u64(front.memory(), at, nextRequest++);
            }
            if (k > 0 && front.pushRequests()) {
                notifiedBack++;
                backAsleep = false;
            }
        }

        /** The back end, if awake, answers up to {@code n} requests, then sleeps if its final check finds none. */
        void serve(int n) {
            if (backAsleep) {
                return;
            }
            int avail = back.unconsumedRequests();
            assertTrue(avail >= 0, "no overflow on a well-behaved ring");
            int k = Math.min(n, avail);
            for (int i = 0; i < k; i++) {
                long v = Layouts.u64(back.memory(), back.takeRequest());
                assertEquals(nextExpectedRequest++, v, "requests in order");
                Layouts.u64(back.memory(), back.nextResponse(), v + 1);
            }
            if (k > 0 && back.pushResponses()) {
                notifiedFront++;
                frontAsleep = false;
            }
            if (!back.finalCheckForRequests()) {
                backAsleep = true;
                backSleeps++;
            }
        }

        /** The front end, if awake, takes up to {@code n} responses, then sleeps if none is left. */
        void collect(int n) {
            if (frontAsleep) {
                return;
            }
            int avail = front.unconsumedResponses();
            assertTrue(avail >= 0);
            int k = Math.min(n, avail);
            for (int i = 0; i < k; i++) {
                long v = Layouts.u64(front.memory(), front.takeResponse());
                assertEquals(++nextExpectedResponse, v, "responses in order");
            }
            if (!front.finalCheckForResponses()) {
                frontAsleep = true;
                frontSleeps++;
            }
        }

        void checkNoLostWakeup() {
            assertFalse(backAsleep && back.unconsumedRequests() > 0, "back end asleep with requests waiting");
            assertFalse(frontAsleep && front.unconsumedResponses() > 0, "front end asleep with responses waiting");
            assertTrue(notifiedBack <= backSleeps, "back end notified " + notifiedBack + " times for " + backSleeps + " sleeps");
            assertTrue(notifiedFront <= frontSleeps, "front end notified " + notifiedFront + " times for " + frontSleeps + " sleeps");
        }
    }

    @Test
    void randomInterleavings_aroundTheWrap_loseNoWakeupAndKeepOrder() {
        qt().withExamples(300).forAll(integers().between(-700, 700), lists().of(integers().between(0, 3 * 64 + 40))
                .ofSizeBetween(1, 80)).checkAssert((offset, steps) -> {
                    Pair p = new Pair((int) (0x1_0000_0000L + offset), 128); // (128 - 64) / 8 = 8 entries
                    for (int s : steps) {
                        int n = s % 64 + 1;
                        switch (s / 64) {
                            case 0 -> p.produce(n);
                            case 1 -> p.serve(n);
                            default -> p.collect(n);
                        }
                        p.checkNoLostWakeup();
                    }
                    // drain: both ends run until quiet; every request answered and collected
                    for (int i = 0; i < 10_000 && (p.nextExpectedResponse < p.nextRequest); i++) {
                        p.serve(64);
                        p.collect(64);
                        p.checkNoLostWakeup();
                    }
                    assertEquals(p.nextRequest, p.nextExpectedRequest);
                    assertEquals(p.nextRequest, p.nextExpectedResponse);
                });
    }

    @Test
    void fullRing_refusesAnotherRequestAndCountsFree() {
        Pair p = new Pair(-3, 128);
        assertEquals(8, p.front.size());
        p.produce(100);
        assertEquals(0, p.front.freeRequests());
        assertTrue(p.front.full());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, p.front::nextRequest);
        assertEquals(8, p.back.unconsumedRequests());
    }

    @Test
    void backEndClaimingMoreResponsesThanRequests_isOverflow() {
        Pair p = new Pair(0xfffffffe, 128);
        p.produce(2);
        // a lying back end moves rsp_prod 5 ahead
        mirage.platform.xen.internal.wire.Layouts.u32(p.front.memory(), SringLayout.RSP_PROD, 0xfffffffe + 5);
        assertEquals(Rings.OVERFLOW, p.front.unconsumedResponses());
        assertTrue(p.front.finalCheckForResponses(), "an overflow is reported as work, for the caller to see");
    }

    @Test
    void frontEndClaimingMoreRequestsThanTheRing_isOverflow() {
        Pair p = new Pair(0, 128);
        Layouts.u32(p.back.memory(), SringLayout.REQ_PROD, 9);
        assertEquals(Rings.OVERFLOW, p.back.unconsumedRequests());
    }

    @Test
    void backEndEventIndex_suppressesNotificationsWhileAwake() {
        Pair p = new Pair(0, 4096);
        p.produce(1);
        assertEquals(1, p.notifiedBack);
        p.produce(1);
        p.produce(1);
        assertEquals(1, p.notifiedBack, "the back end is awake (req_event not moved): no more notifications");
        p.serve(64);
        p.produce(1);
        assertEquals(2, p.notifiedBack, "after its final check the back end asked again");
    }

    @Test
    void entriesOf_tailWrapsAcrossTheArray() {
        List<Long> offsets = new java.util.ArrayList<>();
        for (int i = -2; i < 2; i++) {
            offsets.add(SringLayout.entryOffset(i, 8, ENTRY));
        }
        assertEquals(List.of(64L + 6 * 8, 64L + 7 * 8, 64L, 64L + 8), offsets);
    }
}
