package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * TCP of the direct stack against the Linux kernel, through a TAP in a network namespace:
 * curl downloads 100 MB over HTTP and the SHA-256 matches; 1,000 connections from the kernel
 * are open at once and each echoes its own bytes; a client that stops reading makes our stack
 * advertise a zero window and probe the kernel's; an idle connection gets keepalive probes;
 * curl and openssl s_client verify our certificate over HTTPS (mirage.tls over our TCP);
 * through a router whose outgoing veth has no offloads, the kernel cuts our TCP super-segments
 * (segmentation offload, docs/decisions/0027) into checksummed segments that a client in a
 * third namespace verifies; tshark checks all of it (checksums validated, nothing malformed).
 * Needs root; installs tshark and ethtool if missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoTcpTest {
    static final String TAP = "taptcp";
    static final String US = "10.78.0.2";
    static final String MAC = "02:00:00:78:00:02";

    @TempDir
    static Path work;

    static Host.Netns ns;
    /** A client behind the kernel of {@link #ns}, which routes between them; made by the routed test. */
    static Host.Netns client;
    static Process capture;
    static Path captureFile;
    static Path cert;

    @BeforeAll
    static void boot() throws Exception {
        Host.assumeRoot();
        Host.require("tshark", "tshark");
        Host.require("curl", "curl");
        Host.require("ethtool", "ethtool");
        Path image = Mirage.buildExample("echo", work, "--certs=boot");
        Path certs = Host.certificateStore(work, "echo.test");
        cert = certs.resolve("server.pem");
        ns = new Host.Netns("mirage-tcp");
        Path log = work.resolve("echo.log");
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=" + TAP,
                "--net-mac:service=" + MAC, "--ipv4=" + US + "/24", "--ipv4-gateway=10.78.0.1", "--tcp-keepalive=1s",
                "--kv:certs=" + certs);
        ns.awaitLink(TAP, echo, log);
        Host.Netns.awaitLine(log, "HTTPS on port 443", echo, Duration.ofSeconds(60));
        ns.withoutIpv6();
        ns.exec("ip", "addr", "add", "10.78.0.1/24", "dev", TAP);
        ns.exec("ip", "link", "set", TAP, "up");
        captureFile = work.resolve("tcp.pcapng");
        // headers only: the 100 MB download need not be on disk twice
        capture = ns.capture(TAP, captureFile, 128);
    }

    @AfterAll
    static void shutDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    /** SHA-256 of N bytes of the responder's pattern, byte i = i mod 251. */
    static String patternSha(long n) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[251 * 4096];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i % 251);
        }
        for (long left = n; left > 0; left -= block.length) {
            d.update(block, 0, (int) Math.min(left, block.length));
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    @Order(1)
    void curl_downloads100MB_shaMatches() throws Exception {
        long n = 100_000_000L;
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(5), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 240 http://" + US + "/bytes/" + n + " | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(patternSha(n) + " "), "sha256 of the download: " + r.out());
    }

    @Test
    @Order(5)
    void curlOverHttps_verifiesOurCertificate_andTheBodyArrivesWhole() throws Exception {
        long n = 20_000_000L;
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 120 --cacert " + cert + " --resolve echo.test:443:" + US
                        + " https://echo.test/bytes/" + n + " | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(patternSha(n) + " "), "sha256 over HTTPS: " + r.out());
        Mirage.Result s = ns.execQuietly(Duration.ofMinutes(1), "bash", "-c",
                "echo Q | openssl s_client -connect " + US + ":443 -servername echo.test -CAfile " + cert + " -tls1_3");
        assertTrue(s.out().contains("Verify return code: 0 (ok)"), s.out());
        assertTrue(s.out().contains("TLSv1.3"), s.out());
    }

    @Test
    @Order(2)
    void thousandConcurrentConnectionsFromTheKernel_eachEchoesItsOwnBytes() throws Exception {
        Path script = work.resolve("many.py");
        Files.writeString(script, """
                import socket, sys
                n = 1000
                socks = []
                for i in range(n):
                    s = socket.create_connection((sys.argv[1], 7), timeout=30)
                    socks.append(s)
                for i, s in enumerate(socks):
                    s.sendall(("connection %d of %d\\n" % (i, n)).encode())
                ok = 0
                for i, s in enumerate(socks):
                    want = ("connection %d of %d\\n" % (i, n)).encode()
                    got = b""
                    while len(got) < len(want):
                        chunk = s.recv(len(want) - len(got))
                        if not chunk:
                            break
                        got += chunk
                    ok += got == want
                for s in socks:
                    s.close()
                print("ok", ok)
                """);
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(3), "python3", script.toString(), US);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("ok 1000", r.out().strip());
    }

    @Test
    @Order(3)
    void clientStopsReading_zeroWindowsAndProbes_thenEverythingArrives() throws Exception {
        assertEquals("same True 2000000", echoBothWays(ns, work, US, 3).strip());
    }

    /**
     * Sends 2,000,000 bytes to TCP port 7 of {@code address} from {@code ns} while reading the echo,
     * with a 4 KiB receive buffer and, if {@code pauseSeconds} is not 0, reading nothing for that
     * long first (both windows close); returns the script's line, "same True 2000000" when the
     * echo was whole.
     */
    static String echoBothWays(Host.Netns ns, Path work, String address, int pauseSeconds) throws Exception {
        Path script = work.resolve("echo-both-ways.py");
        Files.writeString(script, """
                import socket, sys, threading, time, hashlib
                data = bytes((i * 7) % 256 for i in range(2_000_000))
                s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect((sys.argv[1], 7))
                def send():
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                t = threading.Thread(target=send)
                t.start()
                time.sleep(float(sys.argv[2]))  # read nothing: both windows close
                got = bytearray()
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                t.join()
                print("same", hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest(), len(got))
                """);
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(2), "python3", script.toString(), address, Integer.toString(pauseSeconds));
        assertEquals(0, r.exit(), r.out() + r.err());
        return r.out();
    }

    @Test
    @Order(4)
    void idleConnection_getsKeepaliveProbes() throws Exception {
        Mirage.Result r = ns.execQuietly(Duration.ofMinutes(1), "python3", "-c", """
                import socket, sys, time
                s = socket.create_connection((sys.argv[1], 7))
                time.sleep(4.5)
                s.sendall(b"still here")
                print(s.recv(100).decode())
                s.close()
                """, US);
        assertEquals("still here", r.out().strip(), r.err());
    }

    /**
     * Delivered locally, a TCP super-segment is never cut nor checksummed (the kernel trusts a
     * partial checksum); forwarded out of a device without segmentation or checksum offload,
     * the kernel segments it and completes every checksum from the partial one we wrote. A
     * wrong partial checksum or segment layout would show as checksum errors at the client
     * (and a stalled transfer).
     */
    @Test
    @Order(6)
    void routedThroughADeviceWithoutOffloads_theKernelCutsOurSuperSegments_andTheClientVerifiesEveryChecksum()
            throws Exception {
        client = new Host.Netns("mirage-tcpcli");
        String out = "vfwd" + ProcessHandle.current().pid() % 10000;
        String in = "vcli" + ProcessHandle.current().pid() % 10000;
        Host.run(java.util.List.of("ip", "link", "add", out, "netns", ns.name, "type", "veth", "peer", "name", in,
                "netns", client.name), Duration.ofSeconds(10));
        ns.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        ns.exec("ip", "addr", "add", "10.79.0.1/24", "dev", out);
        ns.exec("ethtool", "-K", out, "tso", "off", "gso", "off", "tx", "off");
        ns.exec("ip", "link", "set", out, "up");
        client.exec("ip", "addr", "add", "10.79.0.2/24", "dev", in);
        client.exec("ip", "link", "set", in, "up");
        client.exec("ip", "route", "add", "default", "via", "10.79.0.1");
        long n = 20_000_000L;
        Mirage.Result r = client.execQuietly(Duration.ofMinutes(3), "bash", "-c",
                "set -o pipefail; curl -sS --max-time 120 http://" + US + "/bytes/" + n + " | sha256sum");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith(patternSha(n) + " "), "sha256 of the routed download: " + r.out());
        assertEquals(0, snmp(client, "Tcp", "InCsumErrors"), "TCP checksum errors at the client");
        assertEquals(0, snmp(client, "Ip", "InHdrErrors"), "IPv4 header errors at the client");
    }

    /** A counter of /proc/net/snmp in {@code netns}: the value under {@code name} in the {@code group} lines. */
    static long snmp(Host.Netns netns, String group, String name) {
        java.util.List<String> lines = netns.exec("cat", "/proc/net/snmp").out().lines()
                .filter(l -> l.startsWith(group + ":")).toList();
        java.util.List<String> names = java.util.List.of(lines.get(0).split("\\s+"));
        String[] values = lines.get(1).split("\\s+");
        return Long.parseLong(values[names.indexOf(name)]);
    }

    @Test
    @Order(100)
    void tshark_seesZeroWindowsProbesAndKeepalives_nothingMalformed() throws Exception {
        Thread.sleep(500);
        Host.Netns.stop(capture);
        String ours = "eth.src == " + MAC;
        String theirs = "eth.dst == " + MAC;
        // checksums are checked on our frames only: the kernel's are captured before it fills in
        // the checksums it leaves to the device (CHECKSUM_PARTIAL), and completed before we read
        // them. Ours larger than the MTU are TCP super-segments whose TCP checksum is partial
        // (for the kernel to complete per segment): checked below against the pseudo-header.
        String mtuSized = "frame.len <= 1514";
        assertEquals("", tshark("-Y", "_ws.malformed || (" + ours + " && (ip.checksum.status == \"Bad\" || (" + mtuSized
                        + " && tcp.checksum.status == \"Bad\")))", "-o", "tls.desegment_ssl_records:FALSE").strip(),
                "frames tshark flags");
        java.util.List<String> supers = tshark("-Y", ours + " && !(" + mtuSized + ") && tcp", "-T", "fields", "-e", "ip.src",
                "-e", "ip.dst", "-e", "ip.len", "-e", "ip.hdr_len", "-e", "tcp.checksum").lines().filter(l -> !l.isBlank()).toList();
        assertTrue(supers.size() >= 100, "our TCP super-segments: " + supers.size());
        for (String line : supers) {
            String[] f = line.split("\t");
            int tcpLength = Integer.parseInt(f[2]) - Integer.parseInt(f[3]);
            assertEquals(partialChecksum(f[0], f[1], tcpLength), Integer.decode(f[4]).intValue(), "partial checksum of " + line);
        }
        assertTrue(count(ours + " && tcp.analysis.zero_window") >= 1, "our zero windows");
        // The connection whose reader stopped (to port 7; the only one there that the kernel closed
        // its window on: a download's window may also close for a moment when curl is slow, and
        // reopen before a probe is due): the kernel advertised a zero window on it, and our
        // stack probed it (probes in Linux's form, an old sequence number and no data, which
        // Wireshark names keep-alives) until it opened again.
        String slow = tshark("-Y", theirs + " && tcp.dstport == 7 && tcp.analysis.zero_window", "-T", "fields", "-e", "tcp.stream")
                .lines().filter(l -> !l.isBlank()).findFirst().orElseThrow(() -> new AssertionError("the kernel never closed its window"));
        assertTrue(count(ours + " && tcp.stream == " + slow + " && tcp.analysis.keep_alive") >= 1, "our window probes");
        assertTrue(count(theirs + " && tcp.stream == " + slow + " && tcp.analysis.window_update") >= 1, "the kernel's window reopening");
        assertTrue(count(ours + " && tcp.stream == " + slow + " && tcp.analysis.zero_window") >= 1, "our own zero window on it");
        assertTrue(count(ours + " && tcp.analysis.keep_alive") >= 2, "our keepalive probes");
        assertTrue(count(theirs + " && tcp.analysis.keep_alive_ack") >= 2, "the kernel's answers to them");
        assertTrue(count(ours + " && tcp.flags.syn == 1 && tcp.flags.ack == 1") >= 1000, "SYN-ACKs for the 1000 connections");
    }

    /** The folded, uncomplemented sum of the TCP/IPv4 pseudo-header: what a super-segment's checksum field holds. */
    static int partialChecksum(String source, String destination, int tcpLength) throws Exception {
        long sum = 6 + tcpLength;
        for (String a : new String[] {source, destination}) {
            byte[] b = java.net.InetAddress.getByName(a).getAddress();
            sum += (b[0] & 0xff) << 8 | (b[1] & 0xff);
            sum += (b[2] & 0xff) << 8 | (b[3] & 0xff);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }

    private static int count(String filter) throws Exception {
        return (int) tshark("-Y", filter).lines().filter(l -> !l.isBlank()).count();
    }

    private static String tshark(String... args) throws Exception {
        java.util.List<String> c = new java.util.ArrayList<>(java.util.List.of("tshark", "-n", "-r", captureFile.toString(),
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"));
        c.addAll(java.util.List.of(args));
        return Host.run(c, Duration.ofMinutes(2)).out();
    }
}
