package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a SYN flood while a client downloads. examples/echo on a TAP in a network namespace;
 * {@code hping3 --flood} sends SYNs from random sources to port 80 for 10 s (the SYN-ACKs go to
 * the namespace's kernel, which drops them, so every one leaves a half-open connection) while
 * curl downloads 20 MB from the same port: the download completes with the right SHA-256, the
 * capture shows SYN-ACKs of SYN cookies (no window scale option, which a cookie cannot carry),
 * and the unikernel still answers ping and HTTP afterwards. Needs root; installs hping3 and
 * tshark if missing.
 */
class EchoSynFloodTest {
    static final String TAP = "tapsyn";
    static final String US = "10.82.0.2";
    static final String MAC = "02:00:00:82:00:02";

    @TempDir
    static Path work;

    @Test
    void synFlood_downloadCompletes_synCookiesSeen_stillServing() throws Exception {
        Host.assumeRoot();
        Host.require("hping3", "hping3");
        Host.require("tshark", "tshark");
        Host.require("curl", "curl");
        Path image = Mirage.buildExample("echo", work);
        try (Host.Netns ns = new Host.Netns("mirage-syn")) {
            Path log = work.resolve("echo.log");
            Process echo = ns.startOnTap(log, TAP, "10.82.0.1/24", "HTTP on port 80",
                    image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                    "--net-mac:service=" + MAC, "--ipv4=" + US + "/24", "--ipv4-gateway=10.82.0.1", "--tls-name=echo.test");
            Path capture = work.resolve("syn.pcapng");
            Path captureLog = work.resolve("capture.log");
            // our SYN-ACKs only, headers only
            Process dump = ns.start(captureLog, "dumpcap", "-i", TAP, "-s", "96", "-f",
                    "ether src " + MAC + " and tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)", "-w", capture.toString());
            Host.Netns.awaitLine(captureLog, "Capturing on", dump, Duration.ofSeconds(30));
            Process flood = ns.start(work.resolve("hping3.log"), "timeout", "10", "hping3", "--flood", "-S", "-p", "80",
                    "--rand-source", US);
            Thread.sleep(1000); // the flood is on
            long n = 20_000_000L;
            Mirage.Result r = ns.execQuietly(Duration.ofMinutes(5), "bash", "-c",
                    "set -o pipefail; curl -sS --max-time 240 http://" + US + "/bytes/" + n + " | sha256sum");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the download: " + r.out());
            flood.waitFor();
            Thread.sleep(1000);
            Host.Netns.stop(dump);
            List<String> c = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-Y",
                    "tcp.flags.syn == 1 && tcp.flags.ack == 1 && !tcp.options.wscale.shift", "-T", "fields", "-e", "frame.number"));
            long cookies = Host.run(c, Duration.ofMinutes(2)).out().lines().filter(l -> !l.isBlank()).count();
            assertTrue(cookies > 0, "SYN-ACKs of SYN cookies in the capture");
            System.out.println("SYN flood: " + cookies + " SYN-ACKs with SYN cookies; hping3: "
                    + Host.read(work.resolve("hping3.log")).strip().replace('\n', ' '));
            assertEquals(0, ns.execQuietly(Duration.ofSeconds(30), "ping", "-c", "1", "-W", "5", US).exit(), "still answers ping");
            Mirage.Result after = ns.execQuietly(Duration.ofMinutes(2), "curl", "-sS", "--max-time", "60", "http://" + US + "/");
            assertEquals(0, after.exit(), after.err());
            assertTrue(after.out().contains("echo"), after.out());
            assertTrue(echo.isAlive(), "the unikernel is still running");
        }
    }
}
