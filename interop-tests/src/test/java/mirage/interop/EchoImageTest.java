package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo's image on a TAP in a network namespace, with the Linux kernel as its peer:
 * the kernel pings it (also with 8000-byte pings: our reassembly and fragmentation), iputils'
 * arping resolves it, socat talks UDP echo to it and hears ICMP port unreachable from a closed
 * port, and tshark decodes a capture of all of it with checksums validated and finds nothing
 * malformed. Needs root; installs iputils-arping, socat and tshark if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoImageTest {
    static final String TAP = "tapecho";
    static final String US = "10.77.0.2";
    static final String MAC = "02:00:00:77:00:02";

    @TempDir
    static Path work;

    static Host.Netns ns;
    static Process echo;
    static Process capture;
    static Path echoLog;
    static Path captureFile;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("arping", "iputils-arping");
        Host.require("socat", "socat");
        Host.require("tshark", "tshark");
        Path image = Mirage.buildExample("echo", work);

        ns = new Host.Netns("mirage-echo");
        echoLog = work.resolve("echo.log");
        echo = ns.start(echoLog, image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                "--net-mac:service=" + MAC, "--ipv4=" + US + "/24", "--ipv4-gateway=10.77.0.1");
        ns.awaitLink(TAP, echo, echoLog);
        Host.Netns.awaitLine(echoLog, "echo: UDP and TCP echo on port 7, HTTP on port 80", echo, Duration.ofSeconds(60));
        ns.withoutIpv6(); // keep the capture to our protocols
        ns.exec("ip", "addr", "add", "10.77.0.1/24", "dev", TAP);
        ns.exec("ip", "link", "set", TAP, "up");
        captureFile = work.resolve("echo.pcapng");
        capture = ns.capture(TAP, captureFile, 0);
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    @Order(1)
    void kernelPings_everyEchoRequestAnswered() {
        assertPingsAnswered(ns, US);
    }

    @Test
    @Order(2)
    void kernelPings8000Bytes_reassembledAndAnsweredInFragments() {
        assertLargePingsAnswered(ns, US);
    }

    @Test
    @Order(3)
    void arping_resolvesOurAddressToOurMac() {
        assertArpingResolves(ns, TAP, US, MAC);
    }

    /** The kernel of {@code ns} pings {@code address} {@code count} times and hears every answer. */
    static void assertPingsAnswered(Host.Netns ns, String address, int count, int wait) {
        ToolVariants.ping();
        Mirage.Result r = ns.exec(ToolVariants.pingCommand(address, count, "0.2", 0, wait).toArray(String[]::new));
        assertEquals(new ToolVariants.PingSummary(count, count), ToolVariants.pingSummary(r.out()), r.out());
    }

    /** The kernel of {@code ns} pings {@code address} 5 times and hears every answer. */
    static void assertPingsAnswered(Host.Netns ns, String address) {
        assertPingsAnswered(ns, address, 5, 3);
    }

    /**
     * The kernel of {@code ns} pings the IPv6 {@code address} ({@code ping -6}) {@code count}
     * times with {@code size} bytes of data and hears every answer; returns ping's output.
     */
    static String assertIpv6PingsAnswered(Host.Netns ns, String address, int count, int size) {
        ToolVariants.ping();
        java.util.List<String> command = new java.util.ArrayList<>(ToolVariants.pingCommand(address, count, "0.3", size, 3));
        command.add(1, "-6");
        Mirage.Result r = ns.exec(command.toArray(String[]::new));
        assertEquals(new ToolVariants.PingSummary(count, count), ToolVariants.pingSummary(r.out()), r.out());
        return r.out();
    }

    /** The kernel of {@code ns} pings {@code address} with 8000 bytes (fragments both ways) 3 times and hears every answer. */
    static void assertLargePingsAnswered(Host.Netns ns, String address) {
        ToolVariants.ping();
        Mirage.Result r = ns.exec(ToolVariants.pingCommand(address, 3, "0.3", 8000, 3).toArray(String[]::new));
        assertEquals(new ToolVariants.PingSummary(3, 3), ToolVariants.pingSummary(r.out()), r.out());
        assertTrue(r.out().contains("8008 bytes from " + address), r.out());
    }

    /** arping (iputils' or Habets') on {@code link} in {@code ns} resolves {@code address} to {@code mac} twice. */
    static void assertArpingResolves(Host.Netns ns, String link, String address, String mac) {
        ToolVariants.Arping arping = ToolVariants.arping();
        Mirage.Result r = ns.exec(ToolVariants.arpingCommand(arping, link, address, 2, 5).toArray(String[]::new));
        ToolVariants.ArpReply reply = new ToolVariants.ArpReply(address, mac.toLowerCase(Locale.ROOT));
        assertEquals(List.of(reply, reply), ToolVariants.arpReplies(arping, r.out()), arping + " arping said: " + r.out());
    }

    @Test
    @Order(4)
    void socat_udpEcho_smallAndFragmentedDatagramsComeBackIntact() throws IOException {
        for (int size : new int[] {5, 1472, 6000}) {
            byte[] sent = new byte[size];
            new SplittableRandom(size).nextBytes(sent);
            Path in = work.resolve("udp-" + size + ".in");
            Path out = work.resolve("udp-" + size + ".out");
            Files.write(in, sent);
            ns.exec("sh", "-c", "socat -b 65535 -t 2 - UDP4:" + US + ":7 < " + in + " > " + out);
            assertArrayEquals(sent, Files.readAllBytes(out), "datagram of " + size + " bytes");
        }
    }

    @Test
    @Order(5)
    void socat_closedPort_getsPortUnreachable() {
        Mirage.Result r = ns.execQuietly(Duration.ofSeconds(30), "sh", "-c",
                "printf x | socat -t 2 - UDP4:" + US + ":9; echo status $?");
        // the kernel reports our ICMP port unreachable to the connected UDP socket
        assertTrue(r.err().contains("Connection refused"), r.out() + r.err());
        assertNotEquals("status 0", r.out().strip());
    }

    @Test
    @Order(100)
    void tshark_decodesTheWholeCapture_nothingMalformed_everyChecksumGood() throws Exception {
        Thread.sleep(500); // let dumpcap write the last frames
        Host.Netns.stop(capture);
        String ours = "eth.src == " + MAC;
        // checksums are checked on our frames only: the kernel's are captured before it fills in
        // the checksums it leaves to the device (CHECKSUM_PARTIAL), and completed before we read them
        String bad = "_ws.malformed || (" + ours + " && (_ws.expert.severity >= error || ip.checksum.status == \"Bad\""
                + " || udp.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\"))";
        assertEquals("", tshark("-Y", bad).strip(), "frames tshark flags");
        assertTrue(count(ours + " && icmp.type == 0") >= 8, "echo replies from us");
        assertTrue(count(ours + " && ip.flags.mf == 1") >= 3, "fragments from us");
        assertTrue(count(ours + " && arp.opcode == 2") >= 2, "ARP replies from us");
        assertTrue(count(ours + " && udp.srcport == 7") >= 3, "UDP echoes from us");
        assertTrue(count(ours + " && icmp.type == 3 && icmp.code == 3") >= 1, "port unreachable from us");
    }

    private static final List<String> CHECKSUMS = List.of("ip.check_checksum:TRUE", "udp.check_checksum:TRUE");

    private static int count(String filter) throws Exception {
        return count(captureFile, CHECKSUMS, filter);
    }

    private static String tshark(String... args) throws Exception {
        return tshark(captureFile, CHECKSUMS, args);
    }

    /** How many frames of {@code capture} match {@code filter}, decoded with the preferences {@code options}. */
    static int count(Path capture, List<String> options, String filter) throws Exception {
        return (int) tshark(capture, options, "-Y", filter).lines().filter(l -> !l.isBlank()).count();
    }

    /** tshark's decoding of {@code capture} with the preferences {@code options} (each {@code name:value}) and {@code args}. */
    static String tshark(Path capture, List<String> options, String... args) throws Exception {
        java.util.List<String> c = new java.util.ArrayList<>(java.util.List.of("tshark", "-n", "-r", capture.toString()));
        for (String o : options) {
            c.add("-o");
            c.add(o);
        }
        c.addAll(java.util.List.of(args));
        return Host.run(c, Duration.ofSeconds(120)).out();
    }
}
