package mirage.net.internal.engine.dhcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * A direct stack configured by DHCP, against a server stack on the same simulated network
 * answering with {@link TestServer}: the lease configures the stack, which then answers
 * pings at its leased address, renews at T1, and releases its lease when closed.
 */
class DhcpStackTest {
    final Simulation sim = Simulation.create(21);
    final SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(5), SimulatedNetwork.Impairments.NONE);
    final TestServer script = new TestServer();
    final List<MessageType> serverSaw = new ArrayList<>();
    /** Source and destination address of each message the server saw. */
    final List<String> serverAddressing = new ArrayList<>();
    boolean naks;

    DirectStack server() throws NetException {
        DirectStack server = Stack.direct(net.port("server", MacAddress.parse("02:00:00:00:00:01"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.77.0.1/24")), sim.loop(), Rng.seeded(6));
        server.udp().listen(67, (src, sp, dst, payload) -> {
            DhcpMessage m = DhcpMessage.parse(payload).orThrow();
            MessageType type = m.options().messageType().orElseThrow();
            serverSaw.add(type);
            serverAddressing.add(src + ">" + dst);
            DhcpMessage reply = switch (type) {
                case DISCOVER -> script.offer(m);
                case REQUEST -> naks ? script.nak(m) : script.ack(m);
                default -> null;
            };
            if (reply != null) {
                ByteBuffer out = ByteBuffer.allocate(reply.bufferLen());
                reply.emit(out);
                try {
                    server.udp().send(67, Ipv4Address.BROADCAST, 68, out); // emit moves neither position nor limit
                } catch (NetException e) {
                    throw new AssertionError(e);
                }
            }
        });
        return server;
    }

    DirectStack client() {
        return Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:00:40"), 1500), NetConfig.dhcp(), sim.loop(),
                Rng.seeded(7));
    }

    @Test
    void dhcp_leaseConfiguresTheStack_whichThenAnswersPingsAtItsAddress() throws NetException {
        DirectStack server = server();
        DirectStack client = client();
        List<String> changes = new ArrayList<>();
        client.ipv4().onAddressChange((addresses, gateway) -> changes.add(addresses + " " + gateway.map(Object::toString).orElse("-")));
        sim.runFor(Duration.ofSeconds(5));
        assertEquals(List.of("[] -", "[10.77.0.64/24] 10.77.0.1"), changes);
        assertEquals(List.of(MessageType.DISCOVER, MessageType.REQUEST), serverSaw);
        assertEquals(Optional.of(Ipv4Address.parse("10.77.0.1")), client.ipv4().gateway());
        int[] replies = new int[1];
        server.icmpv4().listen((src, id, seq, data) -> replies[0]++);
        server.icmpv4().ping(TestServer.LEASED, 1, 1, ByteBuffer.allocate(8));
        sim.runFor(Duration.ofSeconds(1));
        assertEquals(1, replies[0]);
    }

    @Test
    void dhcp_renewsAtT1_byUnicastFromTheLeasedAddress_andKeepsTheAddress() throws NetException {
        server();
        DirectStack client = client();
        sim.runFor(Duration.ofSeconds(5));
        assertEquals(List.of("0.0.0.0>255.255.255.255", "0.0.0.0>255.255.255.255"), serverAddressing);
        serverSaw.clear();
        serverAddressing.clear();
        sim.runFor(Duration.ofMinutes(31)); // T1 is 30 minutes
        assertEquals(List.of(MessageType.REQUEST), serverSaw);
        assertEquals(List.of("10.77.0.64>10.77.0.1"), serverAddressing);
        assertEquals(List.of(Ipv4Cidr.parse("10.77.0.64/24")), client.ipv4().addresses());
    }

    @Test
    void dhcp_nakWhileRenewing_dropsTheAddress() throws NetException {
        server();
        DirectStack client = client();
        sim.runFor(Duration.ofSeconds(5));
        naks = true;
        sim.runFor(Duration.ofMinutes(31));
        assertTrue(serverSaw.contains(MessageType.DISCOVER), "after the NAK the client starts over: " + serverSaw);
        assertEquals(List.of(), client.ipv4().addresses()); // offers are then NAKed in turn
    }

    @Test
    void close_releasesTheLease() throws NetException {
        server();
        DirectStack client = client();
        sim.runFor(Duration.ofSeconds(5));
        client.close();
        sim.runFor(Duration.ofSeconds(1));
        assertEquals(MessageType.RELEASE, serverSaw.getLast());
    }
}
