package mirage.net.internal.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv4Cidr;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.internal.engine.CapturingLink;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv6.Ipv6Config;
import mirage.net.internal.engine.ipv6.Ipv6Engine;
import mirage.net.internal.engine.ipv6.Ipv6Link;
import mirage.net.internal.engine.ipv6.V6;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.wire.Icmpv6Repr;
import mirage.net.internal.wire.Ipv6Packet;
import mirage.net.internal.wire.Ipv6Repr;
import mirage.net.internal.wire.Octets;
import org.junit.jupiter.api.Test;

/**
 * ICMPv6 errors about our segments (RFC 4443, RFC 5927, RFC 8201): the IPv6 layer's path MTU
 * bounds the MSS of new connections, Packet Too Big shrinks a connection's MSS, Destination
 * Unreachable code 4 (port unreachable) ends a connect and code 3 (address unreachable) does not.
 */
class TcpIcmpv6ErrorTest {
    static final long S = 1_000_000_000L;
    static final MacAddress OUR_MAC = MacAddress.parse("02:00:00:00:00:01");
    static final Ipv6Address US = Ipv6Address.parse("2001:db8::1");
    static final Ipv6Address PEER = Ipv6Address.parse("2001:db8::2");

    final List<byte[]> sent = new ArrayList<>();
    final Ipv6Engine ip6 = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(OUR_MAC), Ipv6Cidr.of(US, 64)),
            Optional.empty(), NdpConfig.defaults()), new Ipv6Link() {
                @Override
                public int mtu() {
                    return 1500;
                }

                @Override
                public MacAddress mac() {
                    return OUR_MAC;
                }

                @Override
                public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
                    if (packet[offset + Ipv6Packet.NEXT_HEADER] != 0) { // MLD reports (behind Hop-by-Hop) are not this test's
                        sent.add(java.util.Arrays.copyOfRange(packet, offset, offset + length));
                    }
                }
            }, Rng.seeded(1), 0);
    final TcpEngine tcp = new TcpEngine(new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.1/24")), List.of()),
            new CapturingLink(1500), Rng.seeded(7)), ip6, TcpConfig.DEFAULT, Rng.seeded(8));
    long now = S;

    TcpIcmpv6ErrorTest() {
        ip6.start(0);
        ip6.neighbors().learn(0, PEER, MacAddress.parse("02:00:00:00:00:02"), false);
    }

    TcpConnection connect() throws NetException {
        return tcp.connect(now, null, PEER, 80, 30 * S);
    }

    /** Our last packet as an ICMPv6 error quotes it. */
    Ipv6Packet quoteLast() {
        byte[] p = sent.getLast();
        Ipv6Packet q = new Ipv6Packet();
        assertTrue(q.checkQuoted(ByteBuffer.wrap(p), 0, p.length));
        assertEquals(Ipv6Packet.NEXT_HEADER_TCP, q.nextHeader());
        return q;
    }

    @Test
    void synSent_portUnreachable_endsTheConnect_addressUnreachable_isSoft() throws NetException {
        TcpConnection soft = connect();
        tcp.icmpv6Error(now, 1, 3, 0, quoteLast());
        assertNull(soft.termination());
        assertEquals(0x103, soft.icmpError());
        TcpConnection hard = connect();
        tcp.icmpv6Error(now, 1, 4, 0, quoteLast());
        assertEquals(Termination.UNREACHABLE, hard.termination());
        assertEquals(2, tcp.stats().icmpErrors());
        assertEquals(1, tcp.stats().failedAttempts());
    }

    @Test
    void packetTooBig_shrinksTheMss_andTheIpv6PathMtuBoundsNewConnections() throws NetException {
        TcpConnection c = connect();
        assertEquals(1440, c.mss, "link MTU 1500 less 60");
        tcp.icmpv6Error(now, 2, 0, 1280, quoteLast());
        assertEquals(1220, c.mss);
        // the IPv6 layer learns 1280 towards PEER from a Packet Too Big quoting a 1440-octet packet of ours
        byte[] big = V6.packet(US, PEER, Ipv6Packet.NEXT_HEADER_TCP, List.of(), new byte[1400]);
        Icmpv6Repr ptb = new Icmpv6Repr.PacketTooBig(1280, Octets.of(big, 0, 1232));
        Ipv6Repr h = Ipv6Repr.of(PEER, US, Ipv6Packet.NEXT_HEADER_ICMPV6, 64, ptb.bufferLen());
        ByteBuffer b = ByteBuffer.allocate(h.totalLength());
        h.emit(b, 0);
        ptb.emit(b, h.bufferLen(), PEER, US);
        Ipv6Packet p = ip6.receive(now, b, 0, b.limit());
        ip6.icmp(now, p);
        assertEquals(1280, ip6.pathMtu(now, PEER));
        assertEquals(1220, connect().mss, "a new connection starts with the path MTU less 60");
    }
}
