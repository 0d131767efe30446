package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo rootless-style: its interface is a framed UNIX stream to passt (the binding
 * QEMU's {@code -netdev stream} uses), and passt forwards a host UDP port to the unikernel's
 * port 7. Runs passt in a network namespace whose one veth gives passt its template addresses.
 * Needs root for the namespace; installs passt and socat if missing.
 */
class EchoPasstTest {
    static final String GUEST = "10.88.0.2";

    @TempDir
    static Path work;

    static Path image;
    Host.Netns ns;
    Path socket;
    Process passt;
    Path passtLog;
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        Host.assumeRoot();
        Host.require("passt", "passt");
        Host.require("socat", "socat");
        image = Mirage.buildExample("echo", work);
    }

    @BeforeEach
    void startPasst() throws Exception {
        ns = new Host.Netns("mirage-passt");
        ns.exec("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        ns.exec("ip", "addr", "add", GUEST + "/24", "dev", "v0");
        ns.exec("ip", "link", "set", "v0", "up");
        ns.exec("ip", "link", "set", "v1", "up");
        ns.exec("ip", "route", "add", "default", "via", "10.88.0.1");
        // passt drops to user nobody before it binds its socket: give it a directory nobody may
        // reach and write (JUnit's temporary directory is root's alone)
        dir = Files.createTempDirectory("mirage-passt");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        socket = dir.resolve("passt.sock");
        passtLog = work.resolve("passt.log");
        passt = ns.start(passtLog, "passt", "-f", "-e", "-4", "-s", socket.toString(), "-u", "7007:7");
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(100);
        }
        if (!Files.exists(socket)) {
            throw new AssertionError("passt made no socket:\n" + Host.read(passtLog));
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (ns != null) {
            ns.close();
        }
        if (dir != null) {
            Mirage.deleteTree(dir);
        }
    }

    @Test
    void staticAddress_udpEchoThroughPasstsPortForward() throws Exception {
        Path log = work.resolve("echo-static.log");
        // passt's MTU, as its DHCP would give it: passt sends whole datagrams and reassembles nothing
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=unix:" + socket,
                "--net-mtu:service=65520", "--ipv4=" + GUEST + "/24", "--ipv4-gateway=10.88.0.1");
        Host.Netns.awaitLine(log, "echo: UDP and TCP echo on port 7, HTTP on port 80", echo, Duration.ofSeconds(60));
        assertEchoes(log);
    }

    /** A few datagrams through passt's forward of host port 7007 to the unikernel's port 7. */
    void assertEchoes(Path log) throws Exception {
        for (int size : new int[] {11, 1400, 4000}) {
            byte[] sent = new byte[size];
            new SplittableRandom(size).nextBytes(sent);
            Path in = work.resolve("p-" + size + ".in");
            Path out = work.resolve("p-" + size + ".out");
            Files.write(in, sent);
            ns.exec("sh", "-c", "socat -b 65535 -t 2 - UDP4:127.0.0.1:7007 < " + in + " > " + out);
            assertArrayEquals(sent, Files.readAllBytes(out), "datagram of " + size + " bytes; unikernel said:\n" + Host.read(log)
                    + "\npasst said:\n" + Host.read(passtLog));
        }
    }

    @Test
    void dhcp_passtLeasesTheUnikernelItsTemplateAddress_thenUdpEcho() throws Exception {
        Path log = work.resolve("echo-dhcp.log");
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=unix:" + socket,
                "--net-mtu:service=65520");
        Host.Netns.awaitLine(log, "echo: ipv4 [" + GUEST + "/24] gateway 10.88.0.1", echo, Duration.ofSeconds(60));
        assertEchoes(log);
    }
}
