package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images built with {@code -t xen}: each runs as a guest domain of the simulated Xen host in
 * its own process (mirage.platform.xen, docs/decisions/0043). examples/echo's netfront reaches
 * a TAP through the host's netback in a network namespace: the kernel pings it and curl
 * downloads 10 MB whose SHA-256 is right. examples/gitkv keeps its store on a file through
 * blkback and blkfront across two boots. Needs root; installs curl if missing.
 */
class XenImageTest {
    static final String TAP = "tapxen";
    static final String US = "10.83.0.2";

    @TempDir
    Path work;

    @Test
    void echo_overNetfrontNetbackAndATap_answersPings_andServes10MB() throws Exception {
        Host.assumeRoot();
        Host.require("curl", "curl");
        Path image = Mirage.buildExample("echo", work, "-t", "xen");
        try (Host.Netns ns = new Host.Netns("mirage-xen")) {
            Path log = work.resolve("echo.log");
            Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                    "--ipv4=" + US + "/24");
            ns.awaitLink(TAP, echo, log);
            Host.Netns.awaitLine(log, "echo: UDP and TCP echo on port 7, HTTP on port 80", echo, Duration.ofSeconds(60));
            ns.exec("ip", "addr", "add", "10.83.0.1/24", "dev", TAP);
            ns.exec("ip", "link", "set", TAP, "up");
            EchoImageTest.assertPingsAnswered(ns, US);
            long n = 10_000_000L;
            Mirage.Result http = ns.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                    "set -o pipefail; curl -sS --max-time 120 http://" + US + "/bytes/" + n + " | sha256sum");
            assertEquals(0, http.exit(), http.err());
            assertTrue(http.out().startsWith(EchoTcpTest.patternSha(n) + " "), "sha256 over HTTP: " + http.out());
            assertTrue(!Host.read(log).contains("WARNING: A restricted method"), "native access enabled: " + Host.read(log));
        }
    }

    @Test
    void gitkv_keepsItsStoreOnABlkbackFile_acrossTwoBoots() throws Exception {
        Host.assumeRoot();
        Host.require("curl", "curl");
        Path image = Mirage.buildExample("gitkv", work, "-t", "xen", "--stack=host", "--storage=block");
        String xl = java.nio.file.Files.readString(image.getParent().resolve("xen/gitkv.cfg"));
        assertTrue(xl.contains("type = \"pvh\"") && xl.contains("vdev=xvda"), xl);
        Path disk = work.resolve("kv.img");
        Host.run(java.util.List.of("truncate", "-s", "64M", disk.toString()), Duration.ofSeconds(10));
        String commit;
        try (Host.Netns ns = new Host.Netns("mirage-xenkv")) {
            Path log = work.resolve("gitkv1.log");
            Process kv = ns.start(log, image.resolve("bin/gitkv").toString(), "--port-offset=8000",
                    "--block:storage=" + disk);
            Host.Netns.awaitLine(log, "gitkv: HTTP on port 80", kv, Duration.ofSeconds(60));
            Mirage.Result put = ns.execQuietly(Duration.ofSeconds(60), "curl", "-sS", "-X", "PUT", "--data-binary",
                    "kept by blkback", "http://127.0.0.1:8080/kv/greeting");
            assertEquals(0, put.exit(), put.err());
            commit = put.out().strip();
            assertTrue(commit.matches("[0-9a-f]{40}"), put.out());
            Host.Netns.stop(kv);
        }
        try (Host.Netns ns = new Host.Netns("mirage-xenkv")) {
            Path log = work.resolve("gitkv2.log");
            Process kv = ns.start(log, image.resolve("bin/gitkv").toString(), "--port-offset=8000",
                    "--block:storage=" + disk);
            Host.Netns.awaitLine(log, "gitkv: HTTP on port 80", kv, Duration.ofSeconds(60));
            Mirage.Result get = ns.execQuietly(Duration.ofSeconds(60), "curl", "-sS", "http://127.0.0.1:8080/kv/greeting");
            assertEquals("kept by blkback", get.out(), get.err());
            Mirage.Result history = ns.execQuietly(Duration.ofSeconds(60), "curl", "-sS", "http://127.0.0.1:8080/log");
            assertTrue(history.out().contains(commit), history.out());
        }
    }
}
