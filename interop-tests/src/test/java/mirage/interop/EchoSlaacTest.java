package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo's Neighbor Discovery against Linux (decision 0070), through a TAP in a network
 * namespace with IPv6 on: the namespace's kernel is a router running {@code radvd}, whose
 * advertisements give echo a default router, a global address by SLAAC (after Duplicate Address
 * Detection, with an RFC 7217 identifier) and a link MTU of 1400; the kernel pings our
 * link-local and SLAAC addresses (1400-octet payloads too: our replies come in fragments of at
 * most the advertised MTU); echo is told to use an address the kernel holds, and Duplicate
 * Address Detection finds it taken, says so once and never uses it; after the kernel's end of
 * the TAP changes its MAC, neighbour unreachability detection finds the new one and pings are
 * answered again; tshark decodes the whole capture with nothing malformed. Needs root;
 * installs radvd and tshark if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoSlaacTest {
    static final String TAP = "tapslaac";
    static final String MAC = "02:00:00:80:00:02";
    /** The prefix radvd advertises; the kernel's address on it. */
    static final String PREFIX = "fd00:80:1::";
    static final String KERNEL = "fd00:80:1::1";
    /** An address the kernel holds, which echo is told to use (--ipv6=). */
    static final String TAKEN = "fd00:80::5";
    static final String KERNEL_NEW_MAC = "02:00:00:80:00:99";
    static final int ADVERTISED_MTU = 1400;

    @TempDir
    static Path work;

    static Host.Netns ns;
    static Process echo;
    static Process capture;
    static Path captureFile;
    static Path echoLog;
    static String linkLocal;
    static String slaac;
    static String router;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("tshark", "tshark");
        Host.require("radvd", "radvd");
        tsharkVariant();
        Path image = Mirage.buildExample("echo", work);
        ns = new Host.Netns("mirage-slaac");
        ns.withIpv6(false);
        ns.exec("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1"); // radvd advertises for a router only
        // The TAP is made first, so that the kernel holds TAKEN before echo's Duplicate Address Detection runs.
        ns.addTap(TAP);
        ns.exec("ip", "-6", "addr", "add", KERNEL + "/64", "dev", TAP, "nodad");
        ns.exec("ip", "-6", "addr", "add", TAKEN + "/64", "dev", TAP, "nodad");
        ns.exec("ip", "link", "set", TAP, "up");
        captureFile = work.resolve("slaac.pcapng");
        capture = ns.capture(TAP, captureFile, 0);
        echoLog = work.resolve("echo.log");
        echo = ns.start(echoLog, image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                "--net-mac:service=" + MAC, "--ipv6-only", "--ipv6=" + TAKEN + "/64");
        Host.Netns.awaitLine(echoLog, "HTTP on port 80", echo, Duration.ofSeconds(60));
        // radvd starts once our link-local address passed DAD: our first router solicitation
        // (within 1 s of start) has gone by then, and is in the capture
        Host.Netns.awaitLine(echoLog, "echo: ipv6 [fe80::", echo, Duration.ofSeconds(30));
        Path conf = work.resolve("radvd.conf");
        Files.writeString(conf, """
                interface %s {
                    AdvSendAdvert on;
                    MinRtrAdvInterval 3;
                    MaxRtrAdvInterval 10;
                    AdvLinkMTU %d;
                    prefix %s/64 {
                        AdvOnLink on;
                        AdvAutonomous on;
                    };
                };
                """.formatted(TAP, ADVERTISED_MTU, PREFIX));
        Process radvd = ns.start(work.resolve("radvd.log"), "radvd", "-n", "-m", "stderr", "-C", conf.toString(),
                "-p", work.resolve("radvd.pid").toString());
        Matcher m = Host.Netns.awaitMatch(echoLog, Pattern.compile("echo: ipv6 \\[(fe80::[0-9a-f:]+)/64, ("
                + Pattern.quote(PREFIX.substring(0, PREFIX.length() - 1)) + "[0-9a-f:]+)/64\\] router (fe80::[0-9a-f:]+)"),
                echo, Duration.ofSeconds(60));
        assertTrue(radvd.isAlive(), Host.read(work.resolve("radvd.log")));
        linkLocal = m.group(1);
        slaac = m.group(2);
        router = m.group(3);
    }

    /** The captures' checks use tshark's field names of Wireshark 3 and later. */
    static void tsharkVariant() {
        ToolVariants.Tshark t = ToolVariants.tshark();
        if (t.major() < 3) {
            abort("tshark of an unknown variant: " + t.versionLine());
        }
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    @Order(1)
    void slaac_givesAGlobalAddressOnTheAdvertisedPrefix_withAStableIdentifier_andRadvdIsTheRouter() {
        String kernelLinkLocal = ns.exec("ip", "-6", "-o", "addr", "show", "dev", TAP, "scope", "link").out();
        assertTrue(kernelLinkLocal.contains(" " + router + "/64"), "the router is the kernel's link-local address: "
                + kernelLinkLocal + " / " + router);
        assertFalse(slaac.endsWith(":ff:fe80:2"), "RFC 7217, not the modified EUI-64 of " + MAC + ": " + slaac);
        assertFalse(linkLocal.endsWith(":ff:fe80:2"), linkLocal);
    }

    @Test
    @Order(2)
    void kernelPings_ourLinkLocalAndSlaacAddresses_everyEchoRequestAnswered() {
        EchoImageTest.assertPingsAnswered(ns, slaac, 5, 3);
        EchoImageTest.assertPingsAnswered(ns, linkLocal + "%" + TAP, 5, 3);
    }

    @Test
    @Order(3)
    void largePings_areAnswered_inFragmentsOfTheAdvertisedMtu() {
        EchoImageTest.assertIpv6PingsAnswered(ns, slaac, 3, 1400);
    }

    @Test
    @Order(4)
    void dad_findsTheAddressTheKernelHolds_saysSoOnce_andNeverUsesIt() {
        String log = Host.read(echoLog);
        List<String> said = log.lines().filter(l -> l.startsWith("mirage.net: IPv6 address " + TAKEN + "/64 on " + MAC
                + " is in use by another node")).toList();
        assertEquals(1, said.size(), log);
        assertTrue(log.lines().filter(l -> l.startsWith("echo: ipv6 ")).noneMatch(l -> l.contains(TAKEN)), log);
    }

    @Test
    @Order(5)
    void nud_findsTheKernelsNewMac_andPingsAreAnsweredAgain() throws Exception {
        EchoImageTest.assertPingsAnswered(ns, slaac, 3, 3);
        ns.exec("ip", "link", "set", "dev", TAP, "address", KERNEL_NEW_MAC);
        // Our replies go to the old MAC until neighbour unreachability detection (ReachableTime
        // up to 45 s, DELAY 5 s, PROBE 3 s) or the kernel's own probe tells us the new one:
        // about a minute at worst; the bound is twice that, to catch a stall.
        ToolVariants.ping();
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        boolean answered = false;
        while (!answered && System.nanoTime() < end) {
            Mirage.Result r = ns.execQuietly(Duration.ofSeconds(30),
                    ToolVariants.pingCommand(slaac, 1, "1", 0, 1).toArray(String[]::new));
            answered = ToolVariants.pingSummary(r.out()).equals(new ToolVariants.PingSummary(1, 1));
        }
        assertTrue(answered, "a ping answered after the MAC change");
        EchoImageTest.assertPingsAnswered(ns, slaac, 5, 3);
    }

    @Test
    @Order(100)
    void tshark_decodesTheWholeCapture_nothingMalformed_andShowsNeighborDiscovery() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        String ours = "eth.src == " + MAC;
        String bad = "_ws.malformed || (" + ours + " && (_ws.expert.severity >= error || icmpv6.checksum.status == \"Bad\"))";
        assertEquals("", tshark("-Y", bad).strip(), "frames tshark flags");
        assertTrue(count(ours + " && icmpv6.type == 133") >= 1, "our router solicitation");
        assertTrue(count("!(" + ours + ") && icmpv6.type == 134 && icmpv6.opt.prefix == " + PREFIX
                + " && icmpv6.opt.mtu == " + ADVERTISED_MTU) >= 1, "radvd's advertisement");
        assertTrue(count(ours + " && icmpv6.type == 143 && ipv6.hlim == 1 && ipv6.hopopts") >= 1,
                "our MLDv2 reports, hop limit 1, behind a Hop-by-Hop header");
        assertTrue(count(ours + " && icmpv6.type == 135 && ipv6.src == :: && icmpv6.nd.ns.target_address == " + slaac) >= 1,
                "the DAD probe for our SLAAC address");
        assertTrue(count(ours + " && icmpv6.type == 135 && ipv6.src == :: && icmpv6.nd.ns.target_address == " + TAKEN) >= 1,
                "the DAD probe for the address the kernel holds");
        assertTrue(count("!(" + ours + ") && icmpv6.type == 136 && icmpv6.nd.na.target_address == " + TAKEN) >= 1,
                "the kernel's advertisement for it");
        assertEquals(0, count(ours + " && ipv6.src == " + TAKEN), "never a source");
        assertEquals(0, count(ours + " && frame.len > " + (ADVERTISED_MTU + 14)), "nothing over the advertised MTU");
        assertTrue(count(ours + " && ipv6.src == " + slaac + " && ipv6.fraghdr.ident") >= 6, "our fragmented replies");
        assertTrue(count(ours + " && eth.dst == " + KERNEL_NEW_MAC + " && icmpv6.type == 129") >= 5,
                "echo replies to the kernel's new MAC");
        assertNotNull(router);
    }

    private static final List<String> OPTIONS = List.of();

    private static int count(String filter) throws Exception {
        return EchoImageTest.count(captureFile, OPTIONS, filter);
    }

    private static String tshark(String... args) throws Exception {
        return EchoImageTest.tshark(captureFile, OPTIONS, args);
    }
}
