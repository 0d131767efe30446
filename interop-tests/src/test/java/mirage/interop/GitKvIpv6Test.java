package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/gitkv (its store in memory) on the direct stack's both families (issue 15): on a TAP
 * in a network namespace with IPv6 on, {@code --ipv4} and a static {@code --ipv6}, curl PUTs
 * over IPv6 and GETs over IPv4 and the other way round (one listener, one store), C git clones
 * the store from {@code git://[ADDR]/store} over IPv6 and sees the commits, and tshark decodes the
 * capture with nothing malformed. Needs root; installs curl, git and tshark if missing.
 */
class GitKvIpv6Test {
    static final String TAP = "tapgitkv6";
    static final String MAC = "02:00:00:7c:00:02";
    static final String US6 = "fd00:7c::2";
    static final String US4 = "10.124.0.2";

    @TempDir
    static Path work;

    @Test
    void putAndGet_overBothFamilies_oneStore_gitClonesOverIpv6() throws Exception {
        Host.assumeRoot();
        Host.require("curl", "curl");
        Host.require("git", "git");
        Host.require("tshark", "tshark");
        Path image = Mirage.buildExample("gitkv", work);
        try (Host.Netns ns = new Host.Netns("mirage-gitkv6")) {
            ns.withIpv6(false);
            Path log = work.resolve("gitkv.log");
            Process gitkv = ns.start(log, image.resolve("bin/gitkv").toString(), "--net:service=" + TAP, "--net-mac:service=" + MAC,
                    "--ipv4=" + US4 + "/24", "--ipv6=" + US6 + "/64");
            ns.awaitLink(TAP, gitkv, log);
            Host.Netns.awaitLine(log, "gitkv: HTTP on port 80", gitkv, Duration.ofSeconds(60));
            ns.exec("ip", "addr", "add", "10.124.0.1/24", "dev", TAP);
            ns.exec("ip", "-6", "addr", "add", "fd00:7c::1/64", "dev", TAP, "nodad");
            ns.exec("ip", "link", "set", TAP, "up");
            Path capture = work.resolve("gitkv6.pcapng");
            Path captureLog = work.resolve("capture.log");
            Process dump = ns.start(captureLog, "dumpcap", "-i", TAP, "-w", capture.toString());
            Host.Netns.awaitLine(captureLog, "Capturing on", dump, Duration.ofSeconds(30));

            String v6 = "http://[" + US6 + "]";
            String v4 = "http://" + US4;
            String id = GitKvImageTest.curl(ns, "-6", "-g", "-X", "PUT", "-H", "X-Author: Ann <ann@example.com>",
                    "--data-binary", "over six", v6 + "/kv/fam/six");
            assertTrue(id.matches("[0-9a-f]{40}\n"), id);
            GitKvImageTest.curl(ns, "-4", "-X", "PUT", "--data-binary", "over four", v4 + "/kv/fam/four");
            assertEquals("over six", GitKvImageTest.curl(ns, "-4", v4 + "/kv/fam/six"), "written over IPv6, read over IPv4");
            assertEquals("over four", GitKvImageTest.curl(ns, "-6", "-g", v6 + "/kv/fam/four"), "written over IPv4, read over IPv6");
            assertEquals("over six", GitKvImageTest.curl(ns, "-6", "-g", v6 + "/kv/fam/six"));
            String log6 = GitKvImageTest.curl(ns, "-6", "-g", v6 + "/log");
            assertEquals(2, log6.split("\"id\"", -1).length - 1, log6);

            Path clone = work.resolve("clone");
            ns.exec("git", "clone", "-q", "git://[" + US6 + "]/store", clone.toString());
            List<String> commits = GitKvImageTest.git(ns, clone, "log", "--format=%an %s").lines().toList();
            assertEquals(List.of("gitkv PUT /fam/four", "Ann PUT /fam/six"), commits);
            assertEquals("over six", Files.readString(clone.resolve("fam/six")));
            GitKvImageTest.git(ns, clone, "fsck", "--full", "--strict");

            Thread.sleep(500);
            Host.Netns.stop(dump);
            EchoIpv6BulkTest.assertNothingFlagged(capture, MAC);
            List<String> checksums = List.of("tcp.check_checksum:TRUE");
            String ours = "eth.src == " + MAC;
            assertTrue(EchoImageTest.count(capture, checksums, ours + " && ipv6.src == " + US6 + " && tcp.srcport == 9418 && tcp.len > 0")
                    >= 1, "git's pack over IPv6");
            assertTrue(EchoImageTest.count(capture, checksums, ours + " && ip.src == " + US4 + " && tcp.srcport == 80 && tcp.len > 0")
                    >= 1, "HTTP over IPv4");
        }
    }
}
