package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Flow;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two dual stacks on a simulated network, on virtual time: TCP and UDP over IPv6 (global and
 * link-local addresses, resolved by Neighbor Discovery through the switch's multicast), a
 * listener taking both families, and the stacks of one family refusing the other.
 */
class DualStackTest {
    static final Ipv6Address A6 = Ipv6Address.parse("2001:db8::2");
    static final Ipv6Address B6 = Ipv6Address.parse("2001:db8::3");
    static final Ipv4Address B4 = Ipv4Address.parse("10.0.0.3");

    record World(Simulation sim, SimulatedNetwork net, DirectStack a, DirectStack b) {}

    /**
     * Runs {@code sim} for 3 s of virtual time, long enough for every IPv6 address of its stacks
     * to pass Duplicate Address Detection (RFC 4862: up to 1 s of random delay, then 1 s of
     * silence after the probe): a tentative address is neither a source nor answered for, so
     * traffic before that has no route.
     */
    static void awaitAddresses(Simulation sim) {
        sim.runFor(Duration.ofSeconds(3));
    }

    static NetConfig dual(String v4, String v6) {
        return new NetConfig.DualStack(Optional.of(NetConfig.ipv4(Ipv4Cidr.parse(v4))),
                Optional.of(new NetConfig.Ipv6Config(Optional.of(Ipv6Cidr.parse(v6)), Optional.empty(), true)));
    }

    static World world(long seed, SimulatedNetwork.Impairments impairments) {
        Simulation sim = Simulation.create(seed);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(seed * 31 + 1), impairments);
        DirectStack a = Stack.direct(net.port("a", MacAddress.parse("02:00:00:00:00:02"), 1500),
                dual("10.0.0.2/24", "2001:db8::2/64"), sim.loop(), Rng.seeded(seed * 31 + 2));
        DirectStack b = Stack.direct(net.port("b", MacAddress.parse("02:00:00:00:00:03"), 1500),
                dual("10.0.0.3/24", "2001:db8::3/64"), sim.loop(), Rng.seeded(seed * 31 + 3));
        sim.runFor(Duration.ofSeconds(3)); // Duplicate Address Detection: up to 1 s of delay, 1 s of silence after the probe
        return new World(sim, net, a, b);
    }

    /** b echoes a whole upload back on port 80 for either family; a uploads to each of {@code servers}. */
    static void echoBoth(World w, int size, long seed, IpAddress... servers) throws Exception {
        List<IpAddress> peers = new ArrayList<>();
        w.b().tcp().listen(80, c -> {
            peers.add(c.remote().address());
            byte[] all = TcpStackTest.readAll(c);
            TcpStackTest.writeAll(c, all, seed);
            c.shutdown(Flow.Direction.WRITE);
        });
        List<byte[]> back = new ArrayList<>();
        byte[] up = TcpStackTest.bytes(size, seed);
        for (IpAddress server : servers) {
            w.sim().spawn("client-" + server, () -> {
                try (Tcp.Connection c = w.a().tcp().connect(server, 80, Duration.ofSeconds(30))) {
                    TcpStackTest.writeAll(c, up, seed + 1);
                    c.shutdown(Flow.Direction.WRITE);
                    back.add(TcpStackTest.readAll(c));
                }
            });
        }
        Simulation.Outcome o = w.sim().runFor(Duration.ofMinutes(10));
        assertEquals(0, o.tasksFailed(), "seed " + seed + ": " + w.sim().trace());
        assertEquals(servers.length, back.size(), "seed " + seed + ": every client read its echo to the end");
        for (byte[] b : back) {
            assertEquals(TcpStackTest.sha(up), TcpStackTest.sha(b), "seed " + seed);
        }
        for (IpAddress server : servers) {
            IpAddress expected = server instanceof Ipv6Address s6 && s6.isLinkLocal() ? w.a().ipv6().addresses().get(0).address()
                    : server instanceof Ipv6Address ? A6 : Ipv4Address.parse("10.0.0.2");
            assertTrue(peers.contains(expected), "the server saw " + expected + " among " + peers);
        }
    }

    @Test
    void tcp_oneListener_takesIpv6GlobalLinkLocalAndIpv4() throws Exception {
        World w = world(1, SimulatedNetwork.Impairments.NONE);
        Ipv6Address bLinkLocal = w.b().ipv6().addresses().get(0).address();
        assertTrue(bLinkLocal.isLinkLocal());
        assertTrue(!bLinkLocal.equals(Ipv6Address.parse("fe80::ff:fe00:3")), "an RFC 7217 identifier, not the MAC's EUI-64");
        echoBoth(w, 300_000, 1, B6, bLinkLocal, B4);
        // Address resolution went through the switch's multicast: a solicited-node NS, answered.
        assertTrue(w.a().ipv6().stats().solicitationsSent() >= 2, "a solicited b's global and link-local addresses");
        assertTrue(w.b().ipv6().stats().solicitationsAnswered() >= 2);
        assertEquals(0, w.a().ipv6().stats().headerErrors() + w.b().ipv6().stats().headerErrors());
        assertEquals(0, w.a().ipv6().stats().fragmentsDropped() + w.b().ipv6().stats().fragmentsDropped());
        assertEquals(0, w.a().tcp().stats().established(), "every connection closed");
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 3, 4, 5, 6})
    void tcp_overIpv6_lossyReorderingNetwork_deliversIntact(long seed) throws Exception {
        World w = world(seed, new SimulatedNetwork.Impairments(0.03, 1_000_000, 500_000, 0.02, 2_000_000, 0.01, 0));
        echoBoth(w, 200_000, seed, B6);
    }

    @Test
    void udp_overIpv6_echoesEverySizeUpTo65527InFragments_andClosedPortGetsPortUnreachable() throws Exception {
        World w = world(7, SimulatedNetwork.Impairments.NONE);
        w.b().udp().listen(7, (src, sp, dst, data) -> {
            assertEquals(B6, dst);
            try {
                w.b().udp().send(7, src, sp, data);
            } catch (NetException e) {
                throw new IllegalStateException(e);
            }
        });
        List<byte[]> got = new ArrayList<>();
        List<IpAddress> from = new ArrayList<>();
        w.a().udp().listen(5000, (src, sp, dst, data) -> {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            got.add(b);
            from.add(src);
        });
        int[] sizes = {0, 1, 100, 1452, 1500 - 48, 1500 - 47, 4000, 65535 - 8}; // from 1453 on: fragments both ways
        w.sim().spawn("client", () -> {
            for (int n : sizes) {
                w.a().udp().send(5000, B6, 7, ByteBuffer.wrap(TcpStackTest.bytes(n, n)));
                w.sim().sleep().sleep(Duration.ofMillis(10));
            }
            NetException tooLong = assertThrows(NetException.class,
                    () -> w.a().udp().send(5000, B6, 7, ByteBuffer.allocate(65535 - 7)));
            assertEquals(NetException.Reason.MESSAGE_TOO_LONG, tooLong.reason(), "past IPv6's 16-bit Payload Length");
            w.a().udp().send(5000, B6, 9, ByteBuffer.wrap(new byte[10])); // nobody listens on 9
        });
        assertEquals(0, w.sim().runFor(Duration.ofSeconds(5)).tasksFailed(), w.sim().trace().toString());
        assertEquals(sizes.length, got.size());
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(TcpStackTest.bytes(sizes[i], sizes[i]), got.get(i));
            assertEquals(B6, from.get(i));
        }
        assertEquals(1, w.b().ipv6().stats().errorsSent(), "Port Unreachable for port 9");
        assertEquals(0, w.a().ipv6().stats().fragmentsDropped() + w.b().ipv6().stats().fragmentsDropped());
        assertEquals(1, w.a().ipv6().stats().icmpReceived() - w.a().ipv6().stats().advertisementsReceived()
                - w.a().ipv6().stats().solicitationsAnswered(), "the Port Unreachable reached a");
    }

    @Test
    void familiesNotConfigured_areRefusedWithNoRoute() throws Exception {
        Simulation sim = Simulation.create(9);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(1), SimulatedNetwork.Impairments.NONE);
        DirectStack v4 = Stack.direct(net.port("a", MacAddress.parse("02:00:00:00:00:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(2));
        DirectStack v6 = Stack.direct(net.port("b", MacAddress.parse("02:00:00:00:00:03"), 1500),
                NetConfig.fromArguments("", "", "2001:db8::3/64", "", false, true, true), sim.loop(), Rng.seeded(3));
        sim.runFor(Duration.ofSeconds(3));
        assertEquals(List.of(), v4.ipv6().addresses());
        assertEquals(2, v6.ipv6().addresses().size());
        assertEquals(List.of(), v6.ipv4().addresses());
        NetException e = assertThrows(NetException.class, () -> v4.udp().send(1, B6, 7, ByteBuffer.allocate(1)));
        assertEquals(NetException.Reason.NO_ROUTE, e.reason());
        e = assertThrows(NetException.class, () -> v6.udp().send(1, B4, 7, ByteBuffer.allocate(1)));
        assertEquals(NetException.Reason.NO_ROUTE, e.reason());
        e = assertThrows(NetException.class, () -> v6.udp().send(1, Ipv6Address.parse("2001:db9::1"), 7, ByteBuffer.allocate(1)));
        assertEquals(NetException.Reason.NO_ROUTE, e.reason(), "off-link without a router");
        // An IPv4-only stack hears no IPv6: b's NS for an address of the same link is counted as an unknown EtherType.
        long unknown = v4.ethernet().stats().unknownType();
        sim.spawn("send", () -> v6.udp().send(1, Ipv6Address.parse("2001:db8::2"), 7, ByteBuffer.allocate(1)));
        sim.runFor(Duration.ofSeconds(5));
        assertTrue(v4.ethernet().stats().unknownType() > unknown);
        assertEquals(1, v6.ipv6().stats().resolutionsFailed(), "nobody answered b's solicitations");
    }
}
