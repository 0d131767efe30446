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
 * needed), sends 100 MB to {@code curl -6} with the right SHA-256; the capture of the whole
 * download (headers only, so tshark checks the TCP checksums of the frames it has whole: the
 * handshake, the ends, ICMPv6) is decoded by tshark with no malformed frame and no bad checksum
 * of ours, and no segment of ours is longer than the MSS. The same example built for {@code --stack=host}, whose sockets bind {@code ::},
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
        Path image = Mirage.buildExample("echo", work);
        ns = new Host.Netns("mirage-v6bulk");
        ipv6WithoutDad(ns);
        Path log = work.resolve("echo.log");
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=" + TAP, "--net-mac:service=" + MAC,
                "--ipv4=10.122.0.2/24", "--ipv6=" + US + "/64");
        ns.awaitLink(TAP, echo, log);
        Host.Netns.awaitLine(log, "HTTP on port 80", echo, Duration.ofSeconds(60));
        ns.exec("ip", "-6", "addr", "add", KERNEL + "/64", "dev", TAP, "nodad");
        ns.exec("ip", "link", "set", TAP, "up");
        captureFile = work.resolve("bulk6.pcapng");
        Path captureLog = work.resolve("capture.log");
        capture = ns.start(captureLog, "dumpcap", "-i", TAP, "-s", "128", "-w", captureFile.toString());
        Host.Netns.awaitLine(captureLog, "Capturing on", capture, Duration.ofSeconds(30));
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    /** IPv6 on in {@code netns}, and no DAD, so that the kernel's addresses are usable at once. */
    static void ipv6WithoutDad(Host.Netns netns) {
        netns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.default.disable_ipv6=0",
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
    }

    /**
     * Fails unless {@code tshark} is Wireshark's TShark 3 or later: the display filter fields
     * these tests use ({@code _ws.malformed}, {@code _ws.expert.severity}, the checksum status
     * fields) and its one-line-per-frame output are that tool's.
     */
    static void requireTshark3() {
        String version = Host.run(List.of("tshark", "--version"), Duration.ofSeconds(30)).out().lines().findFirst().orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^TShark \\(Wireshark\\) (\\d+)\\.").matcher(version);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 3, "tshark is Wireshark's, 3 or later: " + version);
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

    @Test
    @Order(2)
    void hostStack_bindsBothFamilies_curl6OverLoopbackGetsTheBytes() throws Exception {
        Path hostWork = work.resolve("host");
        java.nio.file.Files.createDirectories(hostWork);
        Path image = Mirage.buildExample("echo", hostWork, "--stack=host");
        try (Host.Netns own = new Host.Netns("mirage-v6host")) {
            ipv6WithoutDad(own);
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

    @Test
    @Order(100)
    void tshark_decodesTheDownload_nothingMalformed_everyChecksumOfOursGood() throws Exception {
        requireTshark3();
        Thread.sleep(500);
        Host.Netns.stop(capture);
        List<String> checksums = List.of("tcp.check_checksum:TRUE");
        String ours = "eth.src == " + MAC;
        String bad = "_ws.malformed || (" + ours + " && (_ws.expert.severity >= error || tcp.checksum.status == \"Bad\""
                + " || icmpv6.checksum.status == \"Bad\"))";
        assertEquals("", EchoImageTest.tshark(captureFile, checksums, "-Y", bad).strip(), "frames tshark flags");
        // 100 MB in segments of at most 1440 octets (MTU 1500 less 60); dumpcap may miss a few under load
        int segments = EchoImageTest.count(captureFile, checksums, ours + " && ipv6.src == " + US + " && tcp.srcport == 80 && tcp.len > 0");
        assertTrue(segments >= 100_000_000 / 1440 * 9 / 10, "our data segments: " + segments);
        assertEquals(0, EchoImageTest.count(captureFile, checksums, ours + " && tcp.len > 1440"), "segments longer than the MSS");
    }
}
