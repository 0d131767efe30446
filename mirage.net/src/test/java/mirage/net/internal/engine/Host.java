package mirage.net.internal.engine;

import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Cidr;
import mirage.net.internal.engine.icmp.Icmpv4Engine;
import mirage.net.internal.engine.ipv4.Ipv4Config;
import mirage.net.internal.engine.ipv4.Ipv4Engine;
import mirage.net.internal.engine.ipv4.Route;
import mirage.net.internal.engine.udp.UdpEngine;

/** One host's IPv4, ICMP and UDP engines over a {@link CapturingLink}. */
public final class Host {
    public final CapturingLink link;
    public final Ipv4Engine ip;
    public final Icmpv4Engine icmp;
    public final UdpEngine udp;

    public Host(Ipv4Config config, int mtu, long seed) {
        this.link = new CapturingLink(mtu);
        Rng rng = Rng.seeded(seed);
        this.ip = new Ipv4Engine(config, link, rng);
        this.icmp = new Icmpv4Engine(ip);
        this.udp = new UdpEngine(ip, icmp, rng);
    }

    public Host(String cidr, int mtu, Route... routes) {
        this(Ipv4Config.of(List.of(Ipv4Cidr.parse(cidr)), List.of(routes)), mtu, 1);
    }

    /** Passes everything this host sent to {@code peer}, until neither has anything to send. */
    public static void exchange(long now, Host a, Host b) {
        boolean moved = true;
        while (moved) {
            moved = false;
            for (CapturingLink.Sent s : a.link.drain()) {
                b.ip.receive(now, s.buffer(), 0, s.bytes().length);
                moved = true;
            }
            for (CapturingLink.Sent s : b.link.drain()) {
                a.ip.receive(now, s.buffer(), 0, s.bytes().length);
                moved = true;
            }
        }
    }
}
