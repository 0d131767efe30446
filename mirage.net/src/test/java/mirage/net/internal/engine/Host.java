package mirage.net.internal.engine;

import java.nio.ByteBuffer;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.icmp.Icmpv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Route;
import mirage.net.internal.engine.udp.UdpEngine;
import mirage.net.internal.wire.Ipv4Packet;

/**
 * One host's IPv4, ICMP and UDP engines over a {@link CapturingLink}, connected as the direct
 * stack's binding connects them: {@link #receive} hands each whole datagram to ICMP or UDP, and
 * answers a closed port or an unknown protocol with Destination Unreachable.
 */
public final class Host {
    /** A taker of the datagrams of protocols other than ICMP and UDP. */
    @FunctionalInterface
    public interface Transport {
        void receive(long now, Ipv4Packet datagram);
    }

    public final CapturingLink link;
    public final Ipv4Engine ip;
    public final Icmpv4Engine icmp;
    public final UdpEngine udp;
    /** Takes datagrams of other protocols; null: they are unknown (counted, Protocol Unreachable). */
    public Transport other;

    public Host(Ipv4Config config, int mtu, long seed) {
        this.link = new CapturingLink(mtu);
        Rng rng = Rng.seeded(seed);
        this.ip = new Ipv4Engine(config, link, rng);
        this.icmp = new Icmpv4Engine(ip);
        this.udp = new UdpEngine(ip, rng);
    }

    public Host(String cidr, int mtu, Route... routes) {
        this(Ipv4Config.of(List.of(Ipv4Cidr.parse(cidr)), List.of(routes)), mtu, 1);
    }

    /** One datagram from the link, {@code [offset, offset + length)} of {@code buffer}, up through the engines. */
    public void receive(long now, ByteBuffer buffer, int offset, int length) {
        Ipv4Packet datagram = ip.receive(now, buffer, offset, length);
        if (datagram == null) {
            return;
        }
        switch (datagram.protocol()) {
            case Ipv4Packet.PROTOCOL_ICMP -> icmp.receive(now, datagram);
            case Ipv4Packet.PROTOCOL_UDP -> {
                if (udp.receive(now, datagram) == UdpEngine.Delivery.NO_LISTENER) {
                    icmp.destinationUnreachable(now, datagram, Icmpv4Engine.PORT_UNREACHABLE);
                }
            }
            default -> {
                if (other != null) {
                    other.receive(now, datagram);
                } else {
                    ip.unknownProtocol();
                    icmp.destinationUnreachable(now, datagram, Icmpv4Engine.PROTOCOL_UNREACHABLE);
                }
            }
        }
    }

    /** Passes everything this host sent to {@code peer}, until neither has anything to send. */
    public static void exchange(long now, Host a, Host b) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (CapturingLink.Sent s : a.link.drain()) {
                b.receive(now, s.buffer(), 0, s.bytes().length);
                moved = true;
            }
            for (CapturingLink.Sent s : b.link.drain()) {
                a.receive(now, s.buffer(), 0, s.bytes().length);
                moved = true;
            }
        }
    }
}
