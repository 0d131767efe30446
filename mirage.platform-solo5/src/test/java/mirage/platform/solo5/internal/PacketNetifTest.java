package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import mirage.net.internal.wire.TcpSegmenter;
import mirage.platform.solo5.internal.net.PacketNetif;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A raw interface ({@code --net:NAME=if:IFACE}, AF_PACKET) against the Linux kernel: needs root
 * (skipped otherwise). Each test makes a veth pair, {@code mpk} and random hex in the root
 * namespace (no address: the root namespace's stack never sees our frames, which are not to its
 * MAC), its peer {@code mpp...} in a fresh namespace {@code mpkns...} with 10.77.0.1/24; binds
 * ours; deletes both afterwards. {@link KernelPeerTest}'s checks, then the raw binding's own:
 * the kernel's partial checksums completed, a super-frame received from the kernel cut into the
 * segments software segmentation makes, the unicast filter entry, an interface removed or taken
 * down under a bound device, and the refusals.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PacketNetifTest extends KernelPeerTest {
    static final Manifest NET = NetBindTest.NET;

    String suffix;
    String ifname;
    String peer;
    String ns;
    final List<String> links = new ArrayList<>();

    @BeforeAll
    static void needsRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "AF_PACKET tests need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")), "need iproute2");
    }

    @Override
    void attachLink() throws Exception {
        suffix = String.format("%08x", RANDOM.nextInt());
        ifname = "mpk" + suffix;
        peer = "mpp" + suffix;
        ns = "mpkns" + suffix;
        ip("netns", "add", ns);
        ip("link", "add", ifname, "type", "veth", "peer", "name", peer, "netns", ns);
        links.add(ifname);
        ip("-n", ns, "addr", "add", "10.77.0.1/24", "dev", peer);
        ip("-n", ns, "link", "set", peer, "up");
        withoutIpv6(ifname);
        ip("link", "set", ifname, "up");
        kernelIp = new byte[] {10, 77, 0, 1};
        ourIp = new byte[] {10, 77, 0, 2};
        platform = new Solo5Platform(NET);
        platform.bind(List.of("--net:service=if:" + ifname, "--net-mac:service=" + MAC));
        netif = (Netif) platform.device("service").orElseThrow();
    }

    /**
     * The root namespace's end of a veth is an interface of the host kernel too: with IPv6 on, the
     * kernel sends its own multicast listener reports and router solicitations out of it when it
     * comes up, and those frames would be counted with ours. A unikernel's interface carries no
     * address of the host's (decision 0032), so the tests switch the host's IPv6 off on it.
     */
    private static void withoutIpv6(String link) throws java.io.IOException {
        Path knob = Path.of("/proc/sys/net/ipv6/conf", link, "disable_ipv6");
        if (Files.exists(knob)) {
            Files.writeString(knob, "1");
        }
    }

    @AfterEach
    void detach() throws Exception {
        if (platform != null) {
            platform.close();
        }
        for (String link : links) {
            if (ip("link", "show").contains(link + "@")) {
                ip("link", "del", link);
            }
        }
        if (ns != null) {
            ip("netns", "del", ns);
        }
    }

    @Override
    String kernelLink() throws Exception {
        return ip("-n", ns, "link", "show", peer);
    }

    @Override
    long kernelRx(String counter) throws Exception {
        return Long.parseLong(ip("netns", "exec", ns, "cat", "/sys/class/net/" + peer + "/statistics/" + counter).strip());
    }

    @Test
    void theKernelsPartialChecksums_UdpAndTcp_areCompletedBeforeTheStackSeesThem() throws Exception {
        resolveKernel();
        // Linux leaves the checksum of its own UDP and TCP to a veth (CHECKSUM_PARTIAL): it arrives
        // as the pseudo-header sum with NEEDS_CSUM in the virtio header
        Process udp = new ProcessBuilder("ip", "netns", "exec", ns, "bash", "-c", "echo datagram > /dev/udp/10.77.0.2/7").start();
        Process tcp = new ProcessBuilder("ip", "netns", "exec", ns, "timeout", "5", "bash", "-c", "exec 3<>/dev/tcp/10.77.0.2/7")
                .start();
        try {
            byte[] datagram = await(f -> f.length >= 42 && type(f) == 0x0800 && f[23] == 17 && port(f, 36) == 7);
            byte[] syn = await(f -> f.length >= 54 && type(f) == 0x0800 && f[23] == 6 && port(f, 36) == 7 && (f[47] & 0x02) != 0);
            for (byte[] f : List.of(datagram, syn)) {
                assertEquals(0, checksum(f, 14, 34), "IPv4 header checksum");
                assertEquals(0, transportChecksum(f), "transport checksum of " + (f[23] == 6 ? "the SYN" : "the datagram"));
            }
            assertEquals("datagram\n", new String(datagram, 42, datagram.length - 42));
        } finally {
            udp.destroyForcibly();
            tcp.destroyForcibly();
        }
        assertEquals(0, netif.stats().rxErrors(), netif.stats().toString());
    }

    static int port(byte[] f, int at) {
        return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
    }

    /** The ones'-complement sum over the IPv4 pseudo-header and the datagram's payload: 0 when its checksum is right. */
    static int transportChecksum(byte[] f) {
        int ipHl = (f[14] & 0xf) * 4;
        int length = port(f, 16) - ipHl;
        byte[] pseudo = new byte[12 + length];
        System.arraycopy(f, 26, pseudo, 0, 8);
        pseudo[9] = f[23];
        pseudo[10] = (byte) (length >> 8);
        pseudo[11] = (byte) length;
        System.arraycopy(f, 14 + ipHl, pseudo, 12, length);
        return checksum(pseudo, 0, pseudo.length);
    }

    /**
     * Both ends of a second veth pair bound, in the root namespace: a TCP super-frame sent through
     * one end's segmentation offload crosses the veth whole (its receiving end counts one packet)
     * and comes out of the other end's receive path as the MTU-sized segments that software
     * segmentation ({@code mirage.net}'s {@link TcpSegmenter}) makes of it, byte for byte.
     */
    @Test
    void aSuperFrameFromTheKernel_isCutIntoTheSegmentsSoftwareSegmentationMakes() throws Exception {
        String a = "mpa" + suffix;
        String b = "mpb" + suffix;
        ip("link", "add", a, "type", "veth", "peer", "name", b);
        links.add(a);
        withoutIpv6(a);
        withoutIpv6(b);
        ip("link", "set", a, "up");
        ip("link", "set", b, "up");
        MacAddress macA = MacAddress.parse("02:6d:69:72:00:0a");
        MacAddress macB = MacAddress.parse("02:6d:69:72:00:0b");
        Manifest two = new Manifest(List.of(new Manifest.Entry("a", DeviceKind.NET_BASIC), new Manifest.Entry("b", DeviceKind.NET_BASIC)));
        try (Solo5Platform pair = new Solo5Platform(two)) {
            pair.bind(List.of("--net:a=if:" + a, "--net-mac:a=" + macA, "--net:b=if:" + b, "--net-mac:b=" + macB));
            Netif sender = (Netif) pair.device("a").orElseThrow();
            Netif receiver = (Netif) pair.device("b").orElseThrow();
            List<byte[]> segments = new ArrayList<>();
            receiver.listen(f -> {
                byte[] copy = new byte[f.remaining()];
                f.get(f.position(), copy);
                if (type(copy) == 0x0800) {
                    segments.add(copy);
                }
            });
            byte[] superFrame = tcpFrame(macB, macA, 10_000);
            long before = Long.parseLong(Files.readString(Path.of("/sys/class/net/" + b + "/statistics/rx_packets")).strip());
            sender.tcpSegmentation().orElseThrow().send(ByteBuffer.wrap(superFrame), 1448);
            List<byte[]> expected = new ArrayList<>();
            new TcpSegmenter(TcpSegmenter.ETHERNET, 1514).segment(ByteBuffer.wrap(superFrame), 1448, s -> {
                byte[] copy = new byte[s.remaining()];
                s.get(s.position(), copy);
                expected.add(copy);
            });
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (segments.size() < expected.size() && System.nanoTime() < limit) {
                pair.yield(pair.monotonicNanos() + 50_000_000L);
            }
            assertEquals(expected.size(), segments.size(), "segments");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), segments.get(i), "segment " + i);
            }
            long after = Long.parseLong(Files.readString(Path.of("/sys/class/net/" + b + "/statistics/rx_packets")).strip());
            assertTrue(after - before >= 1 && after - before < expected.size(), "the veth carried the super-frame whole: "
                    + (after - before) + " packets");
            assertEquals(0, receiver.stats().rxErrors(), receiver.stats().toString());
            assertEquals(0, sender.stats().txErrors() + sender.stats().txDropped(), sender.stats().toString());
        }
    }

    /** A TCP/IPv4 super-frame from 10.77.1.1:40000 to 10.77.1.2:80 with {@code payload} bytes and a partial checksum. */
    static byte[] tcpFrame(MacAddress to, MacAddress from, int payload) {
        int tcpLength = 32 + payload;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + tcpLength);
        b.put(to.toBytes()).put(from.toBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLength)).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(0x0a4d0101).putInt(0x0a4d0102);
        byte[] f = b.array();
        int ipSum = checksum(f, 14, 34);
        f[24] = (byte) (ipSum >> 8);
        f[25] = (byte) ipSum;
        b.position(34);
        b.putShort((short) 40000).putShort((short) 80).putInt(0xfffff000).putInt(77).put((byte) 0x80).put((byte) 0x99)
                .putShort((short) 502).putShort((short) 0).putShort((short) 0);
        b.put(new byte[] {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}); // NOP, NOP, timestamps
        for (int i = 0; i < payload; i++) {
            b.put((byte) (i * 7));
        }
        b.putShort(34 + 16, (short) TcpSegmenter.pseudoHeaderSeed(0x0a4d0101, 0x0a4d0102, tcpLength));
        return f;
    }

    @Test
    void ourMacIsInTheInterfacesUnicastFilter_whileBound() throws Exception {
        // a veth has no unicast filter: Linux makes it promiscuous for our address instead
        assertTrue(ip("-d", "link", "show", ifname).contains("promiscuity 1"), ip("-d", "link", "show", ifname));
        PacketNetif.Link link = ((PacketNetif) netif).link();
        assertEquals(1500, link.mtu());
        assertEquals(1500, netif.mtu());
        assertTrue(ip("link", "show", ifname).contains(link.mac().toString()), "the interface's own MAC is " + link.mac());
        netif.close();
        assertTrue(ip("-d", "link", "show", ifname).contains("promiscuity 0"), "the entry goes with the socket");
        assertTrue(ip("link", "show").contains(ifname + "@"), "the interface stays");
    }

    @Test
    void anInterfaceTakenDownAndUp_deliversAgain_andTheDeviceGoesOn() throws Exception {
        resolveKernel();
        ip("link", "set", ifname, "down");
        platform.yield(platform.monotonicNanos() + 100_000_000L);
        assertEquals(null, ((PacketNetif) netif).failure());
        ip("link", "set", ifname, "up");
        received.clear();
        resolveKernel();
        assertEquals(null, ((PacketNetif) netif).failure());
    }

    @Test
    void anInterfaceRemoved_failsTheDevice_andSendsThrowDisconnected() throws Exception {
        resolveKernel();
        ip("link", "del", ifname);
        PacketNetif device = (PacketNetif) netif;
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (device.failure() == null && System.nanoTime() < limit) {
            platform.yield(platform.monotonicNanos() + 50_000_000L);
        }
        assertNotNull(device.failure(), "the device noticed");
        assertTrue(device.failure().contains("interface " + ifname + " was removed"), device.failure());
        NetException e = assertThrows(NetException.class, () -> netif.send(ByteBuffer.wrap(arp(1, MacAddress.BROADCAST.toBytes(), null, null))));
        assertEquals(NetException.Reason.DISCONNECTED, e.reason());
    }

    @Test
    void bringUp_setsADownInterfaceUp_forAMicroVmsInit() throws Exception {
        ip("link", "set", ifname, "down");
        assertTrue(!PacketNetif.probe(ifname).up());
        PacketNetif.bringUp(ifname);
        assertTrue(PacketNetif.probe(ifname).up());
        assertTrue(ip("link", "show", ifname).contains(",UP"), ip("link", "show", ifname));
        received.clear();
        resolveKernel(); // the bound device goes on
    }

    @Test
    void refusals_missingDownNotEthernetAndAnMtuTooLarge() throws Exception {
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net:service", "cannot attach --net:service to interface mpq" + suffix
                + ": SIOCGIFINDEX mpq" + suffix + ": ENODEV (No such device): there is no interface of that name in this network"
                + " namespace (ip link show)", NetBindTest.refused("--net:service=if:mpq" + suffix));
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net:service",
                "cannot attach --net:service to interface lo: it is not an Ethernet interface (ARPHRD 772); bind a veth, a TAP or a NIC",
                NetBindTest.refused("--net:service=if:lo"));
        ip("link", "set", ifname, "down");
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net:service", "cannot attach --net:service to interface " + ifname
                + ": it is down; bring it up first (ip link set " + ifname + " up)", NetBindTest.refused("--net:service=if:" + ifname));
        ip("link", "set", ifname, "up");
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net-mtu:service", "--net-mtu:service=1501 exceeds the MTU of interface "
                + ifname + " (1500), which drops longer frames: give at most 1500, or raise the interface's (ip link set " + ifname
                + " mtu 1501)", NetBindTest.refused("--net:service=if:" + ifname, "--net-mtu:service=1501"));
    }

    @Test
    void aSmallerMtuIsTaken_andBoundsWhatWeSend() throws Exception {
        try (Solo5Platform p = new Solo5Platform(NET)) {
            p.bind(List.of("--net:service=if:" + ifname, "--net-mtu:service=1400"));
            Netif small = (Netif) p.device("service").orElseThrow();
            assertEquals(1400, small.mtu());
            NetException e = assertThrows(NetException.class, () -> small.send(ByteBuffer.wrap(new byte[14 + 1401])));
            assertEquals(NetException.Reason.MESSAGE_TOO_LONG, e.reason());
        }
    }
}
