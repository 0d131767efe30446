package mirage.net.internal.engine.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.engine.Host;
import mirage.net.internal.engine.Packets;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.wire.Ipv4Packet;
import mirage.net.internal.wire.UdpPacket;
import org.junit.jupiter.api.Test;

/** Scripted tests, named state-then-event. */
class UdpEngineTest {
    static final Ipv4Address US = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address PEER = Ipv4Address.parse("10.0.0.3");

    final Host host = new Host("10.0.0.2/24", 1500);
    final List<byte[]> received = new ArrayList<>();

    void receive(byte[] datagram) {
        host.receive(0, ByteBuffer.wrap(datagram), 0, datagram.length);
    }

    void listen(int port) {
        assertTrue(host.udp.listen(port, (now, src, sp, dst, payload) -> {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            received.add(b);
        }));
    }

    @Test
    void listening_validDatagram_delivered() {
        listen(7);
        receive(Packets.ipv4(PEER, US, 17, 1, 0, 64, Packets.udp(PEER, US, 5000, 7, Packets.bytes(20, 1), true)));
        assertEquals(1, received.size());
        assertArrayEquals(Packets.bytes(20, 1), received.get(0));
        assertEquals(1, host.udp.stats().datagramsReceived());
    }

    @Test
    void listening_zeroChecksum_acceptedAsNoChecksum() {
        listen(7);
        receive(Packets.ipv4(PEER, US, 17, 1, 0, 64, Packets.udp(PEER, US, 5000, 7, Packets.bytes(20, 1), false)));
        assertEquals(1, received.size());
    }

    @Test
    void listening_badChecksum_droppedAndCounted() {
        listen(7);
        byte[] u = Packets.udp(PEER, US, 5000, 7, Packets.bytes(20, 1), true);
        u[10] ^= 1;
        receive(Packets.ipv4(PEER, US, 17, 1, 0, 64, u));
        assertTrue(received.isEmpty());
        assertEquals(1, host.udp.stats().checksumErrors());
        assertTrue(host.link.sent.isEmpty());
    }

    @Test
    void listening_badLength_droppedAsMalformed() {
        listen(7);
        byte[] u = Packets.udp(PEER, US, 5000, 7, Packets.bytes(20, 1), false);
        u[5] = 100;
        receive(Packets.ipv4(PEER, US, 17, 1, 0, 64, u));
        assertEquals(1, host.udp.stats().malformed());
    }

    @Test
    void listening_listenAgain_refused_unlisten_frees() {
        listen(7);
        assertFalse(host.udp.listen(7, (now, s, sp, d, p) -> { }));
        host.udp.unlisten(7);
        listen(7);
    }

    @Test
    void listening_receiverThrows_counted() {
        host.udp.listen(7, (now, s, sp, d, p) -> { throw new IllegalStateException("boom"); });
        receive(Packets.ipv4(PEER, US, 17, 1, 0, 64, Packets.udp(PEER, US, 5000, 7, new byte[1], true)));
        assertEquals(1, host.udp.stats().receiverFailures());
    }

    @Test
    void idle_send_checksumOverPseudoHeaderVerifies() {
        for (int n : new int[] {0, 1, 64, 1472, 3000}) {
            assertEquals(Ipv4Engine.Outcome.SENT, host.udp.send(0, 4000, PEER, 53, ByteBuffer.wrap(Packets.bytes(n, n))));
        }
        for (var s : host.link.drain()) {
            Ipv4Packet p = Packets.view(s.bytes());
            if (p.fragmentOffset() != 0) {
                continue;
            }
            UdpPacket u = new UdpPacket();
            if (p.moreFragments()) {
                continue;
            }
            assertTrue(u.check(p.buffer(), p.payloadOffset(), p.payloadLength()));
            assertTrue(u.checksum() != 0);
            assertTrue(u.checksumVerifies(p.source(), p.destination()));
            assertEquals(4000, u.sourcePort());
            assertEquals(53, u.destinationPort());
        }
    }

    @Test
    void idle_sendComputedZeroChecksum_sentAsAllOnes() {
        // Find a payload whose checksum computes to zero: vary two bytes until it does.
        byte[] data = new byte[2];
        for (int v = 0; v < 0x10000; v++) {
            data[0] = (byte) (v >>> 8);
            data[1] = (byte) v;
            byte[] u = Packets.udp(US, PEER, 4000, 53, data, false);
            long sum = mirage.net.internal.wire.InternetChecksum.pseudoHeader(US.bits(), PEER.bits(), 17, u.length);
            if (mirage.net.internal.wire.InternetChecksum.finish(
                    mirage.net.internal.wire.InternetChecksum.add(sum, ByteBuffer.wrap(u), 0, u.length)) == 0) {
                break;
            }
        }
        host.udp.send(0, 4000, PEER, 53, ByteBuffer.wrap(data));
        Ipv4Packet p = Packets.view(host.link.drain().get(0).bytes());
        assertEquals(0xffff, p.buffer().getShort(p.payloadOffset() + UdpPacket.CHECKSUM) & 0xffff);
    }

    @Test
    void idle_sendFromPortZero_usesEphemeralPort() {
        host.udp.send(0, 0, PEER, 53, ByteBuffer.allocate(4));
        Ipv4Packet p = Packets.view(host.link.drain().get(0).bytes());
        int port = p.buffer().getShort(p.payloadOffset()) & 0xffff;
        assertTrue(port >= UdpEngine.EPHEMERAL_FIRST, "port " + port);
        int e = host.udp.listenEphemeral((now, s, sp, d, b) -> { });
        assertTrue(e >= UdpEngine.EPHEMERAL_FIRST);
        assertFalse(host.udp.listen(e, (now, s, sp, d, b) -> { }));
    }

    @Test
    void idle_sendTooLong_refused() {
        assertEquals(Ipv4Engine.Outcome.MESSAGE_TOO_LONG, host.udp.send(0, 1, PEER, 2, ByteBuffer.allocate(65_508)));
    }
}
