package mirage.net.internal.stack;

import mirage.net.SimulatedNetwork;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Arp;
import mirage.net.DirectStack;
import mirage.net.EtherType;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.Stack;
import mirage.net.internal.link.SimSwitch;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/** Direct stacks on a simulated switch, on virtual time: the binding of the engines to a Netif and a loop. */
class DirectStackTest {
    static final Ipv4Address A = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address B = Ipv4Address.parse("10.0.0.3");

    final Simulation sim = Simulation.create(11);
    final SimSwitch sw = new SimSwitch(sim.loop(), Rng.seeded(3), SimulatedNetwork.Impairments.NONE);

    DirectStack stack(String name, int last, NetConfig config) {
        MacAddress mac = MacAddress.parse(String.format("02:00:00:00:00:%02x", last));
        return Stack.direct(sw.addPort(name, mac, 1500), config, sim.loop(), Rng.seeded(last));
    }

    DirectStack stack(String name, int last, String cidr) {
        return stack(name, last, NetConfig.ipv4(Ipv4Cidr.parse(cidr)));
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    static byte[] copy(ByteBuffer data) {
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    @Test
    void ping_smallAnd8000Bytes_resolvesArpAndGetsEveryReply() throws NetException {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        DirectStack b = stack("b", 3, "10.0.0.3/24");
        List<byte[]> replies = new ArrayList<>();
        a.icmpv4().listen((src, id, seq, data) -> replies.add(copy(data)));
        a.icmpv4().ping(B, 7, 1, ByteBuffer.wrap(bytes(56, 1))); // queued behind ARP
        a.icmpv4().ping(B, 7, 2, ByteBuffer.wrap(bytes(8000, 2))); // six fragments
        sim.runFor(java.time.Duration.ofSeconds(1));
        assertEquals(2, replies.size());
        assertArrayEquals(bytes(56, 1), replies.get(0));
        assertArrayEquals(bytes(8000, 2), replies.get(1));
        assertEquals(2, b.icmpv4().stats().echoRepliesSent());
        assertEquals(Optional.of(b.netif().mac()), a.arp().query(B));
    }

    @Test
    void udp_echoFromApplicationTask_roundTripsEverySize() throws Exception {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        DirectStack b = stack("b", 3, "10.0.0.3/24");
        b.udp().listen(7, (src, sp, dst, data) -> {
            try {
                b.udp().send(7, src, sp, data); // on the loop thread, from a receiver
            } catch (NetException e) {
                throw new AssertionError(e);
            }
        });
        List<byte[]> got = new ArrayList<>();
        a.udp().listen(4000, (src, sp, dst, data) -> got.add(copy(data)));
        int[] sizes = {0, 1, 1472, 1473, 8000, 65_507};
        sim.spawn("client", () -> {
            for (int n : sizes) {
                a.udp().send(4000, B, 7, ByteBuffer.wrap(bytes(n, n)));
                sim.sleep().sleep(java.time.Duration.ofMillis(10));
            }
        });
        sim.runFor(java.time.Duration.ofSeconds(1));
        assertEquals(sizes.length, got.size());
        for (int i = 0; i < sizes.length; i++) {
            assertArrayEquals(bytes(sizes[i], sizes[i]), got.get(i), "size " + sizes[i]);
        }
        assertEquals(sizes.length, b.udp().stats().datagramsReceived());
    }

    @Test
    void udp_closedPort_peerAnswersPortUnreachable() throws NetException {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        DirectStack b = stack("b", 3, "10.0.0.3/24");
        a.udp().send(4000, B, 9, ByteBuffer.allocate(10));
        sim.runFor(java.time.Duration.ofSeconds(1));
        assertEquals(1, b.udp().stats().noPort());
        assertEquals(1, b.icmpv4().stats().unreachableSent());
        assertEquals(1, a.icmpv4().stats().otherReceived());
    }

    @Test
    void udp_secondListenerOnPort_addressInUse_andBadPortsRejected() throws NetException {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        a.udp().listen(53, (src, sp, dst, data) -> { });
        assertEquals(NetException.Reason.ADDRESS_IN_USE,
                assertThrows(NetException.class, () -> a.udp().listen(53, (src, sp, dst, data) -> { })).reason());
        assertThrows(IllegalArgumentException.class, () -> a.udp().listen(0, (src, sp, dst, data) -> { }));
        assertThrows(IllegalArgumentException.class, () -> a.udp().send(1, B, 70_000, ByteBuffer.allocate(1)));
        assertEquals(NetException.Reason.MESSAGE_TOO_LONG,
                assertThrows(NetException.class, () -> a.udp().send(1, B, 7, ByteBuffer.allocate(65_508))).reason());
        assertEquals(NetException.Reason.NO_ROUTE,
                assertThrows(NetException.class, () -> a.udp().send(1, Ipv4Address.parse("192.0.2.1"), 7, ByteBuffer.allocate(1))).reason());
        a.udp().unlisten(53);
        a.udp().listen(53, (src, sp, dst, data) -> { });
    }

    @Test
    void gateway_offNetworkTraffic_goesToTheGatewaysMac() throws NetException {
        DirectStack a = stack("a", 2, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24"), Ipv4Address.parse("10.0.0.1")));
        DirectStack gw = stack("gw", 1, "10.0.0.1/24");
        a.udp().send(5000, Ipv4Address.parse("192.0.2.9"), 53, ByteBuffer.allocate(4));
        sim.runFor(java.time.Duration.ofSeconds(1));
        // the gateway's Ethernet layer took the frame (unicast to its MAC); it is no router
        assertEquals(1, gw.ipv4().stats().notForUs());
        assertEquals(Optional.of(gw.netif().mac()), a.arp().query(Ipv4Address.parse("10.0.0.1")));
        assertEquals(Optional.of(Ipv4Address.parse("10.0.0.1")), a.ipv4().gateway());
        assertEquals(Ipv4Address.parse("10.0.0.2"), a.ipv4().source(Ipv4Address.parse("192.0.2.9")));
    }

    @Test
    void arp_entryExpiresOnVirtualTime_andTheStackGoesIdle() throws NetException {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        stack("b", 3, "10.0.0.3/24");
        a.udp().send(4000, B, 9, ByteBuffer.allocate(1));
        sim.runFor(java.time.Duration.ofSeconds(1));
        assertEquals(Arp.State.RESOLVED, a.arp().entries().get(0).state());
        Simulation.Outcome o = sim.run(); // runs until no timer is left
        assertTrue(o.virtualNanos() >= 60_000_000_000L, "the entry lives its reachable time: " + o);
        assertEquals(List.of(), a.arp().entries());
    }

    @Test
    void ethernet_userEtherType_deliveredToListener() throws NetException {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        DirectStack b = stack("b", 3, "10.0.0.3/24");
        EtherType experimental = new EtherType(0x88b5);
        List<String> got = new ArrayList<>();
        b.ethernet().listen(experimental, (src, dst, payload) -> got.add(src + ">" + dst + ":" + payload.remaining()));
        a.ethernet().write(b.netif().mac(), experimental, ByteBuffer.allocate(100));
        sim.runFor(java.time.Duration.ofMillis(1));
        assertEquals(List.of(a.netif().mac() + ">" + b.netif().mac() + ":100"), got);
        assertEquals(NetException.Reason.MESSAGE_TOO_LONG,
                assertThrows(NetException.class, () -> a.ethernet().write(MacAddress.BROADCAST, experimental, ByteBuffer.allocate(1501))).reason());
    }

    @Test
    void close_idempotent_laterOperationsDisconnected_andNetifClosed() {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        a.close();
        a.close();
        assertEquals(NetException.Reason.DISCONNECTED,
                assertThrows(NetException.class, () -> a.udp().send(1, B, 7, ByteBuffer.allocate(1))).reason());
        assertEquals(NetException.Reason.DISCONNECTED,
                assertThrows(NetException.class, () -> a.netif().send(ByteBuffer.allocate(60))).reason());
    }

    @Test
    void addressListener_calledAtOnceWithCurrentAddresses() {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        List<String> seen = new ArrayList<>();
        a.ipv4().onAddressChange((addresses, gateway) -> seen.add(addresses + " " + gateway));
        assertEquals(List.of("[10.0.0.2/24] Optional.empty"), seen);
        assertEquals(List.of(A), a.arp().addresses());
    }

    @Test
    void malformedFrames_droppedAndCounted_stackGoesOn() throws NetException {
        DirectStack a = stack("a", 2, "10.0.0.2/24");
        DirectStack b = stack("b", 3, "10.0.0.3/24");
        SimSwitch.Port raw = sw.addPort("raw", MacAddress.parse("02:00:00:00:00:99"), 1500);
        ByteBuffer junk = ByteBuffer.allocate(60);
        b.netif().mac().write(junk, 0);
        junk.putShort(12, (short) 0x0800); // IPv4 type, garbage header
        raw.send(junk);
        sim.runFor(java.time.Duration.ofMillis(1));
        assertEquals(1, b.ipv4().stats().headerErrors());
        List<byte[]> replies = new ArrayList<>();
        a.icmpv4().listen((src, id, seq, data) -> replies.add(copy(data)));
        a.icmpv4().ping(B, 1, 1, ByteBuffer.allocate(8));
        sim.runFor(java.time.Duration.ofSeconds(1));
        assertEquals(1, replies.size());
    }

    @Test
    void capture_recordsEveryFrameBothWays_inAPcapFileThatReadsBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("a.pcap");
        mirage.net.Netif port = sw.addPort("a", MacAddress.parse("02:00:00:00:00:02"), 1500);
        mirage.net.Netif captured = mirage.net.Netif.capture(port, file, () -> java.time.Instant.ofEpochSecond(946_684_800L, sim.now()));
        DirectStack a = Stack.direct(captured, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(2));
        stack("b", 3, "10.0.0.3/24");
        a.icmpv4().ping(B, 1, 1, ByteBuffer.allocate(3000)); // ARP both ways, then 3 fragments each way
        sim.runFor(java.time.Duration.ofSeconds(1));
        a.close();
        mirage.net.internal.pcap.PcapReader.Capture c = mirage.net.internal.pcap.PcapReader.read(file);
        long sent = port.stats().txFrames();
        long received = port.stats().rxFrames();
        assertEquals(sent + received, c.records().size());
        assertTrue(sent >= 5 && received >= 4, sent + " sent, " + received + " received");
    }
}
