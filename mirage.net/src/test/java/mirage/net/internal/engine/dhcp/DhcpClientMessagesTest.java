package mirage.net.internal.engine.dhcp;

import static mirage.net.internal.engine.dhcp.ClientFixture.MAC;
import static mirage.net.internal.engine.dhcp.ClientFixture.SECOND;
import static mirage.net.internal.engine.dhcp.TestServer.LEASED;
import static mirage.net.internal.engine.dhcp.TestServer.SERVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.DhcpPacket;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.ClientFixture.Sent;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/**
 * The bytes the client emits, parsed back with the wire layer's {@link DhcpMessage#parse}, hold
 * the fields and options RFC 2131 table 5 (and section 4.3.2 for the DHCPREQUEST of each state)
 * asks for, and nothing it forbids.
 */
class DhcpClientMessagesTest {
    private static final Ipv4Address NONE = Ipv4Address.UNSPECIFIED;
    private static final DhcpClientConfig CONFIG = DhcpClientConfig.builder().hostName("echo-1")
            .maximumMessageSize(1500).build();

    /** What table 5 asks of one message: {@code null} where the field or option must be absent (or zero). */
    private record Expected(MessageType type, Ipv4Address destination, Ipv4Address ciaddr, boolean broadcastFlag,
            boolean zeroSecs, Ipv4Address requested, Ipv4Address server, boolean asks, boolean message) {}

    /** One message of every kind the client sends, each from the state that sends it. */
    private static Map<String, Sent> everyKind() {
        Map<String, Sent> m = new LinkedHashMap<>();
        ClientFixture f = new ClientFixture(CONFIG);
        f.client.start(0);
        f.runUntil(5 * SECOND); // a retransmission: secs > 0
        m.put("DISCOVER", f.last());
        f.receive(6 * SECOND, f.server.offer(f.last().message()));
        m.put("REQUEST selecting", f.last());
        f.receive(6 * SECOND, f.server.ack(f.last().message()));
        f.client.poll(1806 * SECOND);
        f.client.poll((1806 + 675) * SECOND);
        m.put("REQUEST renewing", f.last());
        f.client.poll(3156 * SECOND);
        f.client.poll((3156 + 225) * SECOND);
        m.put("REQUEST rebinding", f.last());
        f.client.decline(3400 * SECOND);
        m.put("DECLINE", f.last());

        ClientFixture g = new ClientFixture(CONFIG.toBuilder().requestedAddress(LEASED).build());
        g.client.start(0);
        g.runUntil(5 * SECOND);
        m.put("REQUEST rebooting", g.last());
        g.receive(6 * SECOND, g.server.ack(g.last().message()));
        g.client.release(100 * SECOND);
        m.put("RELEASE", g.sent().getLast());
        return m;
    }

    private static final Map<String, Expected> TABLE_5 = Map.of(
            "DISCOVER", new Expected(MessageType.DISCOVER, Ipv4Address.BROADCAST, NONE, true, false, null, null, true, false),
            "REQUEST selecting", new Expected(MessageType.REQUEST, Ipv4Address.BROADCAST, NONE, true, false, LEASED, SERVER, true, false),
            "REQUEST rebooting", new Expected(MessageType.REQUEST, Ipv4Address.BROADCAST, NONE, true, false, LEASED, null, true, false),
            "REQUEST renewing", new Expected(MessageType.REQUEST, SERVER, LEASED, false, false, null, null, true, false),
            "REQUEST rebinding", new Expected(MessageType.REQUEST, Ipv4Address.BROADCAST, LEASED, false, false, null, null, true, false),
            "DECLINE", new Expected(MessageType.DECLINE, Ipv4Address.BROADCAST, NONE, false, true, LEASED, SERVER, false, true),
            "RELEASE", new Expected(MessageType.RELEASE, SERVER, LEASED, false, true, null, SERVER, false, true));

    @Test
    void everyMessage_parsesBackAndFollowsTable5() {
        Map<String, Sent> sent = everyKind();
        assertEquals(TABLE_5.keySet(), sent.keySet());
        for (Map.Entry<String, Sent> entry : sent.entrySet()) {
            String kind = entry.getKey();
            Sent s = entry.getValue();
            Expected x = TABLE_5.get(kind);
            DhcpMessage m = DhcpMessage.parse(s.bytes()).orThrow();
            assertArrayEquals(s.bytes(), m.toBytes(), kind + ": emitted in the wire layer's own layout");
            assertTrue(s.bytes().length >= DhcpMessage.BOOTP_MIN_LEN, kind + ": at least the BOOTP 300 bytes");
            // Fixed fields, the same for every client message.
            assertEquals(DhcpMessage.Op.BOOTREQUEST, m.op(), kind);
            assertEquals(1, m.htype(), kind);
            assertEquals(0, m.hops(), kind);
            assertEquals(Optional.of(MAC), m.clientMac(), kind);
            assertEquals(NONE, m.yiaddr(), kind);
            assertEquals(NONE, m.siaddr(), kind);
            assertEquals(NONE, m.giaddr(), kind);
            assertEquals("", m.serverName(), kind);
            assertEquals("", m.bootFile(), kind);
            // Fields that depend on the message.
            assertEquals(x.destination(), s.destination(), kind + ": destination");
            assertEquals(x.ciaddr(), m.ciaddr(), kind + ": ciaddr");
            assertEquals(x.broadcastFlag() ? DhcpPacket.FLAG_BROADCAST : 0, m.flags(), kind + ": flags");
            if (x.zeroSecs()) {
                assertEquals(0, m.secs(), kind + ": secs");
            } else {
                assertTrue(m.secs() > 0, kind + ": secs counts the exchange's seconds");
            }
            // Options.
            DhcpOptions o = m.options();
            assertEquals(Optional.of(x.type()), o.messageType(), kind);
            assertEquals(Optional.of(Octets.ofHex("01" + MAC.toString().replace(":", ""))), o.clientIdentifier(),
                    kind + ": client identifier, type 1 and the MAC");
            assertEquals(Optional.ofNullable(x.requested()), o.requestedIpAddress(), kind + ": option 50");
            assertEquals(Optional.ofNullable(x.server()), o.serverIdentifier(), kind + ": option 54");
            assertEquals(x.asks() ? DhcpClientConfig.DEFAULT_PARAMETERS : List.of(), o.parameterRequestList(),
                    kind + ": option 55");
            assertEquals(x.asks() ? OptionalInt.of(1500) : OptionalInt.empty(), o.maximumMessageSize(), kind + ": option 57");
            assertEquals(x.asks() ? Optional.of("echo-1") : Optional.empty(), o.hostName(), kind + ": option 12");
            assertEquals(x.message(), o.message().isPresent(), kind + ": option 56");
            assertEquals(OptionalLong.empty(), o.leaseTime(), kind + ": option 51");
            assertEquals(List.of(), o.others(), kind + ": nothing else");
        }
    }

    @Test
    void exchanges_freshXidEach_theOfferedRequestKeepsTheDiscoverXid() {
        Map<String, Sent> sent = everyKind();
        List<Integer> xids = List.of("DISCOVER", "REQUEST selecting", "REQUEST renewing", "REQUEST rebinding", "DECLINE")
                .stream().map(k -> sent.get(k).message().xid()).toList();
        assertEquals(xids.get(0), xids.get(1), "the REQUEST for an offer goes on with the DISCOVER's xid");
        assertEquals(4, xids.stream().distinct().count(), "renewing, rebinding and declining are new exchanges: " + xids);
        assertTrue(sent.get("REQUEST rebooting").message().xid() != sent.get("RELEASE").message().xid());
    }
}
