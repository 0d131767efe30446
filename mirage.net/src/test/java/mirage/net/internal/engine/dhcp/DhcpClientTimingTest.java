package mirage.net.internal.engine.dhcp;

import static mirage.net.internal.engine.dhcp.ClientFixture.SECOND;
import static mirage.net.internal.engine.dhcp.TestServer.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.ClientFixture.Bound;
import mirage.net.internal.engine.dhcp.ClientFixture.Event;
import mirage.net.internal.engine.dhcp.ClientFixture.Lost;
import mirage.net.internal.engine.dhcp.ClientFixture.Sent;
import mirage.net.internal.engine.dhcp.DhcpClient.Loss;
import mirage.net.internal.engine.dhcp.DhcpClient.State;
import org.junit.jupiter.api.Test;

/** A lease's life on virtual time: the client polled at each deadline, as the event loop does. */
class DhcpClientTimingTest {

    /** Milliseconds as nanoseconds. */
    private static long ms(long ms) {
        return ms * 1_000_000L;
    }

    @Test
    void bound_serverSilent_renewsRebindsAndExpiresOnSchedule() {
        ClientFixture f = new ClientFixture();
        Lease lease = f.bound(); // 3600 s, T1 1800 s, T2 3150 s, from time 0
        f.runUntil(3600 * SECOND);
        List<Event> e = f.events;
        // RFC 2131 section 4.4.5: half the time left to T2 (renewing) or to expiry (rebinding), at least 60 s.
        long[] renewing = {ms(1_800_000), ms(2_475_000), ms(2_812_500), ms(2_981_250), ms(3_065_625), ms(3_125_625)};
        long[] rebinding = {ms(3_150_000), ms(3_375_000), ms(3_487_500), ms(3_547_500)};
        int i = 0;
        for (long t : renewing) {
            Sent s = (Sent) e.get(i++);
            assertEquals(t, s.now());
            assertEquals(SERVER, s.destination());
            assertEquals(MessageType.REQUEST, s.type());
        }
        for (long t : rebinding) {
            Sent s = (Sent) e.get(i++);
            assertEquals(t, s.now());
            assertEquals(Ipv4Address.BROADCAST, s.destination());
            assertEquals(MessageType.REQUEST, s.type());
        }
        assertEquals(new Lost(3600 * SECOND, lease, Loss.EXPIRED), e.get(i++));
        Sent discover = (Sent) e.get(i++);
        assertEquals(MessageType.DISCOVER, discover.type());
        assertEquals(3600 * SECOND, discover.now());
        assertEquals(i, e.size());
        assertEquals(State.SELECTING, f.client.state());
    }

    @Test
    void bound_serverAnswersEveryRenewal_keepsTheLeaseForTenDays() {
        ClientFixture f = new ClientFixture();
        f.bound();
        long end = 10 * 24 * 3600 * SECOND;
        int renewals = 0;
        while (f.client.nextDeadline() <= end) {
            long now = f.client.nextDeadline();
            f.client.poll(now);
            Sent request = f.last();
            assertEquals(State.RENEWING, f.client.state());
            f.receive(now + ms(3), f.server.ack(request.message()));
            assertEquals(State.BOUND, f.client.state());
            renewals++;
        }
        assertEquals(480, renewals, "every 1800 s for ten days");
        assertTrue(f.events.stream().noneMatch(x -> x instanceof Lost));
        assertEquals(0, f.client.stats().leasesLost());
    }

    @Test
    void requesting_ackAfterItsOwnLeaseEnded_boundThenLostAtOnce() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.DEFAULTS, 9);
        f.server.leaseTime = OptionalLong.of(5);
        f.server.t1 = OptionalLong.empty();
        f.server.t2 = OptionalLong.empty();
        var request = f.requesting();
        f.runUntil(20 * SECOND); // REQUEST retransmitted; the first was sent at 0
        f.clear();
        f.receive(20 * SECOND, f.server.ack(request));
        Lease lease = ((Bound) f.events.getFirst()).lease();
        assertEquals(5 * SECOND, lease.expiresAt());
        long next = f.client.poll(20 * SECOND);
        assertTrue(next > 20 * SECOND);
        assertEquals(new Lost(20 * SECOND, lease, Loss.EXPIRED), f.events.get(1));
        assertEquals(State.SELECTING, f.client.state());
    }

    @Test
    void bound_oneSecondLeaseWithoutT1T2_defaultsToHalfAndSevenEighths() {
        ClientFixture f = new ClientFixture();
        f.server.leaseTime = OptionalLong.of(1);
        f.server.t1 = OptionalLong.empty();
        f.server.t2 = OptionalLong.empty();
        Lease lease = f.bound();
        assertEquals(ms(500), lease.renewAt());
        assertEquals(ms(875), lease.rebindAt());
        assertEquals(ms(1000), lease.expiresAt());
        f.runUntil(ms(1000));
        assertEquals(List.of(ms(500), ms(875)), f.sent().stream().limit(2).map(Sent::now).toList(),
                "retransmission waits are capped at T2 and expiry");
        assertEquals(State.SELECTING, f.client.state());
    }
}
