package mirage.net.internal.engine.dhcp;

import static mirage.net.internal.engine.dhcp.ClientFixture.SECOND;
import static mirage.net.internal.engine.dhcp.TestServer.LEASED;
import static mirage.net.internal.engine.dhcp.TestServer.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/** {@link Lease#fromAck}: what a DHCPACK grants, sanitized, or why it cannot be used. */
class LeaseTest {
    private static final DhcpMessage REQUEST = new DhcpMessage(DhcpMessage.Op.BOOTREQUEST, 1, 0, 7, 0, 0,
            Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED,
            Octets.of(ClientFixture.MAC.toBytes()), "", "", DhcpOptions.NONE);

    private static Lease.Read read(TestServer s) {
        return Lease.fromAck(s.ack(REQUEST), null, 100 * SECOND);
    }

    private static Lease lease(TestServer s) {
        Lease.Read r = read(s);
        assertNull(r.problem());
        return r.lease();
    }

    private static TestServer times(long lease, long t1, long t2) {
        TestServer s = new TestServer();
        s.leaseTime = OptionalLong.of(lease);
        s.t1 = t1 < 0 ? OptionalLong.empty() : OptionalLong.of(t1);
        s.t2 = t2 < 0 ? OptionalLong.empty() : OptionalLong.of(t2);
        return s;
    }

    @Test
    void given_timesKept() {
        Lease l = lease(times(3600, 1000, 2000));
        assertEquals(List.of(1000 * SECOND, 2000 * SECOND, 3600 * SECOND), List.of(l.renewalNanos(), l.rebindingNanos(), l.leaseNanos()));
        assertEquals(1100 * SECOND, l.renewAt());
        assertEquals(2100 * SECOND, l.rebindAt());
        assertEquals(3700 * SECOND, l.expiresAt());
    }

    @Test
    void absentOrZeroT1T2_defaultToHalfAndSevenEighths() {
        for (TestServer s : List.of(times(3600, -1, -1), times(3600, 0, 0))) {
            Lease l = lease(s);
            assertEquals(1800 * SECOND, l.renewalNanos());
            assertEquals(3150 * SECOND, l.rebindingNanos());
        }
    }

    @Test
    void t2BeyondLease_defaulted_t1BeyondT2_defaulted() {
        Lease l = lease(times(3600, 3500, 4000));
        assertEquals(1800 * SECOND, l.renewalNanos());
        assertEquals(3150 * SECOND, l.rebindingNanos());
    }

    @Test
    void smallT2_t1NotAfterIt() {
        Lease l = lease(times(3600, -1, 600));
        assertEquals(600 * SECOND, l.renewalNanos(), "half the lease would come after T2");
        assertEquals(600 * SECOND, l.rebindingNanos());
    }

    @Test
    void infiniteLease_noTimers() {
        Lease l = lease(times(0xffff_ffffL, 100, 200));
        assertTrue(l.isInfinite());
        assertEquals(Long.MAX_VALUE, l.renewAt());
        assertEquals(Long.MAX_VALUE, l.rebindAt());
        assertEquals(Long.MAX_VALUE, l.expiresAt());
    }

    @Test
    void infiniteT1T2_ofFiniteLease_defaulted() {
        Lease l = lease(times(3600, 0xffff_ffffL, 0xffff_ffffL));
        assertEquals(1800 * SECOND, l.renewalNanos());
        assertEquals(3150 * SECOND, l.rebindingNanos());
    }

    @Test
    void noOrZeroLeaseTime_unusable() {
        assertEquals(Lease.Problem.BAD_LEASE_TIME, read(times(0, -1, -1)).problem());
        TestServer s = new TestServer();
        s.leaseTime = OptionalLong.empty();
        assertEquals(Lease.Problem.BAD_LEASE_TIME, read(s).problem());
    }

    @Test
    void mask_givesPrefix_holeyOrZeroMaskFallsBackToClass() {
        TestServer s = new TestServer();
        s.mask = Ipv4Address.parse("255.255.252.0");
        assertEquals(Ipv4Cidr.parse("10.77.0.64/22"), lease(s).address());
        s.mask = Ipv4Address.parse("255.0.255.0");
        assertEquals(Ipv4Cidr.parse("10.77.0.64/8"), lease(s).address());
        s.mask = Ipv4Address.parse("0.0.0.0");
        assertEquals(Ipv4Cidr.parse("10.77.0.64/8"), lease(s).address());
        s.mask = Ipv4Address.parse("255.255.255.255");
        assertEquals(Ipv4Cidr.parse("10.77.0.64/32"), lease(s).address());
    }

