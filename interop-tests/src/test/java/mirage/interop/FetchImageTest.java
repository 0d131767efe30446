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
 * examples/fetch, our client role, on the direct stack over a TAP in a network namespace against
 * servers on the TAP's kernel side (Linux with its delayed ACKs on, as they are by default):
 * 100 MB of random bytes from nginx with the right SHA-256 (nginx ends a response early when a
 * client half-closes: fetch must not); uploads to a Python server, the request's head and a
 * small body leaving as one segment (tshark); a response cut short (fewer bytes than
 * Content-Length, a chunked body without its last chunk) fails with a non-zero exit and no result
 * line. Needs root; installs nginx-light and tshark if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FetchImageTest {
    static final String TAP = "tapfetch";
    static final String SERVER = "10.81.0.1";
    static final String US = "10.81.0.2";

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
        ns = new Host.Netns("mirage-fetch");
        // the TAP exists before the unikernel starts, so the servers can listen on its address
        ns.addTap(TAP);
        ns.exec("ip", "addr", "add", SERVER + "/24", "dev", TAP);
        ns.exec("ip", "link", "set", TAP, "up");
        Path script = work.resolve("server.py");
        Files.writeString(script, """
                import hashlib, sys
                from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
                class H(BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def do_PUT(self):
                        body = self.rfile.read(int(self.headers["Content-Length"]))
                        out = hashlib.sha256(body).hexdigest().encode()
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(out)))
                        self.end_headers()
                        self.wfile.write(out)
                    def do_GET(self):
                        self.send_response(200)
                        if self.path == "/short":
                            self.send_header("Content-Length", "1000000")
                            self.end_headers()
                            self.wfile.write(b"x" * 1000)
                        else:
                            self.send_header("Transfer-Encoding", "chunked")
                            self.end_headers()
                            self.wfile.write(b"5\\r\\nhello\\r\\n6\\r\\n world\\r\\n")
                            if self.path == "/chunked":
                                self.wfile.write(b"0\\r\\n\\r\\n")
                        self.close_connection = self.path != "/chunked"
                print("serving", flush=True)
                ThreadingHTTPServer((sys.argv[1], 8001), H).serve_forever()
                """);
        Path pyLog = work.resolve("python.log");
        Process py = ns.start(pyLog, "python3", script.toString(), SERVER);
        Host.Netns.awaitLine(pyLog, "serving", py, Duration.ofSeconds(30));
        captureFile = work.resolve("fetch.pcapng");
        Path captureLog = work.resolve("capture.log");
        capture = ns.start(captureLog, "dumpcap", "-i", TAP, "-s", "128", "-f", "tcp port 8001", "-w", captureFile.toString());
        Host.Netns.awaitLine(captureLog, "Capturing on", capture, Duration.ofSeconds(30));
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    /** Boots fetch with {@code args} (the server on the TAP's kernel side unless they name one) and returns its exit status and output. */
    static Mirage.Result fetch(String name, String... args) throws Exception {
        Path log = work.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(image.resolve("bin/fetch").toString(), "--net:service=" + TAP,
                "--ipv4=" + US + "/24"));
        if (List.of(args).stream().noneMatch(a -> a.startsWith("--server="))) {
            command.add("--server=" + SERVER);
        }
        command.addAll(List.of(args));
        Process p = ns.start(log, command.toArray(String[]::new));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "fetch finished:\n" + Host.read(log));
        return new Mirage.Result(p.exitValue(), Host.read(log), "");
    }

    @Test
    @Order(1)
    void download_100MBFromNginx_shaMatches() throws Exception {
        Path site = Files.createDirectories(work.resolve("site"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(100);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(site.resolve("big.bin")), sha)) {
            for (int i = 0; i < 100; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        String expected = HexFormat.of().formatHex(sha.digest());
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
                  server { listen %2$s:8000; root %3$s; }
                }
                """.formatted(work, SERVER, site));
        Process nginx = ns.start(work.resolve("nginx.log"), "nginx", "-c", conf.toString(), "-g", "daemon off;");
        for (int i = 0; i < 100 && !Files.exists(work.resolve("nginx.pid")); i++) {
            Thread.sleep(100);
        }
        assertTrue(nginx.isAlive(), Host.read(work.resolve("nginx-error.log")));
        Mirage.Result r = fetch("nginx", "--port=8000", "--path=/big.bin");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().startsWith("fetch: HTTP/1.1 200 OK, 104857600 bytes, sha256 " + expected + ", "), r.out());
    }

    @Test
    @Order(2)
    void upload_toALinuxServer_theServerGetsEveryByte() throws Exception {
        for (int n : new int[] {1000, 3_000_000}) {
            Mirage.Result r = fetch("put-" + n, "--port=8001", "--path=/up", "--put=" + n);
            assertEquals(0, r.exit(), r.out());
            String answer = hex(sha(pattern(n))); // the server answers the SHA-256 of what it received
            assertTrue(r.out().startsWith("fetch: HTTP/1.1 200 OK, 64 bytes, sha256 " + hex(sha(answer.getBytes())) + ", "),
                    r.out());
        }
    }

    @Test
    @Order(3)
    void chunkedResponse_decoded() throws Exception {
        Mirage.Result r = fetch("chunked", "--port=8001", "--path=/chunked");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().startsWith("fetch: HTTP/1.1 200 OK, 11 bytes, sha256 " + hex(sha("hello world".getBytes())) + ", "),
                r.out());
    }

    @Test
    @Order(4)
    void fewerBytesThanContentLength_failsWithoutAResult() throws Exception {
        Mirage.Result r = fetch("short", "--port=8001", "--path=/short");
        assertNotEquals(0, r.exit(), r.out());
        assertFalse(r.out().contains("fetch: HTTP"), r.out());
        assertTrue(r.out().contains("cut short"), r.out());
    }

    @Test
    @Order(5)
    void chunkedWithoutItsLastChunk_failsWithoutAResult() throws Exception {
        Mirage.Result r = fetch("chunked-cut", "--port=8001", "--path=/chunked-cut");
        assertNotEquals(0, r.exit(), r.out());
        assertFalse(r.out().contains("fetch: HTTP"), r.out());
        assertTrue(r.out().contains("cut short"), r.out());
    }

    /**
     * The kernel beside us routes two addresses to nowhere: {@code prohibit} (it answers our SYN
     * with ICMP "communication administratively prohibited", a hard error) and {@code
     * unreachable} (ICMP "host unreachable", a soft one). fetch's connect to the first fails at
     * once saying so, not after its 30 s; the second times out and says what ICMP said.
     */
    @Test
    @Order(6)
    void icmpErrors_hardOneEndsTheConnect_softOneIsNamedWhenItTimesOut() throws Exception {
        ns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"); // ICMP errors for routes come only when forwarding
        ns.exec("ip", "route", "add", "prohibit", "10.99.0.5/32");
        ns.exec("ip", "route", "add", "unreachable", "10.99.0.6/32");
        Mirage.Result hard = fetch("prohibited", "--ipv4-gateway=" + SERVER, "--server=10.99.0.5", "--port=80", "--path=/");
        assertNotEquals(0, hard.exit(), hard.out());
        assertTrue(hard.out().contains("10.99.0.5:80 is unreachable: communication administratively prohibited"), hard.out());
        Mirage.Result soft = fetch("unreachable", "--ipv4-gateway=" + SERVER, "--server=10.99.0.6", "--port=80", "--path=/");
        assertNotEquals(0, soft.exit(), soft.out());
        assertTrue(soft.out().contains("no answer from 10.99.0.6:80 within PT30S (the last ICMP error: host unreachable)"),
                soft.out());
    }

    /**
     * Path MTU discovery (RFC 1191, decision 0064): the kernel beside us routes to a server in a
     * second namespace over a link whose router end has MTU 1000 (the server's end keeps 1500, so
     * its MSS option says 1460 and only the router knows). fetch uploads 3 MB there: its first full-size
     * segments (DF set) are refused by the router with ICMP "fragmentation needed" (next hop 1000),
     * our stack sends in 960-byte segments from then on (only what was in flight is refused), the
     * upload arrives whole (the server answers its SHA-256), and no fragment crosses the small link.
     */
    @Test
    @Order(7)
    void pathMtuDiscovery_throughARouterToASmallerLink_noFragments() throws Exception {
        try (Host.Netns far = new Host.Netns("mirage-far")) {
            ns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            ns.exec("ip", "link", "add", "vsmall", "type", "veth", "peer", "name", "vfar");
            ns.exec("ip", "link", "set", "vfar", "netns", far.name);
            ns.exec("ip", "addr", "add", "10.98.0.1/24", "dev", "vsmall");
            ns.exec("ip", "link", "set", "vsmall", "mtu", "1000", "up");
            far.exec("ip", "addr", "add", "10.98.0.2/24", "dev", "vfar");
            far.exec("ip", "link", "set", "vfar", "up"); // 1500 here: the server offers MSS 1460, and only the router knows
            far.exec("ip", "route", "add", "default", "via", "10.98.0.1");
            Path pyLog = work.resolve("python-far.log");
            Process py = far.start(pyLog, "python3", work.resolve("server.py").toString(), "10.98.0.2");
            Host.Netns.awaitLine(pyLog, "serving", py, Duration.ofSeconds(30));
            Path farCapture = work.resolve("far.pcapng");
            Path farLog = work.resolve("far-capture.log");
            Process dump = far.start(farLog, "dumpcap", "-i", "vfar", "-s", "96", "-w", farCapture.toString());
            Host.Netns.awaitLine(farLog, "Capturing on", dump, Duration.ofSeconds(30));
            Path nearCapture = work.resolve("near.pcapng");
            Path nearLog = work.resolve("near-capture.log");
            Process nearDump = ns.start(nearLog, "dumpcap", "-i", TAP, "-s", "96", "-f", "host 10.98.0.2 or icmp", "-w",
                    nearCapture.toString());
            Host.Netns.awaitLine(nearLog, "Capturing on", nearDump, Duration.ofSeconds(30));

            int n = 3_000_000;
            Mirage.Result r = fetch("pmtu", "--ipv4-gateway=" + SERVER, "--server=10.98.0.2", "--port=8001", "--path=/up",
                    "--put=" + n);
            Thread.sleep(500);
            Host.Netns.stop(dump);
            Host.Netns.stop(nearDump);
            assertEquals(0, r.exit(), r.out());
            String answer = hex(sha(pattern(n)));
            assertTrue(r.out().startsWith("fetch: HTTP/1.1 200 OK, 64 bytes, sha256 " + hex(sha(answer.getBytes())) + ", "), r.out());
            String needed = Host.run(List.of("tshark", "-n", "-r", nearCapture.toString(), "-Y",
                    "icmp.type == 3 && icmp.code == 4 && icmp.mtu == 1000", "-T", "fields", "-e", "frame.number"),
                    Duration.ofMinutes(1)).out().strip();
            assertFalse(needed.isEmpty(), "the router told us: fragmentation needed, next hop MTU 1000");
            // only what was in flight when the first came was refused (our frames on the TAP may be
            // larger than 1000: super-segments the kernel cuts, at our new MSS, as it forwards)
            long refused = needed.lines().count();
            assertTrue(refused < 100, refused + " datagrams refused by the router: the MSS did not follow");
            String fragments = Host.run(List.of("tshark", "-n", "-r", farCapture.toString(), "-Y",
                    "ip.flags.mf == 1 || ip.frag_offset > 0", "-T", "fields", "-e", "frame.number"), Duration.ofMinutes(1)).out().strip();
            assertEquals("", fragments, "no fragment crossed the small link");
            // (what the far end captures may be larger than 1000 bytes: its veth merges segments, GRO)
        } finally {
            ns.execQuietly(Duration.ofSeconds(10), "ip", "link", "del", "vsmall");
        }
    }

    /** The 1,000-byte upload's request (head and body, ~1,130 bytes) left as one segment, before the server sent anything. */
    @Test
    @Order(100)
    void tshark_aSmallUploadIsOneSegment() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        List<String> first = Host.run(List.of("tshark", "-n", "-r", captureFile.toString(), "-Y",
                "ip.src == " + US + " && tcp.len > 0", "-T", "fields", "-e", "tcp.stream", "-e", "tcp.len"), Duration.ofMinutes(1))
                .out().lines().filter(l -> !l.isBlank()).toList();
        String stream = first.get(0).split("\t")[0]; // the first connection: the 1,000-byte PUT
        List<String> segments = first.stream().filter(l -> l.startsWith(stream + "\t")).toList();
        assertEquals(1, segments.size(), "the request in one segment: " + segments);
        assertTrue(Integer.parseInt(segments.get(0).split("\t")[1]) > 1000, segments.toString());
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
