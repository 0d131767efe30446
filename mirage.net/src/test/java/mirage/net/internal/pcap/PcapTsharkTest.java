package mirage.net.internal.pcap;

import static mirage.net.internal.pcap.Frames.BROADCAST;
import static mirage.net.internal.pcap.Frames.ip;
import static mirage.net.internal.pcap.Frames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mirage.net.Ipv4Address;
import mirage.net.internal.wire.dhcp.DhcpMessage;
import mirage.net.internal.wire.dhcp.DhcpMessage.Op;
import mirage.net.internal.wire.dhcp.DhcpOptions;
import mirage.net.internal.wire.dhcp.MessageType;
import mirage.net.internal.wire.Octets;
import mirage.net.internal.wire.dhcp.RawOption;
import mirage.net.internal.pcap.PcapWriter.Flush;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wireshark's dissectors, through tshark, read what {@link PcapWriter} wrote: frames built by
 * hand (ARP, ICMP echo, UDP) and DHCP messages from {@link DhcpMessage#emit} in hand-built
 * UDP/IPv4/Ethernet, with IPv4 and UDP checksum validation on. No malformed packet, no error.
 */
class PcapTsharkTest {
    static final byte[] SERVER_MAC = mac("020000000001");
    static final byte[] CLIENT_MAC = mac("020000000002");
    static final int SERVER = ip(10, 77, 0, 1);
    static final int CLIENT = ip(10, 77, 0, 64);
    static final long T0 = 1_700_000_000_123_456_789L;

    /** The captures stay in {@code target/pcap-tests} for a person to open in Wireshark. */
    static Path dir;

    @BeforeAll
    static void tshark() throws IOException {
        Tshark.require();
        dir = Files.createDirectories(Path.of(System.getProperty("mirage.module.dir", "."), "target", "pcap-tests"));
    }

    static byte[] dhcpFrame(boolean fromClient, DhcpMessage m) {
        byte[] udp = fromClient
                ? Frames.udp(0, -1, 68, 67, m.toBytes())
                : Frames.udp(SERVER, CLIENT, 67, 68, m.toBytes());
        byte[] ip = fromClient ? Frames.ipv4(0, -1, Frames.PROTO_UDP, 1, 64, udp) : Frames.ipv4(SERVER, CLIENT, Frames.PROTO_UDP, 2, 64, udp);
        return Frames.ipv4Frame(fromClient ? BROADCAST : CLIENT_MAC, fromClient ? CLIENT_MAC : SERVER_MAC, ip);
    }

    static DhcpMessage dhcp(Op op, int yiaddr, DhcpOptions options) {
        Ipv4Address none = Ipv4Address.UNSPECIFIED;
        return new DhcpMessage(op, 1, 0, 0x3903f326, 0, op == Op.BOOTREQUEST ? 0x8000 : 0, none, new Ipv4Address(yiaddr), none, none,
                Octets.of(CLIENT_MAC), "", "", options);
    }

    static List<byte[]> exchange() {
        List<Integer> asks = List.of(1, 3, 6, 12, 15, 28, 51, 58, 59);
        Ipv4Address server = new Ipv4Address(SERVER);
        DhcpOptions.Builder lease = DhcpOptions.builder().serverIdentifier(server).leaseTime(3600).renewalTime(1800)
                .rebindingTime(3150).subnetMask(Ipv4Address.of(255, 255, 255, 0)).broadcastAddress(Ipv4Address.of(10, 77, 0, 255))
                .routers(List.of(server)).domainNameServers(List.of(server, Ipv4Address.of(9, 9, 9, 9))).domainName("example.test");
        Octets clientId = Octets.ofHex("01020000000002");
        List<byte[]> frames = new ArrayList<>();
        frames.add(Frames.ethernet(BROADCAST, CLIENT_MAC, Frames.ETHERTYPE_ARP, Frames.arp(1, CLIENT_MAC, CLIENT, new byte[6], SERVER)));
        frames.add(Frames.ethernet(CLIENT_MAC, SERVER_MAC, Frames.ETHERTYPE_ARP, Frames.arp(2, SERVER_MAC, SERVER, CLIENT_MAC, CLIENT)));
        frames.add(dhcpFrame(true, dhcp(Op.BOOTREQUEST, 0, DhcpOptions.builder().messageType(MessageType.DISCOVER)
                .clientIdentifier(clientId).hostName("mirage").parameterRequestList(asks).maximumMessageSize(1500).build())));
        frames.add(dhcpFrame(false, dhcp(Op.BOOTREPLY, CLIENT, lease.messageType(MessageType.OFFER).build())));
        frames.add(dhcpFrame(true, dhcp(Op.BOOTREQUEST, 0, DhcpOptions.builder().messageType(MessageType.REQUEST)
                .clientIdentifier(clientId).requestedIpAddress(new Ipv4Address(CLIENT)).serverIdentifier(server).hostName("mirage")
                .parameterRequestList(asks).others(List.of(new RawOption(60, Octets.of("mirage-java".getBytes())))).build())));
        frames.add(dhcpFrame(false, dhcp(Op.BOOTREPLY, CLIENT, lease.messageType(MessageType.ACK).message("welcome").build())));
        byte[] ping = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes();
        frames.add(Frames.ipv4Frame(SERVER_MAC, CLIENT_MAC, Frames.ipv4(CLIENT, SERVER, Frames.PROTO_ICMP, 3, 64, Frames.icmpEcho(8, 0x1234, 1, ping))));
        frames.add(Frames.ipv4Frame(CLIENT_MAC, SERVER_MAC, Frames.ipv4(SERVER, CLIENT, Frames.PROTO_ICMP, 4, 64, Frames.icmpEcho(0, 0x1234, 1, ping))));
        frames.add(Frames.ipv4Frame(SERVER_MAC, CLIENT_MAC, Frames.ipv4(CLIENT, SERVER, Frames.PROTO_UDP, 5, 64,
                Frames.udp(CLIENT, SERVER, 40000, 7, "hello, echo".getBytes()))));
        return frames;
    }

    static Path write(String name, int snaplen, List<byte[]> frames) throws IOException {
        Path file = dir.resolve(name);
        try (PcapWriter w = PcapWriter.create(file, snaplen, Flush.EVERY_RECORD)) {
            for (int i = 0; i < frames.size(); i++) {
                w.write(T0 + i * 1_000_001L, frames.get(i));
            }
        }
        return file;
    }

    @Test
    void tshark_decodes_every_frame_without_complaint() throws Exception {
        Path file = write("exchange.pcap", PcapWriter.DEFAULT_SNAPLEN, exchange());
        String verbose = Tshark.read(file, "-V");
        assertFalse(verbose.contains("Malformed"), verbose);
        assertFalse(verbose.contains("Expert Info (Error"), verbose);
        assertFalse(verbose.contains("Expert Info (Warning"), verbose);
        assertFalse(verbose.toLowerCase().contains("bad checksum") || verbose.contains("[incorrect"), verbose);
        assertEquals("""
                arp\t\t
                arp\t\t
                dhcp\t1\t
                dhcp\t2\t
                dhcp\t3\t
                dhcp\t5\t
                icmp\t\t8
                icmp\t\t0
                echo\t\t
                """, Tshark.read(file, "-T", "fields", "-e", "_ws.col.Protocol", "-e", "dhcp.option.dhcp", "-e", "icmp.type")
                .toLowerCase());
        assertTrue(verbose.contains("Checksum Status: Good") || verbose.contains("[Checksum Status: Good]"), verbose);
    }

    @Test
    void tshark_shows_our_nanosecond_timestamps() throws Exception {
        Path file = write("times.pcap", PcapWriter.DEFAULT_SNAPLEN, exchange().subList(0, 3));
        assertEquals("1700000000.123456789\n1700000000.124456790\n1700000000.125456791\n",
                Tshark.read(file, "-T", "fields", "-e", "frame.time_epoch"));
    }

    @Test
    void tshark_sees_truncated_frames_with_their_original_length() throws Exception {
        List<byte[]> frames = exchange().subList(2, 4);
        Path file = write("short.pcap", 64, frames);
        assertEquals("64\t" + frames.get(0).length + "\n64\t" + frames.get(1).length + "\n",
                Tshark.read(file, "-T", "fields", "-e", "frame.cap_len", "-e", "frame.len"));
    }
}
