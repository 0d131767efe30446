package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo's dual stack against the Linux kernel over IPv6, through a TAP in a network
 * namespace with IPv6 on (and DAD off on the kernel's side, so that its addresses are usable at
 * once; ours pass our own DAD first): the kernel resolves our addresses by Neighbor Discovery and pings our link-local and
 * our static global address (also with 8000 bytes: our reassembly and fragmentation); curl downloads over HTTP to our global and link-local addresses and
 * the SHA-256 matches; socat's UDP datagrams come back and a closed port answers Port
 * Unreachable; IPv4 keeps working beside it; tshark decodes the capture with nothing malformed
 * and every checksum of ours good. Needs root; installs curl, socat and tshark if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoIpv6Test {
    static final String TAP = "tapv6";
    static final String MAC = "02:00:00:79:00:02";
    /** Our link-local address (RFC 7217: not the EUI-64 of {@link #MAC}), read from echo's log once DAD passed. */
    static String LINK_LOCAL;
    static final String GLOBAL = "fd00:79::2";
    static final String KERNEL = "fd00:79::1";
    static final String US4 = "10.79.0.2";

    @TempDir
    static Path work;

    static Host.Netns ns;
    static Path image;
    static Process capture;
    static Path captureFile;
    static Path echoLog;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("tshark", "tshark");
        Host.require("curl", "curl");
        Host.require("socat", "socat");
        image = Mirage.buildExample("echo", work);
        ns = new Host.Netns("mirage-v6");
        ns.withIpv6(false); // no DAD on the kernel's side: its addresses on the TAP are usable at once
        echoLog = work.resolve("echo.log");
        Process echo = ns.start(echoLog, image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                "--net-mac:service=" + MAC, "--ipv4=" + US4 + "/24", "--ipv6=" + GLOBAL + "/64");
        ns.awaitLink(TAP, echo, echoLog);
        Host.Netns.awaitLine(echoLog, "HTTP on port 80", echo, Duration.ofSeconds(60));
        ns.exec("ip", "addr", "add", "10.79.0.1/24", "dev", TAP);
        ns.exec("ip", "-6", "addr", "add", KERNEL + "/64", "dev", TAP, "nodad");
        ns.exec("ip", "link", "set", TAP, "up");
        // both addresses assigned once our Duplicate Address Detection passed (a second or two)
        LINK_LOCAL = Host.Netns.awaitMatch(echoLog, java.util.regex.Pattern.compile(
                "echo: ipv6 \\[(fe80::[0-9a-f:]+)/64, " + GLOBAL + "/64\\]"), echo, Duration.ofSeconds(30)).group(1);
        captureFile = work.resolve("v6.pcapng");
        capture = ns.capture(TAP, captureFile, 200); // headers only: the download need not be on disk twice
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    @Order(1)
    void echoLogsItsIpv6Addresses_aStableLinkLocalAddressNotTheEui64OfItsMac() {
        String log = Host.read(echoLog);
        assertTrue(log.contains("echo: ipv6 [" + LINK_LOCAL + "/64, " + GLOBAL + "/64]"), log);
        assertNotEquals("fe80::ff:fe79:2", LINK_LOCAL, "RFC 7217, not modified EUI-64");
    }

    @Test
    @Order(2)
    void kernelPings_ourGlobalAndLinkLocalAddresses_everyEchoRequestAnswered() {
        EchoImageTest.assertPingsAnswered(ns, GLOBAL, 5, 3);
        EchoImageTest.assertPingsAnswered(ns, LINK_LOCAL + "%" + TAP, 5, 3);
    }

    @Test
    @Order(2)
    void kernelPings8000Bytes_toOurGlobalAddress_fragmentsBothWays_everyEchoRequestAnswered() {
        String out = EchoImageTest.assertIpv6PingsAnswered(ns, GLOBAL, 3, 8000);
        assertTrue(out.contains("8008 bytes from " + GLOBAL), out);
    }

    @Test
    @Order(3)
    void curl_downloadsOverIpv6_toOurGlobalAndLinkLocalAddresses_shaMatches() throws Exception {
        long n = 20_000_000L;
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                "set -o pipefail; curl -6 -g -sS --max-time 120 'http://[" + GLOBAL + "]/bytes/" + n + "' | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the download: " + r.out());
        long m = 1_000_000L;
        Mirage.Result l = ns.execQuietly(Duration.ofMinutes(1), "bash", "-c",
                "set -o pipefail; curl -6 -g -sS --max-time 60 'http://[" + LINK_LOCAL + "%25" + TAP
                        + "]/bytes/" + m + "' | sha256sum");
        assertEquals(0, l.exit(), l.err());
        assertTrue(l.out().startsWith(EchoTcpTest.patternSha(m) + " "), "sha256 over the link-local address: " + l.out());
    }

    @Test
    @Order(4)
    void tcpEcho_bothWaysWithZeroWindows_overIpv6() throws Exception {
        assertEquals("same True 2000000", EchoTcpTest.echoBothWays(ns, work, GLOBAL, 1).strip());
    }

    @Test
    @Order(5)
    void socat_udpEchoOverIpv6_comesBackIntact_andAClosedPortIsUnreachable() throws Exception {
        for (int size : new int[] {5, 1452}) {
            byte[] sent = new byte[size];
            new SplittableRandom(size).nextBytes(sent);
            Path in = work.resolve("udp6-" + size + ".in");
            Path out = work.resolve("udp6-" + size + ".out");
            Files.write(in, sent);
            ns.exec("sh", "-c", "socat -b 65535 -t 2 - 'UDP6:[" + GLOBAL + "]:7' < " + in + " > " + out);
            assertArrayEquals(sent, Files.readAllBytes(out), "datagram of " + size + " bytes");
        }
        Mirage.Result r = ns.execQuietly(Duration.ofSeconds(30), "sh", "-c",
                "printf x | socat -t 2 - 'UDP6:[" + GLOBAL + "]:9'; echo status $?");
        assertTrue(r.err().contains("Connection refused"), "our ICMPv6 Port Unreachable reached the socket: " + r.out() + r.err());
        assertNotEquals("status 0", r.out().strip());
    }

    @Test
    @Order(6)
    void ipv4_keepsWorkingBesideIpv6() {
        EchoImageTest.assertPingsAnswered(ns, US4, 3, 3);
    }

    @Test
    @Order(7)
    void badOrContradictoryIpv6Arguments_stopBootWithOneLineNamingThem() {
        String[][] cases = {
            {"--ipv6=fd00:79::5", "--ipv6: "},
            {"--ipv4-only --ipv6=fd00:79::5/64", "--ipv4-only with --ipv6=fd00:79::5/64"},
            {"--ipv6=fd00:79::5/64 --ipv6-gateway=fd00:80::1", "IPv6 gateway fd00:80::1 is neither link-local nor on the prefix of fd00:79::5/64"},
            {"--ipv4-only --ipv6-only", "--ipv4-only and --ipv6-only exclude each other"},
        };
        for (String[] c : cases) {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(image.resolve("bin/echo").toString(),
                    "--net:service=tapv6bad"));
            command.addAll(java.util.List.of(c[0].split(" ")));
            Mirage.Result r = ns.execQuietly(Duration.ofMinutes(1), command.toArray(String[]::new));
            String all = r.out() + r.err();
            // the values are checked when the stack is built (as --ipv4's): a start failure, status 1, not the parser's 64
            assertEquals(1, r.exit(), c[0] + ": " + all);
            java.util.List<String> lines = all.lines().filter(l -> l.contains(c[1])).toList();
            assertEquals(1, lines.size(), c[0] + ": " + all);
            assertTrue(lines.get(0).startsWith("echo: start failed: java.lang.IllegalArgumentException: "), lines.get(0));
            assertTrue(all.lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + all);
        }
    }

    @Test
    @Order(100)
    void tshark_decodesTheWholeCapture_nothingMalformed_everyChecksumOfOursGood() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        String ours = "eth.src == " + MAC;
        String bad = "_ws.malformed || (" + ours + " && (_ws.expert.severity >= error || icmpv6.checksum.status == \"Bad\""
                + " || udp.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\"))";
        assertEquals("", tshark("-Y", bad).strip(), "frames tshark flags");
        assertTrue(count(ours + " && icmpv6.type == 129 && ipv6.src == " + GLOBAL) >= 5, "echo replies from our global address");
        assertTrue(count(ours + " && icmpv6.type == 129 && ipv6.src == " + LINK_LOCAL) >= 5, "echo replies from our link-local address");
        assertTrue(count(ours + " && icmpv6.type == 136 && icmpv6.nd.na.flag.s == 1 && icmpv6.nd.na.flag.o == 1") >= 2,
                "solicited advertisements, override set, for both addresses");
        assertTrue(count(ours + " && ipv6.src == " + GLOBAL + " && tcp.srcport == 80") >= 100, "the download's segments");
        assertTrue(count(ours + " && icmpv6.type == 1 && icmpv6.code == 4") >= 1, "port unreachable from us");
        // 8008 octets of ICMPv6 in fragments of at most 1448: 6 a reply, 3 replies
        assertTrue(count(ours + " && ipv6.src == " + GLOBAL + " && ipv6.fraghdr.ident") >= 18, "our fragmented echo replies");
        assertTrue(count("!(" + ours + ") && ipv6.dst == " + GLOBAL + " && ipv6.fraghdr.ident") >= 18, "the kernel's fragments");
        assertTrue(count(ours + " && tcp.options.mss_val == 1440") >= 1, "MSS over IPv6: MTU 1500 less 60");
    }

    private static final java.util.List<String> CHECKSUMS = java.util.List.of("udp.check_checksum:TRUE", "tcp.check_checksum:TRUE");

    private static int count(String filter) throws Exception {
        return EchoImageTest.count(captureFile, CHECKSUMS, filter);
    }

    private static String tshark(String... args) throws Exception {
        return EchoImageTest.tshark(captureFile, CHECKSUMS, args);
    }
}
