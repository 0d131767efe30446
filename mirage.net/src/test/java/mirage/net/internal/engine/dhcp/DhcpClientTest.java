package mirage.net.internal.engine.dhcp;

import static mirage.net.internal.engine.dhcp.ClientFixture.MAC;
import static mirage.net.internal.engine.dhcp.ClientFixture.SECOND;
import static mirage.net.internal.engine.dhcp.TestServer.DNS;
import static mirage.net.internal.engine.dhcp.TestServer.LEASED;
import static mirage.net.internal.engine.dhcp.TestServer.OTHER_SERVER;
import static mirage.net.internal.engine.dhcp.TestServer.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.ClientFixture.Bound;
import mirage.net.internal.engine.dhcp.ClientFixture.Lost;
import mirage.net.internal.engine.dhcp.ClientFixture.Sent;
import mirage.net.internal.engine.dhcp.DhcpClient.Loss;
import mirage.net.internal.engine.dhcp.DhcpClient.State;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/**
 * Scripted tests, one state and one event each (STYLE.md: named state-then-event), against a
 * {@link TestServer} that builds its replies with the wire layer.
 */
class DhcpClientTest {
    private static final Ipv4Address BROADCAST = Ipv4Address.BROADCAST;
    private static final Ipv4Address NONE = Ipv4Address.UNSPECIFIED;

    // ------------------------------------------------------------ INIT

    @Test
    void init_start_broadcastsDiscover() {
        ClientFixture f = new ClientFixture();
        assertEquals(State.INIT, f.client.state());
        assertEquals(Long.MAX_VALUE, f.client.nextDeadline());
        f.client.start(7 * SECOND);
        Sent s = f.only();
        assertEquals(State.SELECTING, f.client.state());
        assertEquals(BROADCAST, s.destination());
        assertEquals(MessageType.DISCOVER, s.type());
        assertTrue(s.message().broadcast(), "BROADCAST flag set before an address is bound");
        assertEquals(Optional.of(MAC), s.message().clientMac());
        assertEquals(Optional.empty(), s.message().options().requestedIpAddress());
        assertEquals(0, s.message().secs());
        long d = f.client.nextDeadline();
        assertTrue(d >= 10 * SECOND && d <= 12 * SECOND, "first retransmission after 4 s +/- 1 s: " + d);
    }

