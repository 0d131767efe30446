package mirage.platform.xen.internal.binding.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import mirage.block.Block;
import mirage.core.ArgumentException;
import mirage.core.spi.DeviceKind;
import mirage.core.spi.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The xen target's platform on the real clock: a guest of a simulated host in this process. */
class XenPlatformTest {
    @TempDir
    Path dir;

    static final Manifest DISK = new Manifest(List.of(new Manifest.Entry("storage", DeviceKind.BLOCK_BASIC)));

    @Test
    void blockDeviceOnAFile_throughBlkbackAndBlkfront_andTheConsoleReachesTheHostsOutput() throws Exception {
        byte[] content = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(content);
        Path file = dir.resolve("disk.img");
        Files.write(file, content);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] written = new byte[100 * 1024];
        new SplittableRandom(8).nextBytes(written);
        XenPlatform p = new XenPlatform(DISK, new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals("xen", p.name());
            assertEquals(List.of("app", "--", "--block:x=y"), p.bind(List.of("--block:storage=" + file, "app", "--", "--block:x=y")));
            Block b = (Block) p.device("storage").orElseThrow();
            assertEquals(new Block.Info(512, 2048, true), b.info());
            b.write(10, List.of(ByteBuffer.wrap(written)));
            b.flush();
            ByteBuffer back = ByteBuffer.allocate(written.length);
            b.read(10, List.of(back));
            assertArrayEquals(written, back.array());
            List<String> tree = p.xenstore("/local/domain/1/device/vbd/51712");
            assertTrue(tree.contains("/local/domain/1/device/vbd/51712/state = 4"), tree.toString());
            assertTrue(tree.contains("/local/domain/1/device/vbd/51712/backend = /local/domain/0/backend/vbd/1/51712"),
                    tree.toString());
            p.console().println("hello from the guest");
        } finally {
            p.close();
        }
        System.arraycopy(written, 0, content, 10 * 512, written.length);
        assertArrayEquals(content, Files.readAllBytes(file), "the file holds what the guest wrote");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("hello from the guest\n"), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unboundOrUnknownDevices_areArgumentErrors_andTheHostIsReleased() {
        XenPlatform p = new XenPlatform(DISK, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertEquals(ArgumentException.Problem.DEVICE,
                    assertThrows(ArgumentException.class, () -> p.bind(List.of())).problem());
        } finally {
            p.close();
        }
        XenPlatform q = new XenPlatform(DISK, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            ArgumentException e = assertThrows(ArgumentException.class,
                    () -> q.bind(List.of("--block:storage=" + dir.resolve("missing.img"), "--block:other=x")));
            assertEquals(ArgumentException.Problem.DEVICE, e.problem());
            assertTrue(e.getMessage().contains("other"), e.getMessage());
        } finally {
            q.close();
        }
        XenPlatform r = new XenPlatform(DISK, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            ArgumentException e = assertThrows(ArgumentException.class,
                    () -> r.bind(List.of("--block:storage=" + dir.resolve("missing.img"))));
            assertTrue(e.getMessage().contains("missing.img"), e.getMessage());
        } finally {
            r.close();
        }
    }
}
