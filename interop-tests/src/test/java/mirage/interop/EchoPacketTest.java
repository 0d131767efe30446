package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo bound raw to one end of a veth pair ({@code --net:service=if:vpkt}, AF_PACKET),
 * alone in a network namespace whose kernel has no address, as in a microVM; the Linux kernel on
 * the other end, in a namespace of its own: it pings us (also 8000 bytes: our reassembly and
 * fragmentation), arping resolves our address to our MAC, curl downloads 10 MB over HTTP and
 * HTTPS with the right SHA-256, TCP echo carries 2 MB both ways (Linux sends them as TSO
 * super-frames over the veth, which the binding cuts), and, through a router whose outgoing veth
 * has no offloads, the kernel cuts our own super-frames into segments a client verifies. tshark
 * checks both captures: nothing malformed, our checksums right (partial ones, on super-frames,
 * equal to the pseudo-header sum), and every frame out of the router within the MTU with both
 * checksums good. Without CAP_NET_RAW the image stops with one line. Needs root; installs
 * tshark, ethtool, iputils-ping and iputils-arping if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoPacketTest {
    static final String US = "10.80.0.2";
    static final String MAC = "02:00:00:80:00:02";
    static final String OURS = "vpkt";
    static final String KERNEL = "vpkk";

    @TempDir
    static Path work;

    static Path image;
    static Path cert;
    static Host.Netns ours;
    static Host.Netns kernel;
    static Host.Netns client;
    static Process echo;
    static Process capture;
    static Path captureFile;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("tshark", "tshark");
        Host.require("ethtool", "ethtool");
        Host.require("arping", "iputils-arping");
        Host.require("ping", "iputils-ping");
        Host.require("curl", "curl");
        image = Mirage.buildExample("echo", work);
        cert = work.resolve("cert.pem");
        Path key = work.resolve("key.pem");
        Host.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=echo.test", "-addext", "subjectAltName=DNS:echo.test", "-keyout", key.toString(), "-out",
                cert.toString()), Duration.ofSeconds(30));
        ours = new Host.Netns("mirage-pkt");
        kernel = new Host.Netns("mirage-pkk");
        Host.run(List.of("ip", "link", "add", OURS, "netns", ours.name, "type", "veth", "peer", "name", KERNEL, "netns", kernel.name),
                Duration.ofSeconds(10));
        ours.withoutIpv6();
        kernel.withoutIpv6(); // keep the captures to our protocols
        ours.exec("ip", "link", "set", OURS, "up");
        kernel.exec("ip", "addr", "add", "10.80.0.1/24", "dev", KERNEL);
        kernel.exec("ip", "link", "set", KERNEL, "up");
        captureFile = work.resolve("packet.pcapng");
        Path captureLog = work.resolve("capture.log");
        // headers only: the downloads need not be on disk twice
        capture = kernel.start(captureLog, "dumpcap", "-i", KERNEL, "-s", "128", "-w", captureFile.toString());
        Host.Netns.awaitLine(captureLog, "Capturing on", capture, Duration.ofSeconds(30));
        Path log = work.resolve("echo.log");
        echo = ours.start(log, image.resolve("bin/echo").toString(), "--net:service=if:" + OURS, "--net-mac:service=" + MAC,
                "--ipv4=" + US + "/24", "--ipv4-gateway=10.80.0.1", "--tls-cert=" + cert, "--tls-key=" + key,
                // the PEM files are read by path at start, which the sandbox refuses (0057) until
                // issue 19 item 2 gives them a KV_RO device
                "--sandbox=off");
        Host.Netns.awaitLine(log, "HTTPS on port 443", echo, Duration.ofSeconds(60));
    }

    @AfterAll
    static void shutDown() throws Exception {
        for (Host.Netns n : new Host.Netns[] {client, kernel, ours}) {
            if (n != null) {
                n.close(); // the veths go with their namespaces
            }
        }
    }

    @Test
    @Order(1)
    void kernelPings_everyEchoRequestAnswered() {
        EchoImageTest.assertPingsAnswered(kernel, US);
    }

    @Test
    @Order(2)
    void kernelPings8000Bytes_reassembledAndAnsweredInFragments() {
        EchoImageTest.assertLargePingsAnswered(kernel, US);
    }

    @Test
    @Order(3)
    void arping_resolvesOurAddressToOurMac() {
        EchoImageTest.assertArpingResolves(kernel, KERNEL, US, MAC);
    }

    @Test
    @Order(4)
    void curl_downloads10MB_overHttpAndHttps_shaMatches() throws Exception {
        long n = 10_000_000L;
        String sha = EchoTcpTest.patternSha(n);
        Mirage.Result http = kernel.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 120 http://" + US + "/bytes/" + n + " | sha256sum");
        assertEquals(0, http.exit(), http.err());
        assertTrue(http.out().startsWith(sha + " "), "sha256 over HTTP: " + http.out());
        Mirage.Result https = kernel.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 120 --cacert " + cert + " --resolve echo.test:443:" + US
                        + " https://echo.test/bytes/" + n + " | sha256sum");
        assertEquals(0, https.exit(), https.err());
        assertTrue(https.out().startsWith(sha + " "), "sha256 over HTTPS: " + https.out());
    }

    /** Linux sends bulk TCP over a veth as TSO super-frames: the binding cuts them (ReceiveOffload) before the stack sees them. */
    @Test
    @Order(5)
    void tcpEcho_2MBBothWays_arriveWhole() throws Exception {
        assertEquals("same True 2000000", EchoTcpTest.echoBothWays(kernel, work, US, 0).strip());
    }

    /**
     * Forwarded out of a device without segmentation or checksum offload, our super-frames are cut
     * and checksummed by the kernel; a client behind it verifies every checksum and the SHA-256,
     * and a capture on that device has every frame within the MTU with both checksums good.
     */
    @Test
    @Order(6)
    void routedThroughADeviceWithoutOffloads_theKernelCutsOurSuperFrames_everyChecksumGood() throws Exception {
        client = new Host.Netns("mirage-pkc");
        String out = "vfpk" + ProcessHandle.current().pid() % 10000;
        String in = "vcpk" + ProcessHandle.current().pid() % 10000;
        Host.run(List.of("ip", "link", "add", out, "netns", kernel.name, "type", "veth", "peer", "name", in, "netns", client.name),
                Duration.ofSeconds(10));
        kernel.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        kernel.exec("ip", "addr", "add", "10.81.0.1/24", "dev", out);
        kernel.exec("ethtool", "-K", out, "tso", "off", "gso", "off", "tx", "off");
        kernel.exec("ip", "link", "set", out, "up");
        client.withoutIpv6();
        client.exec("ip", "addr", "add", "10.81.0.2/24", "dev", in);
        client.exec("ip", "link", "set", in, "up");
        client.exec("ip", "route", "add", "default", "via", "10.81.0.1");
        Path routed = work.resolve("routed.pcapng");
        Path log = work.resolve("routed-capture.log");
        // whole frames, so that tshark can verify every TCP checksum
        Process dump = client.start(log, "dumpcap", "-i", in, "-w", routed.toString());
        Host.Netns.awaitLine(log, "Capturing on", dump, Duration.ofSeconds(30));
        long n = 10_000_000L;
        Mirage.Result r = client.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 120 http://" + US + "/bytes/" + n + " | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the routed download: " + r.out());
        assertEquals(0, EchoTcpTest.snmp(client, "Tcp", "InCsumErrors"), "TCP checksum errors at the client");
        assertEquals(0, EchoTcpTest.snmp(client, "Ip", "InHdrErrors"), "IPv4 header errors at the client");
        Thread.sleep(500);
        Host.Netns.stop(dump);
        String fromUs = "ip.src == " + US + " && tcp";
        assertTrue(count(routed, fromUs) > 6_000, "our segments, cut by the kernel");
        assertEquals("", tshark(routed, "-Y", fromUs + " && (frame.len > 1514 || ip.checksum.status != \"Good\""
                + " || tcp.checksum.status != \"Good\")").strip(), "segments out of the router: within the MTU, checksums good");
        assertEquals("", tshark(routed, "-Y", "_ws.malformed").strip());
    }

    @Test
    @Order(7)
    void withoutCapNetRaw_theImageStopsWithOneLine() {
        Mirage.Result r = ours.execQuietly(Duration.ofMinutes(1), "setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw",
                image.resolve("bin/echo").toString(), "--net:service=if:" + OURS, "--ipv4=10.80.0.9/24");
        assertEquals(64, r.exit(), r.out() + r.err());
        String all = r.out() + r.err();
        assertTrue(all.contains("cannot attach --net:service to interface " + OURS + ": socket AF_PACKET: EPERM (Operation not"
                + " permitted): a raw packet socket needs CAP_NET_RAW"), all);
    }

    @Test
    @Order(100)
    void tshark_ourFramesAreWellFormed_superFramesCarryThePseudoHeaderSum() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        String ours = "eth.src == " + MAC;
        String mtuSized = "frame.len <= 1514";
        assertEquals("", tshark(captureFile, "-Y", "_ws.malformed || (" + ours + " && (ip.checksum.status == \"Bad\""
                        + " || icmp.checksum.status == \"Bad\" || (" + mtuSized + " && tcp.checksum.status == \"Bad\")))",
                "-o", "tls.desegment_ssl_records:FALSE").strip(), "frames tshark flags");
        List<String> supers = tshark(captureFile, "-Y", ours + " && !(" + mtuSized + ") && tcp", "-T", "fields", "-e", "ip.src",
                "-e", "ip.dst", "-e", "ip.len", "-e", "ip.hdr_len", "-e", "tcp.checksum").lines().filter(l -> !l.isBlank()).toList();
        assertTrue(supers.size() >= 50, "our TCP super-frames: " + supers.size());
        for (String line : supers) {
            String[] f = line.split("\t");
            int tcpLength = Integer.parseInt(f[2]) - Integer.parseInt(f[3]);
            assertEquals(EchoTcpTest.partialChecksum(f[0], f[1], tcpLength), Integer.decode(f[4]).intValue(), "partial checksum of " + line);
        }
        assertTrue(count(captureFile, "eth.dst == " + MAC + " && tcp.srcport != 7 && tcp.dstport == 7 && frame.len > 1514") >= 1,
                "Linux sent us TCP super-frames (the echo test's bytes)");
        assertTrue(count(captureFile, ours + " && icmp.type == 0") >= 8, "echo replies from us");
        assertTrue(count(captureFile, ours + " && ip.flags.mf == 1") >= 3, "fragments from us");
        assertTrue(count(captureFile, ours + " && arp.opcode == 2") >= 2, "ARP replies from us");
    }

    private static int count(Path file, String filter) throws Exception {
        return (int) tshark(file, "-Y", filter).lines().filter(l -> !l.isBlank()).count();
    }

    private static String tshark(Path file, String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("tshark", "-n", "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE"));
        c.addAll(List.of(args));
        return Host.run(c, Duration.ofMinutes(2)).out();
    }
}
