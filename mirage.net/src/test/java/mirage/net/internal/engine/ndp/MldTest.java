package mirage.net.internal.engine.ndp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv6Address;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Icmpv6Repr.MulticastAddressRecord;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQuery;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerQueryV1;
import mirage.net.internal.wire.Icmpv6Repr.MulticastListenerReport;
import org.junit.jupiter.api.Test;

/** Scripted tests of the MLDv2 host (RFC 3810 sections 6 and 7), state then event. */
class MldTest {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final Ipv6Address G1 = Ipv6Address.parse("ff02::1:ff00:1");
    static final Ipv6Address G2 = Ipv6Address.parse("ff02::1:ff00:2");
    static final Ipv6Address S1 = Ipv6Address.parse("2001:db8::1");

    final List<MulticastListenerReport> reports = new ArrayList<>();
    final Mld mld = new Mld(new Mld.Link() {
        @Override
        public void sendReport(MulticastListenerReport report) {
            reports.add(report);
        }
    }, Rng.seeded(5), 4);

    List<String> take() {
        List<String> out = new ArrayList<>();
        for (MulticastListenerReport r : reports) {
            StringBuilder b = new StringBuilder();
            for (MulticastAddressRecord rec : r.records()) {
                b.append(b.isEmpty() ? "" : " ").append(rec.recordType()).append(' ').append(rec.multicastAddress())
                        .append(rec.sources().isEmpty() ? "" : rec.sources().toString());
            }
            out.add(b.toString());
        }
        reports.clear();
        return out;
    }

    static MulticastListenerQuery query(long maxDelayMillis, Ipv6Address group, Ipv6Address... sources) {
        return new MulticastListenerQuery((int) maxDelayMillis, group, false, 2, 125, List.of(sources));
    }

    /** G1 joined at 0 and its state change reports all sent. */
    void joined() {
        mld.join(0, G1);
        mld.poll(mld.nextDeadline());
        take();
        assertEquals(NdpRouting.NEVER, mld.nextDeadline());
    }

    // ------------------------------------------------------------ no group

    @Test
    void none_join_reportsChangeToExcludeAtOnceThenOnceMoreWithinOneSecond() {
        assertTrue(mld.join(0, G1));
        assertEquals(List.of("CHANGE_TO_EXCLUDE_MODE " + G1), take());
        long again = mld.nextDeadline();
        assertTrue(again > 0 && again <= S, "within the Unsolicited Report Interval: " + again);
        assertEquals(NdpRouting.NEVER, mld.poll(again));
        assertEquals(List.of("CHANGE_TO_EXCLUDE_MODE " + G1), take(), "robustness 2: two in all");
        assertEquals(List.of(G1), mld.groups());
    }

    @Test
    void none_joinAllNodesOrInterfaceLocal_sendsNothing() {
        assertTrue(mld.join(0, Icmpv6Repr.ALL_NODES));
        assertTrue(mld.join(0, Ipv6Address.parse("ff01::5")));
        assertEquals(List.of(), take());
        assertTrue(mld.isMember(Icmpv6Repr.ALL_NODES));
        assertEquals(0, mld.size());
    }

