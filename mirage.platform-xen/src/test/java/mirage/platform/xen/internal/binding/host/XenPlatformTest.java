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

    @Test
    void netDeviceOnAUnixStream_framesBothWaysThroughNetfrontNetbackAndTheBridge_macInXensOui() throws Exception {
        Path socket = dir.resolve("net.sock");
        Manifest m = new Manifest(List.of(new Manifest.Entry("service", DeviceKind.NET_BASIC)));
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            XenPlatform p = new XenPlatform(m, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            try {
                p.bind(List.of("--net:service=unix:" + socket));
                java.nio.channels.SocketChannel peer = server.accept();
                mirage.net.Netif guest = (mirage.net.Netif) p.device("service").orElseThrow();
                assertTrue(guest.mac().toString().startsWith("00:16:3e:"), guest.mac().toString());
                List<String> vif = p.xenstore("/local/domain/1/device/vif/0");
                assertTrue(vif.contains("/local/domain/1/device/vif/0/mac = " + guest.mac()), vif.toString());
                assertTrue(vif.contains("/local/domain/1/device/vif/0/state = 4"), vif.toString());

                // host to guest: a framed frame on the socket reaches the guest's receiver on the yielding thread
                List<byte[]> received = new java.util.ArrayList<>();
                guest.listen(f -> {
                    byte[] c = new byte[f.remaining()];
                    f.get(c);
                    received.add(c);
                });
                byte[] in = frame(guest.mac().toString(), 300, 1);
                peer.write(ByteBuffer.allocate(4 + in.length).putInt(in.length).put(in).flip());
                long deadline = p.monotonicNanos() + 10_000_000_000L; // a stall bound, not a timing
                while (received.isEmpty() && p.monotonicNanos() < deadline) {
                    p.yield(p.monotonicNanos() + 10_000_000L);
                }
                assertEquals(1, received.size());
                assertArrayEquals(in, received.get(0));

                // guest to host: a frame sent by the guest comes out of the socket, framed
                byte[] out = frame("02:00:00:00:00:01", 1514, 2);
                guest.send(ByteBuffer.wrap(out));
                ByteBuffer got = ByteBuffer.allocate(4 + out.length);
                while (got.hasRemaining()) {
                    peer.read(got);
                }
                got.flip();
                assertEquals(out.length, got.getInt());
                byte[] body = new byte[out.length];
                got.get(body);
                assertArrayEquals(out, body);
                peer.close();
            } finally {
                p.close();
            }
        }
    }

    /** An Ethernet frame to {@code dst} of {@code length} bytes, IPv4 type, random payload. */
    private static byte[] frame(String dst, int length, long seed) {
        byte[] f = new byte[length];
        new SplittableRandom(seed).nextBytes(f);
        String[] octets = dst.split(":");
        for (int i = 0; i < 6; i++) {
            f[i] = (byte) Integer.parseInt(octets[i], 16);
        }
        f[6] = 0x02; // a unicast source
        f[12] = 0x08;
        f[13] = 0x00;
        return f;
    }
}
