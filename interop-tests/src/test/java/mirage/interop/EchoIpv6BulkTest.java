package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk data over IPv6 (issue 15): examples/echo on the direct stack, bound to a TAP in a network
 * namespace with IPv6 on and a static address ({@code --ipv6=CIDR}, no router advertisements
 * needed), sends 100 MB to {@code curl -6} with the right SHA-256, its data in TCP/IPv6
 * super-segments the TAP's segmentation offload takes ({@code VIRTIO_NET_HDR_GSO_TCPV6},
 * decision 0072); routed out of a veth without offloads to a client in another namespace, the
 * kernel cuts them and completes every checksum from our partial one, and the client counts no
 * checksum error. The capture of the whole local download (headers only) is decoded by tshark
 * with no malformed frame and no bad checksum of ours on MTU-sized frames, and every
 * super-segment's checksum field holds the pseudo-header sum. The same example built for {@code --stack=host}, whose sockets bind {@code ::},
 * answers {@code curl -6} over {@code ::1} and {@code curl -4} over {@code 127.0.0.1} from one
 * listening socket (HTTP's port 80 plus the default {@code --port-offset} of 8000, in a namespace
 * of its own).
 * Needs root; installs curl and tshark if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoIpv6BulkTest {
    static final String TAP = "tapv6bulk";
    static final String MAC = "02:00:00:7a:00:02";
    static final String US = "fd00:7a::2";
    static final String KERNEL = "fd00:7a::1";

    @TempDir
    static Path work;

    static Host.Netns ns;
    static Process capture;
    static Path captureFile;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("tshark", "tshark");
        Host.require("curl", "curl");
        Host.require("ethtool", "ethtool");
        Path image = Mirage.buildExample("echo", work);
        ns = new Host.Netns("mirage-v6bulk");
        ns.withIpv6(false);
        Path log = work.resolve("echo.log");
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=" + TAP, "--net-mac:service=" + MAC,
                "--ipv4=10.122.0.2/24", "--ipv6=" + US + "/64", "--ipv6-gateway=" + KERNEL);
        ns.awaitLink(TAP, echo, log);
        Host.Netns.awaitLine(log, "HTTP on port 80", echo, Duration.ofSeconds(60));
        ns.exec("ip", "-6", "addr", "add", KERNEL + "/64", "dev", TAP, "nodad");
        ns.exec("ip", "link", "set", TAP, "up");
        captureFile = work.resolve("bulk6.pcapng");
        capture = ns.capture(TAP, captureFile, 128);
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    /**
     * Fails unless {@code tshark} is Wireshark's TShark 3 or later: the display filter fields
     * these tests use ({@code _ws.malformed}, {@code _ws.expert.severity}, the checksum status
     * fields) and its one-line-per-frame output are that tool's.
     */
    static void requireTshark3() {
        ToolVariants.Tshark t = ToolVariants.tshark();
        assertTrue(t.major() >= 3, "tshark is Wireshark's, 3 or later: " + t.versionLine());
    }

    @Test
    @Order(1)
    void curl6_downloads100MB_fromOurStaticAddress_shaMatches() throws Exception {
        long n = 100_000_000L;
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(6), "bash", "-c",
                "set -o pipefail; curl -6 -g -sS --max-time 300 'http://[" + US + "]/bytes/" + n + "' | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the download: " + r.out());
    }

    /**
     * Forwarded out of a device without segmentation or checksum offload, the kernel segments our
     * TCP/IPv6 super-segments and completes every checksum from the partial one we wrote: a
     * wrong layout or partial checksum would show as checksum errors at the client.
     */
    @Test
    @Order(2)
    void routedThroughADeviceWithoutOffloads_theKernelCutsOurIpv6SuperSegments_theClientVerifiesEveryChecksum()
            throws Exception {
        try (Host.Netns client = new Host.Netns("mirage-v6cli")) {
            client.withIpv6(false);
            String out = "v6fwd" + ProcessHandle.current().pid() % 10000;
            String in = "v6cli" + ProcessHandle.current().pid() % 10000;
            Host.run(List.of("ip", "link", "add", out, "netns", ns.name, "type", "veth", "peer", "name", in, "netns", client.name),
                    Duration.ofSeconds(10));
            ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
            ns.exec("ip", "-6", "addr", "add", "fd00:7d::1/64", "dev", out, "nodad");
            ns.exec("ethtool", "-K", out, "tso", "off", "gso", "off", "tx", "off");
            ns.exec("ip", "link", "set", out, "up");
            client.exec("ip", "-6", "addr", "add", "fd00:7d::2/64", "dev", in, "nodad");
            client.exec("ip", "link", "set", in, "up");
            client.exec("ip", "-6", "route", "add", "default", "via", "fd00:7d::1");
            long n = 20_000_000L;
            Mirage.Result r = client.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                    "set -o pipefail; curl -6 -g -sS --max-time 120 'http://[" + US + "]/bytes/" + n + "' | sha256sum");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the routed download: " + r.out());
            assertEquals(0, EchoTcpTest.snmp(client, "Tcp", "InCsumErrors"), "TCP checksum errors at the client");
        }
    }

    @Test
    @Order(3)
    void hostStack_bindsBothFamilies_curl6OverLoopbackGetsTheBytes() throws Exception {
        Path hostWork = work.resolve("host");
        java.nio.file.Files.createDirectories(hostWork);
        Path image = Mirage.buildExample("echo", hostWork, "--stack=host");
        try (Host.Netns own = new Host.Netns("mirage-v6host")) {
            own.withIpv6(false);
            Path log = hostWork.resolve("echo.log");
            Process echo = own.start(log, image.resolve("bin/echo").toString());
            Host.Netns.awaitLine(log, "HTTP on port 80", echo, Duration.ofSeconds(60));
            long n = 5_000_000L;
            Mirage.Result v6 = own.execQuietly(Duration.ofMinutes(2), "bash", "-c",
                    "set -o pipefail; curl -6 -g -sS --max-time 60 'http://[::1]:8080/bytes/" + n + "' | sha256sum");
            assertEquals(0, v6.exit(), v6.err() + Host.read(log));
            assertTrue(v6.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 over ::1: " + v6.out());
            Mirage.Result v4 = own.execQuietly(Duration.ofMinutes(2), "bash", "-c",
                    "set -o pipefail; curl -4 -sS --max-time 60 'http://127.0.0.1:8080/bytes/" + n + "' | sha256sum");
            assertEquals(0, v4.exit(), v4.err());
            assertTrue(v4.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 over 127.0.0.1: " + v4.out());
            // one listening socket, on the wildcard of both families
            Mirage.Result ss = own.exec("ss", "-Hltn", "sport = :8080");
            assertEquals(1, ss.out().lines().count(), ss.out());
            assertTrue(ss.out().contains("[::]:8080") || ss.out().contains("*:8080"), ss.out());
        }
    }

    /**
     * Asserts that tshark (checked to be Wireshark's, 3 or later) finds no malformed frame in
     * {@code capture} and, among the MTU-sized frames from {@code mac}, no error and no bad
     * checksum (TCP's checked where the frame is whole; ICMPv6's always). Larger frames of ours
     * are TCP super-segments whose checksum field is partial by design (see
     * {@link #partialChecksum}). HTTP is not dissected.
     */
    static void assertNothingFlagged(Path capture, String mac) throws Exception {
        requireTshark3();
        String ours = "eth.src == " + mac + " && frame.len <= 1514";
        String bad = "_ws.malformed || (" + ours + " && (_ws.expert.severity >= error || tcp.checksum.status == \"Bad\""
                + " || icmpv6.checksum.status == \"Bad\"))";
        // HTTP not dissected: the captures hold headers only, and a body cut by the snap length looks
        // malformed to the HTTP dissector (the bodies are checked whole by their SHA-256)
        assertEquals("", EchoImageTest.tshark(capture, List.of("tcp.check_checksum:TRUE"), "--disable-protocol", "http", "-Y", bad)
                .strip(), "frames tshark flags");
    }

    /** The folded, uncomplemented sum of the TCP/IPv6 pseudo-header (RFC 8200 section 8.1): a super-segment's checksum field. */
    static int partialChecksum(String source, String destination, int tcpLength) throws Exception {
        long sum = 6 + tcpLength;
        for (String a : new String[] {source, destination}) {
            byte[] b = java.net.InetAddress.getByName(a).getAddress();
            for (int i = 0; i < b.length; i += 2) {
                sum += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
            }
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }

    @Test
    @Order(100)
    void tshark_decodesTheDownload_nothingMalformed_everyChecksumOfOursGood() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        List<String> checksums = List.of("tcp.check_checksum:TRUE");
        String ours = "eth.src == " + MAC;
        assertNothingFlagged(captureFile, MAC);
        // Larger than the MTU: super-segments, whose TCP checksum field holds the pseudo-header sum for the kernel to complete
        List<String> supers = EchoImageTest.tshark(captureFile, checksums, "-Y", ours + " && frame.len > 1514 && tcp", "-T", "fields",
                "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "ipv6.plen", "-e", "tcp.checksum").lines().filter(l -> !l.isBlank()).toList();
        assertTrue(supers.size() >= 100, "our TCP/IPv6 super-segments: " + supers.size());
        for (String line : supers) {
            String[] f = line.split("\t");
            assertEquals(partialChecksum(f[0], f[1], Integer.parseInt(f[2])), Integer.decode(f[3]).intValue(), "partial checksum of " + line);
        }
        assertEquals("", EchoImageTest.tshark(captureFile, checksums, "-Y", ours + " && frame.len <= 1514 && tcp.checksum.status == \"Bad\"")
                .strip(), "MTU-sized frames of ours with a bad checksum");
    }
}
