package mirage.net.internal.engine.icmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.Host;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.wire.Icmpv4Packet;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv4Packet;
import org.junit.jupiter.api.Test;

/** Scripted tests, named state-then-event. */
class Icmpv4EngineTest {
    static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.3");
    static final long MS = 1_000_000L;

    final Host host = new Host("10.0.0.2/24", 1500);

    void receive(long now, byte[] datagram) {
        host.receive(now, ByteBuffer.wrap(datagram), 0, datagram.length);
    }

    static Icmpv4Packet icmp(byte[] datagram) {
        Ipv4Packet p = Packets.view(datagram);
        Icmpv4Packet m = new Icmpv4Packet();
        assertTrue(m.check(p.buffer(), p.payloadOffset(), p.payloadLength()));
        return m;
    }

    @Test
    void idle_echoRequest_repliesWithSameIdentifierSequenceData() {
        byte[] data = Packets.bytes(56, 9);
        receive(0, Packets.ipv4(PEER, US, 1, 1, 0, 64, Packets.icmpEcho(8, 0x1234, 7, data)));
        var sent = host.link.drain();
        assertEquals(1, sent.size());
        Ipv4Packet p = Packets.view(sent.get(0).bytes());
        assertEquals(US.bits(), p.source());
        assertEquals(PEER.bits(), p.destination());
        Icmpv4Packet m = icmp(sent.get(0).bytes());
        assertEquals(Icmpv4Packet.TYPE_ECHO_REPLY, m.type());
        assertEquals(0x1234, m.identifier());
        assertEquals(7, m.sequence());
        assertTrue(m.checksumVerifies());
        byte[] echoed = new byte[m.dataLength()];
        m.buffer().get(m.dataOffset(), echoed);
        assertArrayEquals(data, echoed);
        assertEquals(1, host.icmp.stats().echoRepliesSent());
    }

    @Test
    void idle_broadcastEchoRequest_ignored() {
        receive(0, Packets.ipv4(PEER, Ipv4Address.BROADCAST, 1, 1, 0, 64, Packets.icmpEcho(8, 1, 1, new byte[8])));
        assertTrue(host.link.sent.isEmpty());
        assertEquals(1, host.icmp.stats().echoRequestsReceived());
    }

    @Test
    void idle_badChecksum_droppedAsMalformed() {
        byte[] m = Packets.icmpEcho(8, 1, 1, new byte[8]);
        m[2] ^= 0x40;
        receive(0, Packets.ipv4(PEER, US, 1, 1, 0, 64, m));
        assertTrue(host.link.sent.isEmpty());
        assertEquals(1, host.icmp.stats().malformed());
    }

    @Test
    void idle_udpToClosedPort_portUnreachableQuotesHeaderAnd8Bytes() {
        byte[] udp = Packets.udp(PEER, US, 5000, 9, Packets.bytes(40, 1), true);
        byte[] offending = Packets.ipv4(PEER, US, 17, 99, 0, 64, udp);
        receive(0, offending);
        var sent = host.link.drain();
        assertEquals(1, sent.size());
        Icmpv4Packet m = icmp(sent.get(0).bytes());
        assertEquals(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, m.type());
        assertEquals(Icmpv4Engine.PORT_UNREACHABLE, m.code());
        assertTrue(m.checksumVerifies());
        byte[] quoted = new byte[m.dataLength()];
        m.buffer().get(m.dataOffset(), quoted);
        assertArrayEquals(Arrays.copyOf(offending, 28), quoted);
        assertEquals(1, host.udp.stats().noPort());
        assertEquals(1, host.icmp.stats().unreachableSent());
    }

    @Test
    void idle_unknownProtocol_protocolUnreachable() {
        byte[] offending = Packets.ipv4(PEER, US, 200, 5, 0, 64, Packets.bytes(30, 2));
        receive(0, offending);
        var sent = host.link.drain();
        assertEquals(1, sent.size());
        Icmpv4Packet m = icmp(sent.get(0).bytes());
        assertEquals(Icmpv4Packet.TYPE_DESTINATION_UNREACHABLE, m.type());
        assertEquals(Icmpv4Engine.PROTOCOL_UNREACHABLE, m.code());
        byte[] quoted = new byte[m.dataLength()];
        m.buffer().get(m.dataOffset(), quoted);
        assertArrayEquals(Arrays.copyOf(offending, 28), quoted);
        assertEquals(1, host.ip.stats().unknownProtocol());
    }

    @Test
    void idle_udpBroadcastToClosedPort_noUnreachable() {
        receive(0, Packets.ipv4(PEER, Ipv4Address.BROADCAST, 17, 1, 0, 64,
                Packets.udp(PEER, Ipv4Address.BROADCAST, 68, 67, new byte[4], true)));
        assertTrue(host.link.sent.isEmpty());
        assertEquals(1, host.udp.stats().noPort());
    }

    @Test
    void emptyBucket_unreachables_rateLimitedThenRefilled() {
        byte[] d = Packets.ipv4(PEER, US, 17, 1, 0, 64, Packets.udp(PEER, US, 5000, 9, new byte[4], true));
        for (int i = 0; i < 50; i++) {
            receive(0, d);
        }
        // Default bucket: bursts of 10, then one per 10 ms.
        assertEquals(10, host.link.drain().size());
        assertEquals(40, host.icmp.stats().rateLimited());
        receive(5 * MS, d);
        assertEquals(0, host.link.drain().size());
        receive(10 * MS, d);
        assertEquals(1, host.link.drain().size());
        receive(10_000 * MS, d);
        assertEquals(1, host.link.drain().size());
    }

