package mirage.net.internal.engine.ipv6;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.Ipv6Address;
import mirage.net.Ipv6Cidr;
import mirage.net.MacAddress;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Link;
import mirage.net.internal.engine.ndp.NdpConfig;
import mirage.net.internal.engine.tcp.TcpConfig;
import mirage.net.internal.engine.tcp.TcpEngine;
import mirage.net.internal.engine.udp.UdpEngine;
import mirage.net.internal.wire.InternetChecksum;
import mirage.net.internal.wire.Ipv6HeaderChain;
import mirage.net.internal.wire.Ipv6Packet;

/**
 * Arbitrary bytes into the IPv6 receive path of a host as the direct stack binds it (the IPv6
 * engine, its ICMPv6 and Neighbor Discovery, UDP with an echo listener, TCP with a listener):
 * nothing may throw, every packet is counted, and the neighbour cache stays within its capacity.
 */
class Ipv6ReceiveFuzzTest {
    static final Ipv6Address OURS = Ipv6Address.parse("2001:db8::2");
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:02");

    @FuzzTest(maxDuration = "10s")
    void ipv6Receive(FuzzedDataProvider data) throws Exception {
        Ipv6Link link = new Ipv6Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public MacAddress mac() {
                return MAC;
            }

            @Override
            public void transmit(MacAddress destination, byte[] packet, int offset, int length) {
                Ipv6Packet p = new Ipv6Packet();
                assertTrue(p.check(ByteBuffer.wrap(packet, offset, length), offset, length), "we send well-formed packets");
            }
        };
        NdpConfig d = NdpConfig.defaults();
        NdpConfig ndp = new NdpConfig(d.maxMulticastSolicit(), d.maxUnicastSolicit(), d.delayFirstProbeNanos(),
                d.baseReachableTimeNanos(), d.retransTimerNanos(), 16, 2, 1500);
        Ipv6Engine ip6 = new Ipv6Engine(new Ipv6Config(List.of(Ipv6Config.linkLocal(MAC), Ipv6Cidr.of(OURS, 64)),
                Optional.of(Ipv6Address.parse("fe80::1")), ndp), link, Rng.seeded(1), 0);
        ip6.start(0);
        Ipv4Engine ip4 = new Ipv4Engine(Ipv4Config.of(List.of(Ipv4Cidr.parse("10.0.0.2/24")), List.of()), new Ipv4Link() {
            @Override
            public int mtu() {
                return 1500;
            }

            @Override
            public void transmit(long now, Ipv4Address nextHop, ByteBuffer packet) {
            }
        }, Rng.seeded(2));
        UdpEngine udp = new UdpEngine(ip4, ip6, Rng.seeded(3));
        udp.listen(7, (now, s, sp, dst, p) -> udp.send(now, 7, s, sp, p));
        TcpEngine tcp = new TcpEngine(ip4, ip6, TcpConfig.DEFAULT, Rng.seeded(4));
        tcp.listen(80, 4);
        long now = 0;
        int count = 0;
        while (data.remainingBytes() > 0) {
            now += data.consumeInt(0, 1 << 30);
            int fix = data.consumeInt(0, 3);
            byte[] packet = data.consumeBytes(data.consumeInt(0, 1600));
            if (fix > 0) {
                fixUp(packet, fix);
            }
            ByteBuffer b = ByteBuffer.wrap(packet);
            Ipv6Packet p = ip6.receive(now, b, 0, packet.length);
            if (p != null) {
                Ipv6HeaderChain c = ip6.chain();
                switch (c.upperLayerProtocol()) {
                    case 58 -> ip6.icmp(now, p);
                    case 17 -> {
                        if (udp.receive(now, p, c.upperLayerOffset(), c.upperLayerLength()) == UdpEngine.Delivery.NO_LISTENER) {
                            ip6.portUnreachable(now, p);
                        }
                    }
                    case 6 -> tcp.receive(now, p, c.upperLayerOffset(), c.upperLayerLength());
                    default -> ip6.unknownNextHeader(now, p);
                }
            }
            ip6.poll(now);
            tcp.poll(now);
            count++;
        }
        assertEquals(count, ip6.stats().packetsReceived());
        assertTrue(ip6.neighbors().size() <= 16);
    }

    /**
     * Gets a packet past the cheap checks: version 6, the payload length the bytes have, to us
     * (unicast, all-nodes or our solicited-node group by {@code how}), hop limit 255 for Neighbor
     * Discovery, and the upper-layer checksum right when no extension header comes first.
     */
    static void fixUp(byte[] packet, int how) {
        if (packet.length < Ipv6Packet.HEADER_LENGTH) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(packet);
        b.put(0, (byte) (0x60 | packet[0] & 0x0f));
        int n = packet.length - Ipv6Packet.HEADER_LENGTH;
        b.putShort(Ipv6Packet.PAYLOAD_LENGTH, (short) n);
        b.put(Ipv6Packet.HOP_LIMIT, (byte) 255);
        Ipv6Address to = switch (how) {
            case 1 -> OURS;
            case 2 -> Ipv6Address.parse("ff02::1");
            default -> Ipv6Config.solicitedNode(OURS);
        };
        to.write(b, Ipv6Packet.DESTINATION);
        int next = packet[Ipv6Packet.NEXT_HEADER] & 0xff;
        int at = Ipv6Packet.HEADER_LENGTH;
        int field = switch (next) {
            case 58 -> n >= 4 ? at + 2 : -1;
            case 17 -> n >= 8 ? at + 6 : -1;
            case 6 -> n >= 20 ? at + 16 : -1;
            default -> -1;
        };
        if (field < 0) {
            return;
        }
        if (next == 17) {
            b.putShort(at + 4, (short) n);
        }
        b.putShort(field, (short) 0);
        long sum = InternetChecksum.ipv6PseudoHeader(b, Ipv6Packet.SOURCE, next, n);
        int c = InternetChecksum.finish(InternetChecksum.add(sum, b, at, n));
        b.putShort(field, (short) (next == 17 && c == 0 ? 0xffff : c));
    }
}
