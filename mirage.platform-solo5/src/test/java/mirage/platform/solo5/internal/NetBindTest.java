package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import mirage.net.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Binding NET_BASIC devices: the values refused before or by the host. No root needed. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NetBindTest {
    static final Manifest NET = new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC)));

    /** Attaches nothing on the host: a device that only has a name. */
    static final Solo5Platform.NetAttacher FAKE = (name, handle, option, value, mac, mtu, entropy, poller, console) -> new Device() {
        @Override
        public String name() {
            return name;
        }

        @Override
        public DeviceKind kind() {
            return DeviceKind.NET_BASIC;
        }

        @Override
        public int handle() {
            return handle;
        }

        @Override
        public void close() {}
    };

    static ArgumentException refused(String... argv) {
        return Solo5BindTest.refused(NET, argv);
    }

    static void assertOneLine(ArgumentException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().contains("\tat "), e.getMessage());
    }

    @Test
    void tapNameLongerThanIfnamsizIsMalformed() {
        ArgumentException e = refused("--net:service=tap-name-of-16by");
        Solo5BindTest.assertRefused(Problem.MALFORMED, "--net:service",
                "bad interface name in --net:service=tap-name-of-16by: it is 16 bytes; Linux allows at most 15 (IFNAMSIZ 16);"
                        + " for a stream socket write unix:PATH", e);
    }

    @Test
    void tapNamesLinuxRefusesAreMalformed() {
        for (String bad : List.of("a/b", "a:b", "a b", ".", "..", "t\u00e9")) {
            ArgumentException e = refused("--net:service=" + bad);
            assertEquals(Problem.MALFORMED, e.problem(), bad);
            assertTrue(e.getMessage().startsWith("bad interface name in --net:service="), e.getMessage());
            assertOneLine(e);
        }
        ArgumentException e = refused("--net:service=a\nb");
        assertEquals("bad interface name in --net:service=a\\x0ab: interface names are printable ASCII without '/', ':' or spaces",
                e.getMessage());
    }

    @Test
    void rawInterfaceNamesAreCheckedAsTapNames() {
        Solo5BindTest.assertRefused(Problem.MALFORMED, "--net:service", "bad interface name in --net:service=if:: it is empty",
                refused("--net:service=if:"));
        Solo5BindTest.assertRefused(Problem.MALFORMED, "--net:service",
                "bad interface name in --net:service=if:veth-name-of-16b: it is 16 bytes; Linux allows at most 15 (IFNAMSIZ 16);"
                        + " for a stream socket write unix:PATH", refused("--net:service=if:veth-name-of-16b"));
        for (String bad : List.of("a/b", "a:b", "a b", ".", "..", "t\u00e9", "if:x")) {
            ArgumentException e = refused("--net:service=if:" + bad);
            assertEquals(Problem.MALFORMED, e.problem(), bad);
            assertTrue(e.getMessage().startsWith("bad interface name in --net:service=if:"), e.getMessage());
            assertOneLine(e);
        }
    }

    @Test
    void socketPathsMustFitSockaddrUn() {
        Solo5BindTest.assertRefused(Problem.MALFORMED, "--net:service",
                "bad socket path in --net:service=unix:: give 1 to 107 bytes after 'unix:' (sockaddr_un), not 0",
                refused("--net:service=unix:"));
        ArgumentException e = refused("--net:service=unix:/" + "x".repeat(107));
        assertEquals(Problem.MALFORMED, e.problem());
        assertTrue(e.getMessage().endsWith("not 108"), e.getMessage());
    }

    @Test
    void aSocketThatDoesNotExistIsNamedWithErrno(@TempDir Path dir) {
        Path missing = dir.resolve("nothing.sock");
        Solo5BindTest.assertRefused(Problem.DEVICE, "--net:service",
                "cannot attach --net:service to the stream socket " + missing + ": connect " + missing
                        + ": ENOENT (No such file or directory)",
                refused("--net:service=unix:" + missing));
    }

    @Test
    void aFileThatIsNotASocketIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        ArgumentException e = refused("--net:service=unix:" + file);
        assertEquals(Problem.DEVICE, e.problem());
        assertTrue(e.getMessage().endsWith(": ECONNREFUSED (Connection refused)"), e.getMessage());
    }

    @Test
    void badMacAddressesAreMalformed() {
        ArgumentException e = refused("--net:service=unix:/nonexistent", "--net-mac:service=02:00:00:00:00");
        assertEquals(Problem.MALFORMED, e.problem());
        assertEquals("--net-mac:service", e.argument());
        assertTrue(e.getMessage().startsWith("bad MAC address in --net-mac:service: "), e.getMessage());
        assertOneLine(e);
        Solo5BindTest.assertRefused(Problem.MALFORMED, "--net-mac:service",
                "bad MAC address in --net-mac:service: 01:00:5e:00:00:01 is multicast; an interface needs a unicast address",
                refused("--net:service=unix:/nonexistent", "--net-mac:service=01:00:5e:00:00:01"));
    }

    @Test
    void badMtusAreMalformed() {
        for (String bad : new String[] {"67", "65521", "0", "-1", "1500x", "01500", "999999", ""}) {
            ArgumentException e = refused("--net:service=unix:/nonexistent", "--net-mtu:service=" + bad);
            if (bad.isEmpty()) {
                assertEquals("--net-mtu:service", e.argument());
                continue;
            }
            assertEquals(Problem.MALFORMED, e.problem(), bad);
            assertEquals("--net-mtu:service", e.argument());
            assertTrue(e.getMessage().startsWith("bad MTU in --net-mtu:service=" + bad + ": give a decimal number of bytes from 68 to 65520"),
                    e.getMessage());
            assertOneLine(e);
        }
    }

    @Test
    void aFakeAttacherSeesTheValuesAndTheDeviceIsOffered() throws ArgumentException {
        try (Solo5Platform p = new Solo5Platform(NET, FAKE)) {
            assertEquals(List.of("--x"), p.bind(List.of("--net:service=tap7", "--x")));
            Device d = p.device("service").orElseThrow();
            assertEquals(0, d.handle());
            assertEquals(DeviceKind.NET_BASIC, d.kind());
            // the poller is in charge now: a wake makes the next yield return at once
            p.wake();
            assertEquals(0L, p.yield(Long.MAX_VALUE));
            long deadline = p.monotonicNanos() + 5_000_000L;
            assertEquals(0L, p.yield(deadline));
            assertTrue(p.monotonicNanos() >= deadline);
        }
    }

    @Test
    void randomMacsAreUnicastAndLocallyAdministered() {
        try (Solo5Platform p = new Solo5Platform(NET)) {
            for (int i = 0; i < 200; i++) {
                MacAddress m = mirage.platform.solo5.internal.net.NetBinder.randomMac(p.entropy());
                assertTrue(m.isUnicast() && m.isLocallyAdministered(), m.toString());
            }
        }
    }
}