    @Test
    void none_joinUnicast_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> mld.join(0, S1));
    }

    @Test
    void none_generalQuery_sendsNothing() {
        mld.query(0, query(1000, Ipv6Address.UNSPECIFIED));
        mld.poll(2 * S);
        assertEquals(List.of(), take());
    }

    @Test
    void none_leave_doesNothing() {
        mld.leave(0, G1);
        assertEquals(List.of(), take());
    }

    @Test
    void full_join_refusedAndCounted() {
        for (int i = 1; i <= 4; i++) {
            assertTrue(mld.join(0, new Ipv6Address(0xff02_0000_0000_0000L, 0x1_ff00_0000L + i)));
        }
        assertFalse(mld.join(0, Ipv6Address.parse("ff02::1:ff00:99")));
        assertEquals(1, mld.joinsRefused());
        assertEquals(4, mld.size());
    }

    @Test
    void full_joinWhileOneIsBeingLeft_forgetsTheLeavingOne() {
        for (int i = 1; i <= 4; i++) {
            mld.join(0, new Ipv6Address(0xff02_0000_0000_0000L, 0x1_ff00_0000L + i));
        }
        mld.leave(0, new Ipv6Address(0xff02_0000_0000_0000L, 0x1_ff00_0001L));
        assertEquals(4, mld.size(), "its retransmission is pending");
        take();
        Ipv6Address fifth = Ipv6Address.parse("ff02::1:ff00:99");
        assertTrue(mld.join(0, fifth));
        assertEquals(4, mld.size());
        assertEquals(0, mld.joinsRefused());
        assertTrue(mld.isMember(fifth));
        assertEquals(List.of("CHANGE_TO_EXCLUDE_MODE " + fifth), take(), "the forgotten one's retransmission is not sent");
    }

    // ------------------------------------------------------------ joined

    @Test
    void joined_secondJoin_sendsNothing() {
        joined();
        mld.join(S, G1);
        assertEquals(List.of(), take());
    }

    @Test
    void joined_generalQuery_answersWithinMaxDelay() {
        joined();
        mld.join(0, G2);
        mld.poll(mld.nextDeadline());
        take();
        mld.query(10 * S, query(2000, Ipv6Address.UNSPECIFIED));
        long at = mld.nextDeadline();
        assertTrue(at >= 10 * S && at <= 12 * S, "within Maximum Response Delay: " + at);
        mld.poll(at);
        assertEquals(List.of("MODE_IS_EXCLUDE " + G1 + " MODE_IS_EXCLUDE " + G2), take());
    }

    @Test
    void joined_groupSpecificQuery_answersForThatGroup() {
        joined();
        mld.query(S, query(500, G1));
        mld.poll(S + 500 * MS);
        assertEquals(List.of("MODE_IS_EXCLUDE " + G1), take());
    }

    @Test
    void joined_queryForAnotherGroup_isIgnored() {
        joined();
        mld.query(S, query(500, G2));
        assertEquals(NdpRouting.NEVER, mld.nextDeadline());
    }

    @Test
    void joined_groupAndSourceQuery_answersIncludeOfTheSources() {
        joined();
        mld.query(S, query(500, G1, S1));
        mld.poll(2 * S);
        assertEquals(List.of("MODE_IS_INCLUDE " + G1 + "[" + S1 + "]"), take());
    }

    @Test
    void joined_groupSpecificAfterSourceQuery_groupWins() {
        joined();
        mld.query(S, query(500, G1, S1));
        mld.query(S, query(500, G1));
        mld.poll(2 * S);
        assertEquals(List.of("MODE_IS_EXCLUDE " + G1), take());
    }

    @Test
    void joined_pendingGeneralAnswerSooner_coversGroupQuery() {
        joined();
        mld.query(S, query(0, Ipv6Address.UNSPECIFIED)); // due at once
        mld.query(S, query(5000, G1));
        mld.poll(S);
        assertEquals(List.of("MODE_IS_EXCLUDE " + G1), take());
        assertEquals(NdpRouting.NEVER, mld.nextDeadline(), "no second answer");
    }

    @Test
    void joined_querierRobustness_isAdopted() {
        joined();
        mld.query(S, new MulticastListenerQuery(0, Ipv6Address.UNSPECIFIED, false, 3, 125, List.of()));
        assertEquals(3, mld.robustness());
        mld.poll(S);
        take();
        mld.join(2 * S, G2);
        while (mld.nextDeadline() != NdpRouting.NEVER) {
            mld.poll(mld.nextDeadline());
        }
        assertEquals(3, take().size(), "three state change reports");
    }

    @Test
    void joined_versionOneQuery_answeredWithVersionTwoReport() {
        joined();
        mld.queryV1(S, new MulticastListenerQueryV1(1000, Ipv6Address.UNSPECIFIED));
        mld.poll(2 * S);
        assertEquals(List.of("MODE_IS_EXCLUDE " + G1), take());
    }

    @Test
    void joined_leave_reportsChangeToIncludeTwiceThenForgets() {
        joined();
        mld.leave(S, G1);
        assertEquals(List.of("CHANGE_TO_INCLUDE_MODE " + G1), take());
        assertFalse(mld.isMember(G1));
        mld.poll(mld.nextDeadline());
        assertEquals(List.of("CHANGE_TO_INCLUDE_MODE " + G1), take());
        assertEquals(0, mld.size());
    }

    @Test
    void joined_leaveWithPendingQueryAnswer_cancelsIt() {
        joined();
        mld.query(S, query(5000, G1));
        mld.leave(S, G1);
        take();
        mld.poll(mld.nextDeadline());
        assertEquals(List.of("CHANGE_TO_INCLUDE_MODE " + G1), take(), "only the retransmission");
    }

    @Test
    void joinedTwice_oneLeave_staysMember() {
        joined();
        mld.join(0, G1);
        mld.leave(S, G1);
        assertTrue(mld.isMember(G1));
        assertEquals(List.of(), take());
    }

    @Test
    void leaving_joinAgain_reportsExclude() {
        joined();
        mld.leave(S, G1);
        take();
        mld.join(S, G1);
        assertEquals(List.of("CHANGE_TO_EXCLUDE_MODE " + G1), take());
        mld.poll(mld.nextDeadline());
        assertEquals(List.of("CHANGE_TO_EXCLUDE_MODE " + G1), take());
        assertTrue(mld.isMember(G1));
    }

    @Test
    void many_generalQuery_splitsReportsAtSixtyRecords() {
        Mld big = new Mld(new Mld.Link() {
            @Override
            public void sendReport(MulticastListenerReport report) {
                reports.add(report);
            }
        }, Rng.seeded(1), 200);
        for (int i = 0; i < 130; i++) {
            big.join(0, new Ipv6Address(0xff05_0000_0000_0000L, i + 1));
        }
        while (big.nextDeadline() != NdpRouting.NEVER) {
            big.poll(big.nextDeadline());
        }
        reports.clear();
        big.query(S, query(0, Ipv6Address.UNSPECIFIED));
        big.poll(S);
        assertEquals(List.of(60, 60, 10), sizes(reports));
        for (MulticastListenerReport r : reports) {
            assertTrue(r.bufferLen() + 40 + 8 <= 1280, "fits the minimum MTU: " + r.bufferLen());
        }
    }

    static List<Integer> sizes(List<MulticastListenerReport> reports) {
        List<Integer> out = new ArrayList<>();
        for (MulticastListenerReport r : reports) {
            out.add(r.records().size());
        }
        return out;
    }
}