    @Test
    void noMask_classfulPrefix() {
        for (String[] c : new String[][] {{"10.1.2.3", "8"}, {"172.16.5.4", "16"}, {"192.168.1.20", "24"}}) {
            DhcpOptions o = new TestServer().leaseOptions(MessageType.ACK);
            DhcpOptions noMask = new DhcpOptions(o.messageType(), Optional.empty(), o.routers(), o.domainNameServers(),
                    o.hostName(), o.domainName(), o.broadcastAddress(), o.requestedIpAddress(), o.leaseTime(),
                    o.serverIdentifier(), o.parameterRequestList(), o.message(), o.maximumMessageSize(),
                    o.renewalTime(), o.rebindingTime(), o.clientIdentifier(), o.others());
            Ipv4Address a = Ipv4Address.parse(c[0]);
            Lease l = Lease.fromAck(TestServer.reply(REQUEST, a, noMask), null, 0).lease();
            assertEquals(Ipv4Cidr.of(a, Integer.parseInt(c[1])), l.address());
        }
    }

    @Test
    void badAddresses_unusable() {
        for (String a : List.of("0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.5", "240.0.0.1", "255.255.255.255",
                "10.77.0.0", "10.77.0.255")) {
            TestServer s = new TestServer();
            s.address = Ipv4Address.parse(a);
            assertEquals(Lease.Problem.BAD_ADDRESS, read(s).problem(), a);
        }
    }

    @Test
    void slash31_bothAddressesUsable() {
        TestServer s = new TestServer();
        s.mask = Ipv4Address.parse("255.255.255.254");
        s.address = Ipv4Address.parse("10.77.0.64");
        assertEquals(31, lease(s).address().prefixLength());
        s.address = Ipv4Address.parse("10.77.0.65");
        assertEquals(31, lease(s).address().prefixLength());
    }

    @Test
    void serverId_fromAckElseKnownElseUnusable() {
        TestServer s = new TestServer();
        s.sendServerId = false;
        assertEquals(Lease.Problem.BAD_SERVER, read(s).problem());
        assertEquals(SERVER, Lease.fromAck(s.ack(REQUEST), SERVER, 0).lease().serverIdentifier());
        s.sendServerId = true;
        s.id = Ipv4Address.parse("255.255.255.255");
        assertEquals(Lease.Problem.BAD_SERVER, read(s).problem());
    }

    @Test
    void routersAndDns_nonHostAddressesLeftOut() {
        TestServer s = new TestServer();
        Ipv4Address router = Ipv4Address.parse("10.77.0.254");
        s.routers = List.of(Ipv4Address.UNSPECIFIED, router, Ipv4Address.BROADCAST);
        s.dns = List.of(Ipv4Address.parse("127.0.0.53"), TestServer.DNS);
        Lease l = lease(s);
        assertEquals(List.of(router), l.routers());
        assertEquals(List.of(TestServer.DNS), l.dnsServers());
        assertEquals(LEASED, l.address().address());
    }

    @Test
    void mtu_option26_atLeast68() {
        TestServer s = new TestServer();
        s.mtu = 9000;
        assertEquals(OptionalInt.of(9000), lease(s).mtu());
        s.mtu = 67;
        assertEquals(OptionalInt.empty(), lease(s).mtu());
    }

    @Test
    void times_saturateInsteadOfOverflowing() {
        Lease l = new Lease(Ipv4Cidr.parse("10.0.0.2/24"), List.of(), List.of(), Optional.empty(), SERVER,
                10 * SECOND, 5 * SECOND, 8 * SECOND, Long.MAX_VALUE - SECOND, OptionalInt.empty());
        assertEquals(Long.MAX_VALUE, l.expiresAt());
        assertEquals(Long.MAX_VALUE, l.renewAt());
    }

    @Test
    void constructor_refusesDisorderedTimes() {
        assertThrows(IllegalArgumentException.class, () -> new Lease(Ipv4Cidr.parse("10.0.0.2/24"), List.of(),
                List.of(), Optional.empty(), SERVER, 10, 9, 8, 0, OptionalInt.empty()));
        assertThrows(IllegalArgumentException.class, () -> new Lease(Ipv4Cidr.parse("10.0.0.2/24"), List.of(),
                List.of(), Optional.empty(), SERVER, 10, 0, 8, 0, OptionalInt.empty()));
    }
}
