package mirage.net.internal.engine.dhcp;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.wire.dhcp.RawOption;
import mirage.net.internal.wire.Octets;

/**
 * A scripted DHCP server: builds the DHCPOFFER, DHCPACK or DHCPNAK answering a client message
 * with the wire layer's {@link DhcpMessage} (not the client's code), from settings a test may
 * change. The defaults are dnsmasq's in the golden exchange: 10.77.0.64/24 from 10.77.0.1, one
 * hour, T1 30 minutes, T2 52.5 minutes.
 */
final class TestServer {
    static final Ipv4Address SERVER = Ipv4Address.parse("10.77.0.1");
    static final Ipv4Address OTHER_SERVER = Ipv4Address.parse("10.77.0.2");
    static final Ipv4Address LEASED = Ipv4Address.parse("10.77.0.64");
    static final Ipv4Address MASK = Ipv4Address.parse("255.255.255.0");
    static final Ipv4Address DNS = Ipv4Address.parse("10.77.0.53");

    Ipv4Address id = SERVER;
    Ipv4Address address = LEASED;
    /** Lease time, seconds; empty sends no option 51. */
    OptionalLong leaseTime = OptionalLong.of(3600);
    OptionalLong t1 = OptionalLong.of(1800);
    OptionalLong t2 = OptionalLong.of(3150);
    Ipv4Address mask = MASK;
    List<Ipv4Address> routers = List.of(SERVER);
    List<Ipv4Address> dns = List.of(DNS);
    String domain = "example.test";
    /** Option 26, sent when positive. */
    int mtu = 0;
    /** Whether replies carry option 54. */
    boolean sendServerId = true;

    DhcpMessage offer(DhcpMessage discover) {
        return reply(discover, address, leaseOptions(MessageType.OFFER));
    }

    DhcpMessage ack(DhcpMessage request) {
        return reply(request, address, leaseOptions(MessageType.ACK));
    }

    DhcpMessage nak(DhcpMessage request) {
        DhcpOptions.Builder o = DhcpOptions.builder().messageType(MessageType.NAK).message("wrong network");
        if (sendServerId) {
            o.serverIdentifier(id);
        }
        return reply(request, Ipv4Address.UNSPECIFIED, o.build());
    }

    /** A reply to {@code to} of type {@code type} carrying no option but 53 and 54. */
    DhcpMessage bare(DhcpMessage to, MessageType type) {
        return reply(to, address, DhcpOptions.builder().messageType(type).serverIdentifier(id).build());
    }

    DhcpOptions leaseOptions(MessageType type) {
        DhcpOptions.Builder o = DhcpOptions.builder().messageType(type).subnetMask(mask).routers(routers)
                .domainNameServers(dns).domainName(domain);
        if (sendServerId) {
            o.serverIdentifier(id);
        }
        leaseTime.ifPresent(o::leaseTime);
        t1.ifPresent(o::renewalTime);
        t2.ifPresent(o::rebindingTime);
        List<RawOption> raw = new ArrayList<>();
        if (mtu > 0) {
            raw.add(new RawOption(Lease.OPTION_INTERFACE_MTU, Octets.of((byte) (mtu >>> 8), (byte) mtu)));
        }
        return o.others(raw).build();
    }

    /** A BOOTREPLY to {@code to}: its xid, flags and chaddr, {@code yiaddr} and {@code options}. */
    static DhcpMessage reply(DhcpMessage to, Ipv4Address yiaddr, DhcpOptions options) {
        return new DhcpMessage(DhcpMessage.Op.BOOTREPLY, to.htype(), 0, to.xid(), 0, to.flags(),
                to.ciaddr(), yiaddr, Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, to.chaddr(), "", "", options);
    }
}
