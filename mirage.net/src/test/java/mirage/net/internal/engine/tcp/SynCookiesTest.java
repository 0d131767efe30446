package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** SYN cookies on their own: what a cookie carries, how long it holds, and what it does not match. */
class SynCookiesTest {
    static final int LOCAL = 0x0a000001;
    static final int REMOTE = 0x0a000002;
    static final int ISN = 123_456_789;

    final SynCookies cookies = new SynCookies(new SipHash(1, 2));

    @Test
    void mssIndex_largestTableValueNotAbove() {
        assertEquals(0, SynCookies.mssIndex(100), "below every value: the smallest");
        assertEquals(0, SynCookies.mssIndex(536));
        assertEquals(5, SynCookies.mssIndex(1460));
        assertEquals(4, SynCookies.mssIndex(1459));
        assertEquals(7, SynCookies.mssIndex(65_495));
    }

    @Test
    void issuedCookie_checksWithinOneTick_givingItsMss() {
        long now = 5 * SynCookies.TICK + 17;
        int cookie = cookies.issue(now, LOCAL, 80, REMOTE, 40000, ISN, 5);
        assertEquals(1460, cookies.check(now, LOCAL, 80, REMOTE, 40000, ISN, cookie));
        assertEquals(1460, cookies.check(now + SynCookies.TICK, LOCAL, 80, REMOTE, 40000, ISN, cookie), "a tick later");
        assertEquals(-1, cookies.check(now + 2 * SynCookies.TICK, LOCAL, 80, REMOTE, 40000, ISN, cookie), "two ticks later");
    }

    @Test
    void cookie_holdsAcrossTheCountersWrap() {
        long now = 31 * SynCookies.TICK; // counter 31; the next tick is 0 again
        int cookie = cookies.issue(now, LOCAL, 80, REMOTE, 40000, ISN, 2);
        assertEquals(1360, cookies.check(now + SynCookies.TICK, LOCAL, 80, REMOTE, 40000, ISN, cookie));
    }

    @Test
    void anotherTupleIsnOrKey_doesNotMatch() {
        long now = SynCookies.TICK;
        int cookie = cookies.issue(now, LOCAL, 80, REMOTE, 40000, ISN, 5);
        assertEquals(-1, cookies.check(now, LOCAL, 80, REMOTE, 40001, ISN, cookie));
        assertEquals(-1, cookies.check(now, LOCAL, 80, REMOTE + 1, 40000, ISN, cookie));
        assertEquals(-1, cookies.check(now, LOCAL, 80, REMOTE, 40000, ISN + 1, cookie));
        assertEquals(-1, cookies.check(now, LOCAL, 80, REMOTE, 40000, ISN, cookie ^ 0x100), "a bit of the hash flipped");
        assertEquals(-1, new SynCookies(new SipHash(3, 4)).check(now, LOCAL, 80, REMOTE, 40000, ISN, cookie));
        assertNotEquals(cookie, new SynCookies(new SipHash(3, 4)).issue(now, LOCAL, 80, REMOTE, 40000, ISN, 5));
    }

    @Test
    void ipv6Tuple_everyWordOfBothAddressesCounts_andAnIpv4TupleIsAnotherKey() {
        long now = SynCookies.TICK;
        long lh = 0x2001_0db8_0000_0000L;
        long rh = 0x2001_0db8_0000_0001L;
        int cookie = cookies.issue(now, lh, 2, 80, rh, 3, 40000, ISN, 5);
        assertEquals(1460, cookies.check(now, lh, 2, 80, rh, 3, 40000, ISN, cookie));
        assertEquals(-1, cookies.check(now, lh ^ 1L << 40, 2, 80, rh, 3, 40000, ISN, cookie), "the local prefix");
        assertEquals(-1, cookies.check(now, lh, 2, 80, rh ^ 1L << 60, 3, 40000, ISN, cookie), "the remote prefix");
        assertEquals(-1, cookies.check(now, lh, 2, 80, rh, 4, 40000, ISN, cookie), "the remote interface identifier");
        int v4 = cookies.issue(now, LOCAL, 80, REMOTE, 40000, ISN, 5);
        assertEquals(1460, cookies.check(now, 0, ConnectionTable.mapped(LOCAL), 80, 0, ConnectionTable.mapped(REMOTE), 40000,
                ISN, v4), "an IPv4 tuple is its IPv4-mapped key");
    }
}
