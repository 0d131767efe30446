package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mirage.block.Block;
import mirage.block.BlockException;
import mirage.core.ArgumentException;
import mirage.core.ArgumentException.Problem;
import mirage.core.spi.Device;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Solo5BindTest {
    static final Manifest TWO = new Manifest(List.of(
            new Manifest.Entry("service", DeviceKind.NET_BASIC), new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC)));

    static ArgumentException refused(Manifest m, String... argv) {
        try (Solo5Platform p = new Solo5Platform(m)) {
            return assertThrows(ArgumentException.class, () -> p.bind(List.of(argv)));
        }
    }

    static void assertRefused(Problem problem, String argument, String message, ArgumentException e) {
        assertEquals(message, e.getMessage());
        assertEquals(problem, e.problem());
        assertEquals(argument, e.argument());
    }

    @Test
    void withoutDevicesEverythingElseIsReturnedInOrder() throws ArgumentException {
        try (Solo5Platform p = new Solo5Platform(Manifest.EMPTY)) {
            List<String> argv = List.of("--count=1", "x", "--net", "--netx:a=b", "--", "--net:foo=bar", "--block:x");
            assertEquals(argv, p.bind(argv));
            assertEquals(List.of(), p.bind(List.of()));
        }
    }

    @Test
    void unknownDeviceNamesItAndWhatTheManifestLists() {
        assertRefused(Problem.DEVICE, "--net:other",
                "unknown device 'other' in --net:other: the manifest lists service (NET_BASIC) storage (BLOCK_BASIC)",
                refused(TWO, "--net:other=tap0"));
        assertRefused(Problem.DEVICE, "--block:x",
                "unknown device 'x' in --block:x: this unikernel has no devices",
                refused(Manifest.EMPTY, "--count=1", "--block:x=/dev/sda"));
        assertRefused(Problem.DEVICE, "--net-mac:x",
                "unknown device 'x' in --net-mac:x: this unikernel has no devices",
                refused(Manifest.EMPTY, "--net-mac:x=02:00:00:00:00:01"));
    }

    @Test
    void unknownDeviceWithControlCharactersIsOneLine() {
        ArgumentException e = refused(TWO, "--net:a\nb=tap0");
        assertEquals(Problem.DEVICE, e.problem());
        assertEquals("unknown device 'a\\x0ab' in --net:a\\x0ab: the manifest lists service (NET_BASIC) storage (BLOCK_BASIC)",
                e.getMessage());
    }

    @Test
    void kindMismatchIsRefused() {
        assertRefused(Problem.DEVICE, "--block:service",
                "device 'service' is NET_BASIC, not BLOCK_BASIC as --block:service says",
                refused(TWO, "--block:service=/tmp/disk"));
        assertRefused(Problem.DEVICE, "--net:storage",
                "device 'storage' is BLOCK_BASIC, not NET_BASIC as --net:storage says",
                refused(TWO, "--net:storage=tap0"));
    }

    @Test
    void malformedBindingIsRefused() {
        assertRefused(Problem.MALFORMED, "--net:service",
                "malformed device binding '--net:service': expected --net:NAME=VALUE", refused(TWO, "--net:service"));
        assertRefused(Problem.MALFORMED, "--block:storage",
                "malformed device binding '--block:storage=': expected --block:NAME=VALUE", refused(TWO, "--block:storage="));
        assertRefused(Problem.MALFORMED, "--net:",
                "malformed device binding '--net:=tap0': expected --net:NAME=VALUE", refused(TWO, "--net:=tap0"));
        assertRefused(Problem.MALFORMED, "--net-mac:",
                "malformed device binding '--net-mac:': expected --net-mac:NAME=VALUE", refused(TWO, "--net-mac:"));
    }

    @Test
    void repeatedBindingIsRefused() {
        assertRefused(Problem.REPEATED, "--net:service", "--net:service given more than once",
                refused(TWO, "--net:service=tap0", "--block:storage=/d", "--net:service=tap1"));
    }

    @Test
    void unboundDeviceNamesTheOptionToGive() {
        assertRefused(Problem.DEVICE, "--net:service",
                "device 'service' (NET_BASIC) is not bound: give --net:service=TAP, --net:service=if:IFACE or --net:service=unix:PATH", refused(TWO));
        assertRefused(Problem.DEVICE, "--block:storage",
                "device 'storage' (BLOCK_BASIC) is not bound: give --block:storage=PATH",
                refused(TWO, "--net:service=tap0"));
        // a MAC alone does not bind the interface
        assertRefused(Problem.DEVICE, "--net:service",
                "device 'service' (NET_BASIC) is not bound: give --net:service=TAP, --net:service=if:IFACE or --net:service=unix:PATH",
                refused(TWO, "--net-mac:service=02:00:00:00:00:01"));
        // bindings after "--" are the unikernel's, not the platform's
        assertRefused(Problem.DEVICE, "--net:service",
                "device 'service' (NET_BASIC) is not bound: give --net:service=TAP, --net:service=if:IFACE or --net:service=unix:PATH",
                refused(TWO, "--", "--net:service=tap0"));
    }

    static final Manifest KV = new Manifest(List.of(new Manifest.Entry("certs", DeviceKind.KV_RO),
            new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC)));

    @Test
    void kvDeviceIsTheDirectoryReadWhenBound_refusedWhenMissingOrOfAnotherKind(@TempDir Path dir) throws Exception {
        Path certs = dir.resolve("certs");
        Files.createDirectories(certs);
        Files.writeString(certs.resolve("server.pem"), "certificate");
        Path disk = dir.resolve("disk.img");
        Files.write(disk, new byte[512]);
        try (Solo5Platform p = new Solo5Platform(KV)) {
            assertEquals(List.of("--x"), p.bind(List.of("--kv:certs=" + certs, "--x", "--block:storage=" + disk)));
            mirage.kv.KvRo kv = (mirage.kv.KvRo) p.device("certs").orElseThrow();
            assertEquals(DeviceKind.KV_RO, ((Device) kv).kind());
            assertEquals(0, ((Device) kv).handle());
            assertEquals("certificate", new String(kv.get(mirage.kv.Key.parse("server.pem")), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertRefused(Problem.DEVICE, "--kv:certs", "device 'certs' (KV_RO) is not bound: give --kv:certs=DIR or --kv:certs=FILE.tar",
                refused(KV, "--block:storage=" + disk));
        assertRefused(Problem.DEVICE, "--kv:storage", "device 'storage' is BLOCK_BASIC, not KV_RO as --kv:storage says",
                refused(KV, "--kv:storage=" + certs));
        assertRefused(Problem.DEVICE, "--kv:certs", "cannot attach --kv:certs: " + dir.resolve("absent")
                + " does not exist (give a directory or a tar file)",
                refused(KV, "--kv:certs=" + dir.resolve("absent"), "--block:storage=" + disk));
        // a refused block device releases the store already read
        assertRefused(Problem.DEVICE, "--block:storage", "cannot attach --block:storage: " + dir.resolve("absent")
                + " does not exist (create it first, e.g. truncate -s 64M " + dir.resolve("absent") + ")",
                refused(KV, "--kv:certs=" + certs, "--block:storage=" + dir.resolve("absent")));
    }

    static final Manifest BLOCK = new Manifest(List.of(new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC)));

    @Test
    void blockDeviceIsTheFileInSectorsOf512_readAndWritten_closedWithThePlatform(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("disk.img");
        Files.write(file, new byte[8 * 512]);
        Block device;
        try (Solo5Platform p = new Solo5Platform(BLOCK)) {
            assertEquals(List.of("--x"), p.bind(List.of("--block:storage=" + file, "--x")));
            device = (Block) p.device("storage").orElseThrow();
            assertEquals(DeviceKind.BLOCK_BASIC, ((Device) device).kind());
            assertEquals(new Block.Info(512, 8, true), device.info());
            ByteBuffer sector = ByteBuffer.allocate(512);
            sector.put(0, (byte) 7).put(511, (byte) 9);
            device.write(3, List.of(sector));
            device.flush();
        }
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(7, bytes[3 * 512]);
        assertEquals(9, bytes[4 * 512 - 1]);
        BlockException e = assertThrows(BlockException.class, () -> device.read(0, List.of(ByteBuffer.allocate(512))));
        assertEquals(BlockException.Reason.DISCONNECTED, e.reason());
    }

    @Test
    void blockDeviceFileMustExistAndBeWholeSectors_neverCreatedOrResized(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.img");
        assertRefused(Problem.DEVICE, "--block:storage",
                "cannot attach --block:storage: " + missing + " does not exist (create it first, e.g. truncate -s 64M " + missing + ")",
                refused(BLOCK, "--block:storage=" + missing));
        assertFalse(Files.exists(missing));
        Path odd = dir.resolve("odd.img");
        Files.write(odd, new byte[1000]);
        assertRefused(Problem.DEVICE, "--block:storage",
                "cannot attach --block:storage: the size of " + odd + " (1000 bytes) is not a positive multiple of 512",
                refused(BLOCK, "--block:storage=" + odd));
        assertEquals(1000, Files.size(odd));
        assertRefused(Problem.DEVICE, "--block:storage", "cannot attach --block:storage: " + dir + " is a directory",
                refused(BLOCK, "--block:storage=" + dir));
    }

    @Test
    void aRefusedNetDeviceReleasesTheBlockDeviceAlreadyAttached(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("disk.img");
        Files.write(file, new byte[512]);
        try (Solo5Platform p = new Solo5Platform(TWO)) {
            ArgumentException e = assertThrows(ArgumentException.class,
                    () -> p.bind(List.of("--net:service=unix:" + dir.resolve("no-such-socket"), "--block:storage=" + file)));
            assertEquals("--net:service", e.argument());
            assertTrue(p.device("storage").isEmpty(), "nothing stays bound after a refusal");
        }
    }
}