    @Test
    void init_startWithRequestedAddress_broadcastsRequestForIt() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.builder().requestedAddress(LEASED).build());
        f.client.start(0);
        Sent s = f.only();
        assertEquals(State.REBOOTING, f.client.state());
        assertEquals(BROADCAST, s.destination());
        assertEquals(MessageType.REQUEST, s.type());
        assertEquals(Optional.of(LEASED), s.message().options().requestedIpAddress());
        assertEquals(Optional.empty(), s.message().options().serverIdentifier());
        assertEquals(NONE, s.message().ciaddr());
    }

    @Test
    void init_unicastReplies_flagClear() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.builder().replies(DhcpClientConfig.Replies.UNICAST).build());
        f.client.start(0);
        assertFalse(f.only().message().broadcast());
    }

    @Test
    void init_receive_ignored() {
        ClientFixture f = new ClientFixture();
        DhcpMessage discover = f.selecting();
        f.client.release(0);
        f.receive(1, f.server.offer(discover));
        assertEquals(State.INIT, f.client.state());
        assertTrue(f.events.isEmpty());
        assertEquals(1, f.client.stats().ignored());
    }

    @Test
    void init_pollDeclineRelease_doNothing() {
        ClientFixture f = new ClientFixture();
        assertEquals(Long.MAX_VALUE, f.client.poll(Long.MAX_VALUE - 1));
        assertFalse(f.client.decline(0));
        f.client.release(0);
        assertTrue(f.events.isEmpty());
        assertEquals(State.INIT, f.client.state());
    }

    @Test
    void selecting_start_throws() {
        ClientFixture f = new ClientFixture();
        f.selecting();
        assertThrows(IllegalStateException.class, () -> f.client.start(1));
    }

    // ------------------------------------------------------------ SELECTING

    @Test
    void selecting_offer_requestsItFromThatServer() {
        ClientFixture f = new ClientFixture();
        DhcpMessage discover = f.selecting();
        f.receive(2 * SECOND, f.server.offer(discover));
        Sent s = f.only();
        assertEquals(State.REQUESTING, f.client.state());
        assertEquals(MessageType.REQUEST, s.type());
        assertEquals(BROADCAST, s.destination());
        assertEquals(discover.xid(), s.message().xid(), "the REQUEST keeps the DISCOVER's xid");
        assertEquals(2, s.message().secs(), "seconds since the DISCOVER");
        assertEquals(Optional.of(LEASED), s.message().options().requestedIpAddress());
        assertEquals(Optional.of(SERVER), s.message().options().serverIdentifier());
        assertEquals(NONE, s.message().ciaddr());
        assertTrue(s.message().broadcast());
        assertEquals(1, f.client.stats().offersAccepted());
        long d = f.client.nextDeadline();
        assertTrue(d >= 5 * SECOND && d <= 7 * SECOND, "REQUEST retransmitted after 4 s +/- 1 s: " + d);
    }

    @Test
    void selecting_noOffer_retransmitsWithExponentialBackoff() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.DEFAULTS, 42);
        DhcpMessage discover = f.selecting();
        f.runUntil(400 * SECOND);
        List<Sent> sent = f.sent();
        long previous = 0;
        long[] base = {4, 8, 16, 32, 64, 64, 64};
        for (int i = 0; i < base.length; i++) {
            Sent s = sent.get(i);
            assertEquals(MessageType.DISCOVER, s.type());
            assertEquals(discover.xid(), s.message().xid(), "retransmissions keep the xid");
            long gap = s.now() - previous;
            assertTrue(gap >= (base[i] - 1) * SECOND && gap <= (base[i] + 1) * SECOND,
                    "retransmission " + i + " after " + gap + " ns, expected " + base[i] + " s +/- 1 s");
            assertEquals(s.now() / SECOND, s.message().secs());
            previous = s.now();
        }
        assertEquals(State.SELECTING, f.client.state());
    }

    @Test
    void selecting_jitter_differsBetweenSeeds() {
        ClientFixture a = new ClientFixture(DhcpClientConfig.DEFAULTS, 1);
        ClientFixture b = new ClientFixture(DhcpClientConfig.DEFAULTS, 2);
        a.selecting();
        b.selecting();
        assertNotEquals(a.client.nextDeadline(), b.client.nextDeadline());
    }

    @Test
    void selecting_offerForAnotherExchange_ignored() {
        ClientFixture f = new ClientFixture();
        DhcpMessage discover = f.selecting();
        DhcpMessage offer = f.server.offer(discover);
        f.receive(1, withXid(offer, offer.xid() + 1));
        f.receive(1, withChaddr(offer, Octets.ofHex("020000000003")));
        f.receive(1, asRequest(offer));
        f.receive(1, f.server.bare(discover, MessageType.ACK));
        assertEquals(State.SELECTING, f.client.state());
        assertTrue(f.events.isEmpty());
        assertEquals(4, f.client.stats().ignored());
    }

    @Test
    void selecting_unusableOffer_rejected() {
        ClientFixture f = new ClientFixture();
        DhcpMessage discover = f.selecting();
        f.server.address = Ipv4Address.parse("10.77.0.255"); // the subnet's broadcast address
        f.receive(1, f.server.offer(discover));
        f.server.address = Ipv4Address.parse("224.0.0.1");
        f.receive(1, f.server.offer(discover));
        f.server.address = LEASED;
        f.server.sendServerId = false;
        f.receive(1, f.server.offer(discover));
        f.server.sendServerId = true;
        f.server.leaseTime = OptionalLong.empty();
        f.receive(1, f.server.offer(discover));
        f.server.leaseTime = OptionalLong.of(0);
        f.receive(1, f.server.offer(discover));
        assertEquals(State.SELECTING, f.client.state());
        assertTrue(f.events.isEmpty());
        assertEquals(5, f.client.stats().rejected());
    }

    @Test
    void selecting_garbage_countedMalformed() {
        ClientFixture f = new ClientFixture();
        DhcpMessage discover = f.selecting();
        f.receive(1, new byte[10]);
        byte[] offer = f.server.offer(discover).toBytes();
        offer[236] = 0; // magic cookie
        f.receive(1, offer);
        assertEquals(2, f.client.stats().malformed());
        assertEquals(2, f.client.stats().received());
        assertEquals(State.SELECTING, f.client.state());
    }

    // ------------------------------------------------------------ REQUESTING

    @Test
    void requesting_ack_boundWithTheLease() {
        ClientFixture f = new ClientFixture();
        f.server.mtu = 1400;
        DhcpMessage request = f.requesting();
        f.receive(3 * SECOND, f.server.ack(request));
        Lease l = ((Bound) f.events.getFirst()).lease();
        assertEquals(1, f.events.size());
        assertEquals(State.BOUND, f.client.state());
        assertEquals(Optional.of(l), f.client.lease());
        assertEquals(Ipv4Cidr.parse("10.77.0.64/24"), l.address());
        assertEquals(List.of(SERVER), l.routers());
        assertEquals(List.of(DNS), l.dnsServers());
        assertEquals(Optional.of("example.test"), l.domainName());
        assertEquals(SERVER, l.serverIdentifier());
        assertEquals(OptionalInt.of(1400), l.mtu());
        assertEquals(0, l.acquiredAt(), "counted from when the REQUEST was sent, not when the ACK came");
        assertEquals(3600 * SECOND, l.expiresAt());
        assertEquals(1800 * SECOND, l.renewAt());
        assertEquals(3150 * SECOND, l.rebindAt());
        assertEquals(1800 * SECOND, f.client.nextDeadline());
    }

    @Test
    void requesting_secondOffer_ignored() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        f.server.id = OTHER_SERVER;
        f.receive(1, f.server.offer(request));
        assertEquals(State.REQUESTING, f.client.state());
        assertTrue(f.events.isEmpty());
        assertEquals(1, f.client.stats().ignored());
    }

    @Test
    void requesting_ackOrNakFromAnotherServer_ignored() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        f.server.id = OTHER_SERVER;
        f.receive(1, f.server.ack(request));
        f.receive(1, f.server.nak(request));
        assertEquals(State.REQUESTING, f.client.state());
        assertTrue(f.events.isEmpty());
        assertEquals(2, f.client.stats().ignored());
    }

    @Test
    void requesting_ackWithoutServerId_usesTheChosenServer() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        f.server.sendServerId = false;
        f.receive(1, f.server.ack(request));
        assertEquals(SERVER, f.client.lease().orElseThrow().serverIdentifier());
    }

    @Test
    void requesting_ackWithoutLeaseTime_rejected() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        f.server.leaseTime = OptionalLong.empty();
        f.receive(1, f.server.ack(request));
        assertEquals(State.REQUESTING, f.client.state());
        assertEquals(1, f.client.stats().rejected());
    }

    @Test
    void requesting_nak_waitsThenDiscoversAfresh() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        f.receive(2 * SECOND, f.server.nak(request));
        assertEquals(State.INIT, f.client.state());
        assertTrue(f.events.isEmpty(), "no lease to lose, nothing sent");
        assertEquals(3 * SECOND, f.client.nextDeadline(), "restart after 1 s");
        assertEquals(1, f.client.stats().naksAccepted());
        f.client.poll(3 * SECOND);
        Sent s = f.only();
        assertEquals(MessageType.DISCOVER, s.type());
        assertNotEquals(request.xid(), s.message().xid(), "a fresh xid");
        assertEquals(Optional.empty(), s.message().options().requestedIpAddress());
        assertEquals(0, s.message().secs());
    }

    @Test
    void requesting_repeatedNaks_waitDoubles() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        long now = 0;
        long[] waits = {1, 2, 4, 8, 16, 32, 64, 64};
        for (long wait : waits) {
            f.receive(now, f.server.nak(request));
            assertEquals(now + wait * SECOND, f.client.nextDeadline());
            now = f.client.nextDeadline();
            f.client.poll(now);
            f.receive(now, f.server.offer(f.last().message()));
            request = f.last().message();
        }
        f.receive(now, f.server.ack(request));
        long t1 = f.client.nextDeadline();
        f.client.poll(t1);
        f.receive(t1, f.server.nak(f.last().message()));
        assertEquals(t1 + SECOND, f.client.nextDeadline(), "a lease resets the wait");
    }

    @Test
    void requesting_noAnswer_givesUpAfterFourRequests() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.DEFAULTS, 3);
        DhcpMessage request = f.requesting();
        f.runUntil(200 * SECOND);
        List<Sent> sent = f.sent();
        for (int i = 0; i < 3; i++) {
            assertEquals(MessageType.REQUEST, sent.get(i).type());
            assertEquals(request.xid(), sent.get(i).message().xid());
        }
        Sent restart = sent.get(3);
        assertEquals(MessageType.DISCOVER, restart.type());
        assertNotEquals(request.xid(), restart.message().xid());
        long gave = restart.now();
        assertTrue(gave >= (4 + 8 + 16 + 32 - 4) * SECOND && gave <= (4 + 8 + 16 + 32 + 4) * SECOND,
                "gave up after 4, 8, 16 and 32 s +/- 1 s each: " + gave);
    }

    // ------------------------------------------------------------ REBOOTING

    @Test
    void rebooting_ack_boundWithTheServerNamed() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.builder().requestedAddress(LEASED).build());
        f.client.start(0);
        DhcpMessage request = f.only().message();
        f.clear();
        f.server.id = OTHER_SERVER;
        f.receive(1, f.server.ack(request));
        assertEquals(State.BOUND, f.client.state());
        assertEquals(OTHER_SERVER, ((Bound) f.events.getFirst()).lease().serverIdentifier());
    }

    @Test
    void rebooting_ackWithoutServerId_rejected() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.builder().requestedAddress(LEASED).build());
        f.client.start(0);
        DhcpMessage request = f.only().message();
        f.server.sendServerId = false;
        f.receive(1, f.server.ack(request));
        assertEquals(State.REBOOTING, f.client.state());
        assertEquals(1, f.client.stats().rejected());
    }

    @Test
    void rebooting_nak_forgetsTheAddress() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.builder().requestedAddress(LEASED).build());
        f.client.start(0);
        DhcpMessage request = f.only().message();
        f.clear();
        f.receive(0, f.server.nak(request));
        f.client.poll(SECOND);
        Sent s = f.only();
        assertEquals(MessageType.DISCOVER, s.type());
        assertEquals(Optional.empty(), s.message().options().requestedIpAddress());
    }

    @Test
    void rebooting_noAnswer_discoversSuggestingTheAddress() {
        ClientFixture f = new ClientFixture(DhcpClientConfig.builder().requestedAddress(LEASED).build());
        f.client.start(0);
        f.runUntil(100 * SECOND);
        List<Sent> sent = f.sent();
        assertEquals(List.of(MessageType.REQUEST, MessageType.REQUEST, MessageType.REQUEST, MessageType.REQUEST,
                MessageType.DISCOVER), sent.stream().limit(5).map(Sent::type).toList());
        assertEquals(Optional.of(LEASED), sent.get(4).message().options().requestedIpAddress());
        assertEquals(State.SELECTING, f.client.state());
    }

    // ------------------------------------------------------------ BOUND

    @Test
    void bound_receive_ignored() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.requesting();
        f.receive(0, f.server.ack(request));
        f.clear();
        f.receive(1, f.server.ack(request));
        f.receive(1, f.server.nak(request));
        assertEquals(State.BOUND, f.client.state());
        assertTrue(f.events.isEmpty());
        assertEquals(2, f.client.stats().ignored());
    }

    @Test
    void bound_beforeT1_nothingHappens() {
        ClientFixture f = new ClientFixture();
        f.bound();
        assertEquals(1800 * SECOND, f.client.poll(1800 * SECOND - 1));
        assertTrue(f.events.isEmpty());
    }

    @Test
    void bound_t1_unicastsRequestToTheServer() {
        ClientFixture f = new ClientFixture();
        Lease lease = f.bound();
        f.client.poll(lease.renewAt());
        Sent s = f.only();
        assertEquals(State.RENEWING, f.client.state());
        assertEquals(SERVER, s.destination());
        assertEquals(MessageType.REQUEST, s.type());
        assertEquals(LEASED, s.message().ciaddr());
        assertFalse(s.message().broadcast());
        assertEquals(Optional.empty(), s.message().options().requestedIpAddress());
        assertEquals(Optional.empty(), s.message().options().serverIdentifier());
        assertEquals(0, s.message().secs());
    }

    @Test
    void bound_decline_losesLeaseThenBroadcastsDecline() {
        ClientFixture f = new ClientFixture();
        Lease lease = f.bound();
        assertTrue(f.client.decline(5 * SECOND));
        assertEquals(2, f.events.size());
        assertEquals(new Lost(5 * SECOND, lease, Loss.DECLINED), f.events.get(0), "lost first: DECLINE goes from 0.0.0.0");
        Sent s = (Sent) f.events.get(1);
        assertEquals(MessageType.DECLINE, s.type());
        assertEquals(BROADCAST, s.destination());
        assertEquals(Optional.of(LEASED), s.message().options().requestedIpAddress());
        assertEquals(Optional.of(SERVER), s.message().options().serverIdentifier());
        assertEquals(State.INIT, f.client.state());
        assertEquals(15 * SECOND, f.client.nextDeadline(), "RFC 2131 section 3.1: wait 10 s");
        f.clear();
        f.client.poll(15 * SECOND);
        Sent again = f.only();
        assertEquals(MessageType.DISCOVER, again.type());
        assertEquals(Optional.empty(), again.message().options().requestedIpAddress(), "not the declined address");
    }

    @Test
    void bound_release_sendsReleaseThenLosesLease() {
        ClientFixture f = new ClientFixture();
        Lease lease = f.bound();
        f.client.release(9 * SECOND);
        assertEquals(2, f.events.size());
        Sent s = (Sent) f.events.get(0);
        assertEquals(MessageType.RELEASE, s.type());
        assertEquals(SERVER, s.destination(), "unicast to the server");
        assertEquals(LEASED, s.message().ciaddr());
        assertEquals(new Lost(9 * SECOND, lease, Loss.RELEASED), f.events.get(1));
        assertEquals(State.INIT, f.client.state());
        assertEquals(Long.MAX_VALUE, f.client.nextDeadline());
        f.clear();
        f.client.start(10 * SECOND);
        assertEquals(MessageType.DISCOVER, f.only().type());
    }

    @Test
    void bound_infiniteLease_nothingScheduled() {
        ClientFixture f = new ClientFixture();
        f.server.leaseTime = OptionalLong.of(Lease.INFINITE_SECONDS);
        Lease lease = f.bound();
        assertTrue(lease.isInfinite());
        assertEquals(Long.MAX_VALUE, f.client.nextDeadline());
        assertEquals(Long.MAX_VALUE, f.client.poll(Long.MAX_VALUE - 1));
        assertEquals(State.BOUND, f.client.state());
    }

    @Test
    void bound_pollAfterT2_rebindsAtOnce() {
        ClientFixture f = new ClientFixture();
        f.bound();
        f.client.poll(3200 * SECOND);
        Sent s = f.only();
        assertEquals(State.REBINDING, f.client.state());
        assertEquals(BROADCAST, s.destination());
    }

    @Test
    void bound_pollAfterExpiry_losesLeaseAndDiscovers() {
        ClientFixture f = new ClientFixture();
        Lease lease = f.bound();
        f.client.poll(4000 * SECOND);
        assertEquals(new Lost(4000 * SECOND, lease, Loss.EXPIRED), f.events.get(0));
        assertEquals(MessageType.DISCOVER, ((Sent) f.events.get(1)).type());
        assertEquals(State.SELECTING, f.client.state());
    }

    // ------------------------------------------------------------ RENEWING

    @Test
    void renewing_ack_boundAgainWithNewTimes() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.renewing();
        f.receive(1801 * SECOND, f.server.ack(request));
        assertEquals(1, f.events.size());
        Lease l = ((Bound) f.events.getFirst()).lease();
        assertEquals(State.BOUND, f.client.state());
        assertEquals(1800 * SECOND, l.acquiredAt(), "from the renewal REQUEST");
        assertEquals(3600 * SECOND, l.renewAt());
        assertEquals(5400 * SECOND, l.expiresAt());
        assertEquals(3600 * SECOND, f.client.nextDeadline());
    }

    @Test
    void renewing_ackWithAnotherAddress_losesOldThenBindsNew() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.renewing();
        Lease old = f.client.lease().orElseThrow();
        f.server.address = Ipv4Address.parse("10.77.0.65");
        f.receive(1801 * SECOND, f.server.ack(request));
        assertEquals(new Lost(1801 * SECOND, old, Loss.REPLACED), f.events.get(0));
        assertEquals(Ipv4Address.parse("10.77.0.65"), ((Bound) f.events.get(1)).lease().address().address());
        assertEquals(1, f.client.stats().leasesLost());
    }

    @Test
    void renewing_nak_losesLease() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.renewing();
        Lease old = f.client.lease().orElseThrow();
        f.receive(1801 * SECOND, f.server.nak(request));
        assertEquals(List.of(new Lost(1801 * SECOND, old, Loss.NAK)), f.events);
        assertEquals(State.INIT, f.client.state());
        assertEquals(Optional.empty(), f.client.lease());
        assertEquals(1802 * SECOND, f.client.nextDeadline());
    }

    @Test
    void renewing_replyFromAnotherServer_ignored() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.renewing();
        f.server.id = OTHER_SERVER;
        f.receive(1801 * SECOND, f.server.ack(request));
        f.receive(1801 * SECOND, f.server.nak(request));
        assertEquals(State.RENEWING, f.client.state());
        assertTrue(f.events.isEmpty());
    }

    @Test
    void renewing_noAnswer_retransmitsHalfwayToT2() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.renewing();
        assertEquals((1800 + 675) * SECOND, f.client.nextDeadline(), "half of the 1350 s left to T2");
        f.client.poll((1800 + 675) * SECOND);
        Sent s = f.only();
        assertEquals(request.xid(), s.message().xid());
        assertEquals(675, s.message().secs());
        assertEquals(SERVER, s.destination());
    }

    @Test
    void renewing_t2_rebindsByBroadcast() {
        ClientFixture f = new ClientFixture();
        DhcpMessage renew = f.renewing();
        f.client.poll(3150 * SECOND);
        Sent s = f.only();
        assertEquals(State.REBINDING, f.client.state());
        assertEquals(BROADCAST, s.destination());
        assertEquals(LEASED, s.message().ciaddr());
        assertFalse(s.message().broadcast());
        assertNotEquals(renew.xid(), s.message().xid(), "a new exchange");
        assertEquals(Optional.empty(), s.message().options().serverIdentifier());
        assertEquals(Optional.empty(), s.message().options().requestedIpAddress());
    }

    // ------------------------------------------------------------ REBINDING

    @Test
    void rebinding_ackFromAnyServer_bound() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.rebinding();
        f.server.id = OTHER_SERVER;
        f.receive(3151 * SECOND, f.server.ack(request));
        assertEquals(State.BOUND, f.client.state());
        assertEquals(OTHER_SERVER, f.client.lease().orElseThrow().serverIdentifier());
        assertEquals(3150 * SECOND, f.client.lease().orElseThrow().acquiredAt());
    }

    @Test
    void rebinding_nak_losesLease() {
        ClientFixture f = new ClientFixture();
        DhcpMessage request = f.rebinding();
        f.server.id = OTHER_SERVER;
        f.receive(3151 * SECOND, f.server.nak(request));
        assertEquals(Loss.NAK, ((Lost) f.events.getFirst()).reason());
        assertEquals(State.INIT, f.client.state());
    }

    @Test
    void rebinding_expiry_losesLeaseAndDiscoversSuggestingIt() {
        ClientFixture f = new ClientFixture();
        f.rebinding();
        Lease lease = f.client.lease().orElseThrow();
        f.runUntil(3600 * SECOND);
        Lost lost = f.events.stream().filter(e -> e instanceof Lost).map(e -> (Lost) e).findFirst().orElseThrow();
        assertEquals(new Lost(3600 * SECOND, lease, Loss.EXPIRED), lost);
        Sent discover = f.last();
        assertEquals(MessageType.DISCOVER, discover.type());
        assertEquals(3600 * SECOND, discover.now());
        assertEquals(Optional.of(LEASED), discover.message().options().requestedIpAddress());
        assertEquals(State.SELECTING, f.client.state());
    }

    @Test
    void rebinding_decline_allowed() {
        ClientFixture f = new ClientFixture();
        f.rebinding();
        assertTrue(f.client.decline(3200 * SECOND));
        assertEquals(State.INIT, f.client.state());
    }

    // ------------------------------------------------------------ helpers

    private static DhcpMessage withXid(DhcpMessage m, int xid) {
        return new DhcpMessage(m.op(), m.htype(), m.hops(), xid, m.secs(), m.flags(), m.ciaddr(), m.yiaddr(),
                m.siaddr(), m.giaddr(), m.chaddr(), m.serverName(), m.bootFile(), m.options());
    }

    private static DhcpMessage withChaddr(DhcpMessage m, Octets chaddr) {
        return new DhcpMessage(m.op(), m.htype(), m.hops(), m.xid(), m.secs(), m.flags(), m.ciaddr(), m.yiaddr(),
                m.siaddr(), m.giaddr(), chaddr, m.serverName(), m.bootFile(), m.options());
    }

    private static DhcpMessage asRequest(DhcpMessage m) {
        return new DhcpMessage(DhcpMessage.Op.BOOTREQUEST, m.htype(), m.hops(), m.xid(), m.secs(), m.flags(),
                m.ciaddr(), m.yiaddr(), m.siaddr(), m.giaddr(), m.chaddr(), m.serverName(), m.bootFile(), m.options());
    }
}
