package mirage.net.internal.pcap;

import static mirage.net.internal.pcap.Frames.BROADCAST;
import static mirage.net.internal.pcap.Frames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.MacAddress;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.engine.dhcp.DhcpClient;
import mirage.net.internal.engine.dhcp.DhcpClientConfig;
import mirage.net.internal.engine.dhcp.Lease;
import mirage.net.internal.pcap.PcapWriter.Flush;
import org.junit.jupiter.api.Test;

/**
 * Wireshark's DHCP dissector, through tshark, reads every message the DHCP client sends in one
 * lease's life (DISCOVER, REQUEST when selecting, renewing and rebinding, DECLINE, then a new
 * lease and a RELEASE), in UDP/IPv4/Ethernet laid out as the binding will (source 0.0.0.0 before
 * a lease, the leased address while one is held): no malformed packet, no expert warning.
 */
class DhcpClientTsharkTest {
    private static final long SECOND = 1_000_000_000L;
    private static final MacAddress CLIENT_MAC = MacAddress.parse("02:00:00:00:00:02");
    private static final byte[] SERVER_MAC = mac("020000000001");
    private static final Ipv4Address SERVER = Ipv4Address.parse("10.77.0.1");
    private static final Ipv4Address LEASED = Ipv4Address.parse("10.77.0.64");

    /** The binding's part, much simplified: frames out, the lease remembered for the source address. */
    private static final class Capture implements DhcpClient.Sink {
        final List<byte[]> frames = new ArrayList<>();
        DhcpMessage last;
        Lease lease;

        @Override
        public void send(long now, Ipv4Address destination, ByteBuffer message) {
            byte[] payload = new byte[message.remaining()];
            message.get(message.position(), payload);
            last = DhcpMessage.parse(payload).orThrow();
            int source = lease == null ? 0 : lease.address().address().bits();
            byte[] udp = Frames.udp(source, destination.bits(), 68, 67, payload);
            byte[] ip = Frames.ipv4(source, destination.bits(), Frames.PROTO_UDP, frames.size(), 64, udp);
            frames.add(Frames.ipv4Frame(destination.isBroadcast() ? BROADCAST : SERVER_MAC, CLIENT_MAC.toBytes(), ip));
        }

        @Override
        public void bound(long now, Lease l) {
            lease = l;
        }

        @Override
        public void lost(long now, Lease l, DhcpClient.Loss reason) {
            lease = null;
        }

        /** The server's reply of {@code type} to the last message, as a frame too; returned as payload. */
        ByteBuffer reply(MessageType type) {
            DhcpOptions.Builder o = DhcpOptions.builder().messageType(type).serverIdentifier(SERVER);
            if (type != MessageType.NAK) {
                o.leaseTime(3600).renewalTime(1800).rebindingTime(3150).subnetMask(Ipv4Address.parse("255.255.255.0"))
                        .routers(List.of(SERVER)).domainNameServers(List.of(SERVER));
            }
            DhcpMessage m = new DhcpMessage(DhcpMessage.Op.BOOTREPLY, 1, 0, last.xid(), 0, last.flags(), last.ciaddr(),
                    LEASED, Ipv4Address.UNSPECIFIED, Ipv4Address.UNSPECIFIED, last.chaddr(), "", "", o.build());
            byte[] payload = m.toBytes();
            int destination = last.broadcast() ? -1 : LEASED.bits();
            byte[] udp = Frames.udp(SERVER.bits(), destination, 67, 68, payload);
            byte[] ip = Frames.ipv4(SERVER.bits(), destination, Frames.PROTO_UDP, 100 + frames.size(), 64, udp);
            frames.add(Frames.ipv4Frame(last.broadcast() ? BROADCAST : CLIENT_MAC.toBytes(), SERVER_MAC, ip));
            return ByteBuffer.wrap(payload);
        }
    }

    @Test
    void tshark_decodesEveryClientMessage() throws Exception {
        Tshark.require();
        Capture c = new Capture();
        DhcpClient client = new DhcpClient(CLIENT_MAC, DhcpClientConfig.builder().hostName("echo").build(),
                Rng.seeded(1), c);
        client.start(0);
        client.receive(0, c.reply(MessageType.OFFER));
        client.receive(0, c.reply(MessageType.ACK));
        client.poll(1800 * SECOND); // renewing: unicast
        client.receive(1800 * SECOND, c.reply(MessageType.ACK));
        client.poll(4950 * SECOND); // past T2 of the renewed lease: rebinding, broadcast
        client.receive(4950 * SECOND, c.reply(MessageType.ACK));
        client.decline(4951 * SECOND);
        client.poll(4961 * SECOND);
        client.receive(4961 * SECOND, c.reply(MessageType.OFFER));
        client.receive(4961 * SECOND, c.reply(MessageType.ACK));
        client.release(5000 * SECOND);

        Path dir = Files.createDirectories(Path.of(System.getProperty("mirage.module.dir", "."), "target", "pcap-tests"));
        Path file = dir.resolve("dhcp-client.pcap");
        try (PcapWriter w = PcapWriter.create(file, PcapWriter.DEFAULT_SNAPLEN, Flush.EVERY_RECORD)) {
            for (int i = 0; i < c.frames.size(); i++) {
                w.write(1_700_000_000L * SECOND + i * SECOND, c.frames.get(i));
            }
        }
        String verbose = Tshark.read(file, "-V");
        assertFalse(verbose.contains("Malformed"), verbose);
        assertFalse(verbose.contains("Expert Info (Error"), verbose);
        assertFalse(verbose.contains("Expert Info (Warning"), verbose);
        assertFalse(verbose.toLowerCase().contains("bad checksum") || verbose.contains("[incorrect"), verbose);
        // Source, destination, type (53), requested address (50), server identifier (54), ciaddr.
        assertEquals("""
                0.0.0.0\t255.255.255.255\t1\t\t\t0.0.0.0
                10.77.0.1\t255.255.255.255\t2\t\t10.77.0.1\t0.0.0.0
                0.0.0.0\t255.255.255.255\t3\t10.77.0.64\t10.77.0.1\t0.0.0.0
                10.77.0.1\t255.255.255.255\t5\t\t10.77.0.1\t0.0.0.0
                10.77.0.64\t10.77.0.1\t3\t\t\t10.77.0.64
                10.77.0.1\t10.77.0.64\t5\t\t10.77.0.1\t10.77.0.64
                10.77.0.64\t255.255.255.255\t3\t\t\t10.77.0.64
                10.77.0.1\t10.77.0.64\t5\t\t10.77.0.1\t10.77.0.64
                0.0.0.0\t255.255.255.255\t4\t10.77.0.64\t10.77.0.1\t0.0.0.0
                0.0.0.0\t255.255.255.255\t1\t\t\t0.0.0.0
                10.77.0.1\t255.255.255.255\t2\t\t10.77.0.1\t0.0.0.0
                0.0.0.0\t255.255.255.255\t3\t10.77.0.64\t10.77.0.1\t0.0.0.0
                10.77.0.1\t255.255.255.255\t5\t\t10.77.0.1\t0.0.0.0
                10.77.0.64\t10.77.0.1\t7\t\t10.77.0.1\t10.77.0.64
                """,
                Tshark.read(file, "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "dhcp.option.dhcp",
                        "-e", "dhcp.option.requested_ip_address", "-e", "dhcp.option.dhcp_server_id",
                        "-e", "dhcp.ip.client"));
    }
}