    @Test
    void pingSent_matchingReply_reported() {
        List<String> replies = new ArrayList<>();
        host.icmp.listen((now, src, id, seq, data, rtt) -> replies.add(src + " " + id + " " + seq + " " + data.remaining() + " " + rtt));
        assertEquals(mirage.net.internal.engine.ipv4.Ipv4Engine.Outcome.SENT,
                host.icmp.ping(100, PEER, 5, 6, ByteBuffer.wrap(Packets.bytes(32, 0))));
        byte[] request = host.link.drain().get(0).bytes();
        Icmpv4Packet m = icmp(request);
        assertEquals(Icmpv4Packet.TYPE_ECHO_REQUEST, m.type());
        assertTrue(m.checksumVerifies());
        // Wrong sequence, wrong source, then the right one.
        receive(200, Packets.ipv4(PEER, US, 1, 2, 0, 64, Packets.icmpEcho(0, 5, 7, Packets.bytes(32, 0))));
        receive(200, Packets.ipv4(Ipv4Address.parse("10.0.0.4"), US, 1, 2, 0, 64, Packets.icmpEcho(0, 5, 6, Packets.bytes(32, 0))));
        receive(300, Packets.ipv4(PEER, US, 1, 2, 0, 64, Packets.icmpEcho(0, 5, 6, Packets.bytes(32, 0))));
        assertEquals(List.of("10.0.0.3 5 6 32 200"), replies);
        assertEquals(2, host.icmp.unmatchedReplies());
        receive(400, Packets.ipv4(PEER, US, 1, 2, 0, 64, Packets.icmpEcho(0, 5, 6, Packets.bytes(32, 0))));
        assertEquals(1, replies.size());
    }

    @Test
    void pingSent_timeout_forgets() {
        host.icmp.ping(0, PEER, 5, 6, ByteBuffer.allocate(0));
        assertEquals(Icmpv4Engine.PING_TIMEOUT_NANOS, host.icmp.poll(1));
        assertEquals(Long.MAX_VALUE, host.icmp.poll(Icmpv4Engine.PING_TIMEOUT_NANOS));
        receive(Icmpv4Engine.PING_TIMEOUT_NANOS + 1, Packets.ipv4(PEER, US, 1, 2, 0, 64, Packets.icmpEcho(0, 5, 6, new byte[0])));
        assertEquals(1, host.icmp.unmatchedReplies());
    }

    @Test
    void checksum_ofReply_isComplementOfSum() {
        receive(0, Packets.ipv4(PEER, US, 1, 1, 0, 64, Packets.icmpEcho(8, 1, 2, Packets.bytes(33, 3))));
        Ipv4Packet p = Packets.view(host.link.drain().get(0).bytes());
        assertEquals(0, InternetChecksum.of(p.buffer(), p.payloadOffset(), p.payloadLength()));
    }

    /** An ICMP error of {@code type}/{@code code} from {@code from} quoting the first {@code quotedLength} bytes of {@code offending}. */
    static byte[] error(Ipv4Address from, int type, int code, int mtu, byte[] offending, int quotedLength) {
        ByteBuffer m = ByteBuffer.allocate(8 + quotedLength);
        m.put(0, (byte) type).put(1, (byte) code).putShort(6, (short) mtu).put(8, offending, 0, quotedLength);
        m.putShort(2, (short) InternetChecksum.of(m, 0, m.capacity()));
        return Packets.ipv4(from, US, Ipv4Packet.PROTOCOL_ICMP, 5, 0, 64, m.array());
    }

    @Test
    void receive_errorsQuotingOurDatagrams_passedOn_othersNot() {
        List<String> got = new ArrayList<>();
        host.icmp.onError((now, type, code, mtu, quoted) -> got.add(type + "/" + code + " mtu " + mtu + " proto " + quoted.protocol()
                + " from " + new Ipv4Address(quoted.source()) + " quoting " + quoted.payloadLength()));
        Ipv4Address router = Ipv4Address.parse("10.0.0.1");
        byte[] ours = Packets.ipv4(US, Ipv4Address.parse("192.0.2.7"), Ipv4Packet.PROTOCOL_TCP, 1, 0, 64, Packets.bytes(20, 3));
        receive(0, error(router, 3, 3, 0, ours, 28));
        receive(0, error(router, 3, 4, 1400, ours, 28));
        receive(0, error(router, 11, 0, 0, ours, 40)); // more than 8 octets quoted, as RFC 1812 routers do
        receive(0, error(router, 12, 0, 0, ours, 28));
        assertEquals(List.of("3/3 mtu 0 proto 6 from 10.0.0.2 quoting 8", "3/4 mtu 1400 proto 6 from 10.0.0.2 quoting 8",
                "11/0 mtu 0 proto 6 from 10.0.0.2 quoting 20", "12/0 mtu 0 proto 6 from 10.0.0.2 quoting 8"), got);
        got.clear();
        byte[] theirs = Packets.ipv4(PEER, Ipv4Address.parse("192.0.2.7"), Ipv4Packet.PROTOCOL_TCP, 1, 0, 64, Packets.bytes(20, 3));
        receive(0, error(router, 3, 3, 0, theirs, 28)); // not a datagram of ours
        receive(0, error(router, 3, 3, 0, ours, 27)); // 7 octets of its payload: no ports and sequence
        receive(0, error(router, 3, 3, 0, ours, 12)); // not even its whole header
        byte[] fragment = Packets.ipv4(US, Ipv4Address.parse("192.0.2.7"), Ipv4Packet.PROTOCOL_TCP, 1, 185, 64, Packets.bytes(20, 3));
        receive(0, error(router, 3, 3, 0, fragment, 28)); // a later fragment: what it quotes is not a header
        assertEquals(List.of(), got);
        assertEquals(8, host.icmp.errorsReceived());
        assertEquals(4, host.icmp.errorsDelivered());
    }
}
