package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.spi.Manifest;
import mirage.net.Netif;
import mirage.platform.solo5.internal.net.TapNetif;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TAP device against the Linux kernel ({@link KernelPeerTest}'s checks, and the TAP's own):
 * needs root (CI runs as root; elsewhere these tests are skipped). Each test creates a non-persistent TAP with a fresh name ({@code mtap} and random
 * hex), gives the kernel's side an address in an unused {@code 10.77.X.0/24}, and closes the
 * device afterwards, which deletes the interface and its address; {@code ip link del} runs too
 * in case the close did not. No other interface is touched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TapNetifTest extends KernelPeerTest {
    static final Manifest NET = NetBindTest.NET;

    String ifname;

    @BeforeAll
    static void needsRootAndTun() {
        assumeTrue("root".equals(System.getProperty("user.name")), "TAP tests need root");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "TAP tests need /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")), "need iproute2");
    }

    @Override
    void attachLink() throws Exception {
        ifname = String.format("mtap%08x", RANDOM.nextInt());
        int x;
        do {
            x = RANDOM.nextInt(256);
        } while (!ip("-4", "route", "show", "10.77." + x + ".0/24").isBlank() || ip("-4", "addr").contains("10.77." + x + "."));
        kernelIp = new byte[] {10, 77, (byte) x, 1};
        ourIp = new byte[] {10, 77, (byte) x, 2};
        platform = new Solo5Platform(NET);
        platform.bind(List.of("--net:service=" + ifname, "--net-mac:service=" + MAC));
        netif = (Netif) platform.device("service").orElseThrow();
        assertEquals(ifname, ((TapNetif) netif).ifname());
        ip("addr", "add", "10.77." + x + ".1/24", "dev", ifname);
        ip("link", "set", ifname, "up");
    }

    @AfterEach
    void detach() throws Exception {
        if (platform != null) {
            platform.close();
        }
        if (ifname != null && ip("link", "show").contains(ifname + ":")) {
            ip("link", "del", ifname);
        }
        assertFalse(ip("link", "show").contains(ifname + ":"), "the TAP is gone");
    }

    @Override
    String kernelLink() throws Exception {
        return ip("link", "show", ifname);
    }

    @Override
    long kernelRx(String counter) throws Exception {
        return Long.parseLong(Files.readString(Path.of("/sys/class/net/" + ifname + "/statistics/" + counter)).strip());
    }

    @Test
    void theSameTapCannotBeAttachedTwice() {
        ArgumentException e = NetBindTest.refused("--net:service=" + ifname);
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net:service", "cannot attach --net:service to TAP interface " + ifname
                + ": TUNSETIFF " + ifname + ": EBUSY (Device or resource busy): another process holds it", e);
    }

    @Test
    void anInterfaceThatIsNotATapIsRefused() {
        ArgumentException e = NetBindTest.refused("--net:service=lo");
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net:service", "cannot attach --net:service to TAP interface lo"
                + ": TUNSETIFF lo: EINVAL (Invalid argument): is an interface of that name something other than a TAP?"
                + " (bind an existing interface with if:NAME)", e);
    }

    @Test
    void closingTheDeviceDeletesTheTap() throws Exception {
        assertTrue(ip("link", "show").contains(ifname + ":"));
        netif.close();
        BooleanSupplier gone = () -> {
            try {
                return !ip("link", "show").contains(ifname + ":");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        // the close is done at once: no yield is in progress
        assertTrue(gone.getAsBoolean());
    }
}
