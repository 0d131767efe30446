package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/fetch over IPv6 (issue 15): the direct stack with a static address on a TAP in a
 * network namespace with IPv6 on, downloading from Linux servers on the TAP's kernel side by
 * URLs with IPv6 literals: 100 MB of random bytes from nginx on {@code [::]:8080}
 * ({@code http://[fd00:7b::1]:8080/big.bin}) and a file from {@code python3 -m http.server --bind
 * ::} on port 80 (a URL without a port), each with the right SHA-256; a malformed URL stops fetch
 * with one line naming the rule and a non-zero exit; tshark decodes the capture with nothing
 * malformed. Needs root; installs nginx-light and tshark if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FetchIpv6Test {
    static final String TAP = "tapfetch6";
    static final String MAC = "02:00:00:7b:00:02";
    static final String SERVER = "fd00:7b::1";
    static final String US = "fd00:7b::2";

    @TempDir
    static Path work;

    static Path image;
    static Host.Netns ns;
    static Process capture;
    static Path captureFile;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("nginx", "nginx-light");
        Host.require("tshark", "tshark");
        image = Mirage.buildExample("fetch", work);
        ns = new Host.Netns("mirage-fetch6");
        ns.withIpv6(false);
        // the TAP exists before the unikernel starts, so the servers can listen on its address
        ns.addTap(TAP);
        ns.exec("ip", "-6", "addr", "add", SERVER + "/64", "dev", TAP, "nodad");
        ns.exec("ip", "link", "set", TAP, "up");
        captureFile = work.resolve("fetch6.pcapng");
        capture = ns.capture(TAP, captureFile, 128);
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    /** Boots fetch with {@code args} and returns its exit status and output. */
    static Mirage.Result fetch(String name, String... args) throws Exception {
        Path log = work.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(image.resolve("bin/fetch").toString(), "--net:service=" + TAP,
                "--net-mac:service=" + MAC, "--ipv4=10.123.0.2/24", "--ipv6=" + US + "/64"));
        command.addAll(List.of(args));
        Process p = ns.start(log, command.toArray(String[]::new));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "fetch finished:\n" + Host.read(log));
        return new Mirage.Result(p.exitValue(), Host.read(log), "");
    }

    /** {@code n} random bytes (seeded) in {@code file}; their SHA-256 in hex. */
    static String randomFile(Path file, int mebibytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(mebibytes);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
            for (int i = 0; i < mebibytes; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    @Order(1)
    void url_ipv6LiteralWithPort_downloads100MBFromNginx_shaMatches() throws Exception {
        Path site = Files.createDirectories(work.resolve("site"));
        String expected = randomFile(site.resolve("big.bin"), 100);
        Path conf = work.resolve("nginx.conf");
        Files.writeString(conf, """
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log;
                events {}
                http {
                  access_log off;
                  client_body_temp_path %1$s;
                  server { listen [::]:8080 ipv6only=on; root %2$s; }
                }
                """.formatted(work, site));
        Process nginx = ns.start(work.resolve("nginx.log"), "nginx", "-c", conf.toString(), "-g", "daemon off;");
        for (int i = 0; i < 100 && !Files.exists(work.resolve("nginx.pid")); i++) {
            Thread.sleep(100);
        }
        assertTrue(nginx.isAlive(), Host.read(work.resolve("nginx-error.log")));
        Mirage.Result r = fetch("nginx", "--url=http://[" + SERVER + "]:8080/big.bin");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().startsWith("fetch: HTTP/1.1 200 OK, 104857600 bytes, sha256 " + expected + ", "), r.out());
    }

    @Test
    @Order(2)
    void url_ipv6LiteralWithoutPort_downloadsFromPythonBoundToBothFamilies_shaMatches() throws Exception {
        Path site = Files.createDirectories(work.resolve("py"));
        String expected = randomFile(site.resolve("small.bin"), 3);
        Path pyLog = work.resolve("python.log");
        Process py = ns.start(pyLog, "python3", "-u", "-m", "http.server", "--bind", "::", "--directory", site.toString(), "80");
        Host.Netns.awaitLine(pyLog, "Serving HTTP on :: port 80", py, Duration.ofSeconds(30));
        Mirage.Result r = fetch("python", "--url=http://[" + SERVER + "]/small.bin");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().startsWith("fetch: HTTP/1.0 200 OK, 3145728 bytes, sha256 " + expected + ", "), r.out());
    }

    @Test
    @Order(3)
    void malformedIpv6Url_oneLineNamingTheRule_nonZeroExit() throws Exception {
        String[][] cases = {
            {"http://" + SERVER + ":8080/big.bin", "an IPv6 address in a URL goes in brackets"},
            {"http://[" + SERVER + ":8080/big.bin", "'[' without ']'"},
            {"http://[fd00:7b::g]/", "fd00:7b::g"},
            {"http://[" + SERVER + "]:99999/", "port 99999 is not 1 to 65535"},
        };
        for (String[] c : cases) {
            Mirage.Result r = fetch("bad", "--url=" + c[0]);
            assertNotEquals(0, r.exit(), r.out());
            assertFalse(r.out().contains("fetch: HTTP"), r.out());
            List<String> lines = r.out().lines().filter(l -> l.contains("--url " + c[0] + ": ") && l.contains(c[1])).toList();
            assertEquals(1, lines.size(), c[0] + ": " + r.out());
            assertTrue(r.out().lines().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: " + r.out());
        }
    }

    @Test
    @Order(100)
    void tshark_decodesTheCapture_nothingMalformed() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        EchoIpv6BulkTest.assertNothingFlagged(captureFile, MAC);
        List<String> checksums = List.of("tcp.check_checksum:TRUE");
        String ours = "eth.src == " + MAC;
        assertEquals(2, EchoImageTest.count(captureFile, checksums, ours + " && ipv6.src == " + US
                + " && tcp.flags.syn == 1 && tcp.flags.ack == 0 && (tcp.dstport == 8080 || tcp.dstport == 80)"), "our two connects");
        assertTrue(EchoImageTest.count(captureFile, checksums, "ipv6.src == " + SERVER + " && tcp.srcport == 8080 && tcp.len > 0")
                >= 100 * 1024 * 1024 / 1440 * 9 / 10, "nginx's segments (dumpcap may miss a few under load)");
    }
}
