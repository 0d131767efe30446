package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo as a microVM on a TAP in a network namespace: its network card is a virtio
 * card that the guest binds through AF_PACKET (its kernel holds no address), its stack ours.
 * The namespace's kernel pings it, curl fetches 10 MB over HTTP and HTTPS (the certificate made
 * at boot) with the right SHA-256, openssl speaks TLS 1.3 to it, and TCP echo on port 7 returns
 * what it gets. Needs root; installs QEMU, curl and socat if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmEchoTest {
    static final String TAP = "vmtapecho";
    static final String US = "10.85.0.2";
    static final String MAC = "02:00:00:85:00:02";

    @TempDir
    static Path work;
    static Host.Netns ns;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Vm.requireQemu();
        Host.require("curl", "curl");
        Host.require("socat", "socat");
        Path image = Mirage.buildExample("echo", work, "-t", "virtio");
        ns = new Host.Netns("mirage-vmecho");
        ns.withoutIpv6();
        ns.addTap(TAP);
        ns.exec("ip", "addr", "add", "10.85.0.1/24", "dev", TAP);
        ns.exec("ip", "link", "set", TAP, "up");
        Path log = work.resolve("echo.log");
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=" + TAP, "--net-mac:service=" + MAC,
                "--ipv4=" + US + "/24", "--tls-name=echo.test");
        Host.Netns.awaitLine(log, "HTTPS on port 443", echo, Vm.BOOT_LIMIT);
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    @Order(1)
    void the_kernel_pings_it() {
        EchoImageTest.assertPingsAnswered(ns, US, 5, 5);
    }

    @Test
    @Order(2)
    void curl_fetches_10_mb_over_http_with_the_right_sha256() throws Exception {
        long n = 10_000_000L;
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(5), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 240 http://" + US + "/bytes/" + n + " | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 of the download: " + r.out());
    }

    @Test
    @Order(3)
    void curl_fetches_10_mb_over_https_and_openssl_speaks_tls_1_3() throws Exception {
        long n = 10_000_000L;
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(5), "bash", "-c",
                "set -o pipefail; curl -sS -k --max-time 240 --resolve echo.test:443:" + US + " https://echo.test/bytes/" + n
                        + " | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 over HTTPS: " + r.out());
        Mirage.Result s = ns.execQuietly(Duration.ofMinutes(1), "bash", "-c",
                "echo Q | openssl s_client -connect " + US + ":443 -servername echo.test -tls1_3");
        assertTrue(s.out().contains("TLSv1.3") && s.out().contains("CN = echo.test"), s.out());
    }

    @Test
    @Order(4)
    void tcp_echo_returns_what_it_gets() throws Exception {
        byte[] sent = new byte[200_000];
        new java.util.SplittableRandom(85).nextBytes(sent);
        Path in = Files.write(work.resolve("tcp.in"), sent);
        Path out = work.resolve("tcp.out");
        ns.execQuietly(Duration.ofMinutes(2), "sh", "-c", "socat -t 10 -T 30 - TCP4:" + US + ":7 < " + in + " > " + out);
        org.junit.jupiter.api.Assertions.assertArrayEquals(sent, Files.readAllBytes(out));
    }
}
