package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/echo with no {@code --ipv4}: its DHCP client gets a lease from dnsmasq on the TAP's
 * kernel side, in a network namespace; the kernel then pings the leased address, and dnsmasq's
 * lease file records the lease. Needs root; installs dnsmasq-base if missing.
 */
class EchoDhcpTest {
    static final String TAP = "tapdhcp";
    static final String LEASED = "10.79.0.50";

    @TempDir
    static Path work;

    static Host.Netns ns;

    @BeforeAll
    static void setUp() {
        Host.assumeRoot();
        Host.require("dnsmasq", "dnsmasq-base");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void dnsmasqLeasesAnAddress_theUnikernelTakesIt_andAnswersPingsThere() throws Exception {
        Path image = Mirage.buildExample("echo", work);

        ns = new Host.Netns("mirage-dhcp");
        Path log = work.resolve("echo.log");
        Process echo = ns.start(log, image.resolve("bin/echo").toString(), "--net:service=" + TAP);
        ns.awaitLink(TAP, echo, log);
        ns.exec("ip", "addr", "add", "10.79.0.1/24", "dev", TAP);
        ns.exec("ip", "link", "set", TAP, "up");
        Path leases = work.resolve("dnsmasq.leases");
        Path dnsmasqLog = work.resolve("dnsmasq.log");
        Process dnsmasq = ns.start(dnsmasqLog, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
                "--interface=" + TAP, "--bind-interfaces", "--dhcp-authoritative", "--log-dhcp",
                "--dhcp-range=" + LEASED + "," + LEASED + ",255.255.255.0,1h", "--dhcp-leasefile=" + leases,
                "--pid-file=" + work.resolve("dnsmasq.pid"));
        // the client retransmits its DISCOVER at 4, 8, 16 s...: dnsmasq hears one of them
        Host.Netns.awaitLine(log, "echo: ipv4 [" + LEASED + "/24] gateway 10.79.0.1", echo, Duration.ofSeconds(60));
        Host.Netns.awaitLine(dnsmasqLog, "DHCPACK(" + TAP + ") " + LEASED, dnsmasq, Duration.ofSeconds(10));
        EchoImageTest.assertPingsAnswered(ns, LEASED, 3, 3);
        assertTrue(Host.read(leases).contains(" " + LEASED + " "), "dnsmasq's lease file: " + Host.read(leases));
    }
}
