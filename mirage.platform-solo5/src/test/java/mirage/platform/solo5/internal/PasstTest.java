package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mirage.core.spi.Manifest;
import mirage.net.MacAddress;
import mirage.net.Netif;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The framed-stream device against a real passt (Debian package {@code passt}; skipped where it
 * is not installed): passt answers ARP requests for any address but the guest's own with its
 * MAC, so a hand-built request gets a reply through the stream.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PasstTest {
    static final MacAddress MAC = MacAddress.parse("02:6d:69:72:00:02");

    static Path passt() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "passt");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void passtAnswersArpThroughTheStream(@TempDir Path dir) throws Exception {
        Path passt = passt();
        assumeTrue(passt != null, "passt is not installed");
        // passt drops to 'nobody' when started as root: it must be able to create its socket
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = dir.resolve("passt.sock");
        Process process = new ProcessBuilder(passt.toString(), "-f", "-q", "-1", "-s", socket.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (Solo5Platform platform = new Solo5Platform(NetBindTest.NET)) {
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(socket) && process.isAlive() && System.nanoTime() < limit) {
                Thread.sleep(20);
            }
            assumeTrue(Files.exists(socket), "passt did not start here");
            platform.bind(List.of("--net:service=unix:" + socket, "--net-mac:service=" + MAC));
            Netif netif = (Netif) platform.device("service").orElseThrow();
            List<byte[]> received = new ArrayList<>();
            netif.listen(frame -> {
                byte[] b = new byte[frame.remaining()];
                frame.get(frame.position(), b);
                received.add(b);
            });
            byte[] target = {10, 77, 0, 1};
            ByteBuffer arp = ByteBuffer.allocate(42);
            arp.put(MacAddress.BROADCAST.toBytes()).put(MAC.toBytes()).putShort((short) 0x0806);
            arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
            arp.put(MAC.toBytes()).put(new byte[] {10, 77, 0, 2}).put(new byte[6]).put(target);
            byte[] reply = null;
            while (reply == null && System.nanoTime() < limit) {
                netif.send(arp.clear());
                long until = platform.monotonicNanos() + 200_000_000L;
                while (reply == null && platform.monotonicNanos() < until) {
                    platform.yield(until);
                    for (byte[] f : received) {
                        if (f.length >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 && Arrays.equals(f, 28, 32, target, 0, 4)) {
                            reply = f;
                        }
                    }
                }
            }
            assertTrue(reply != null, "passt answered ARP");
            assertArrayEquals(MAC.toBytes(), Arrays.copyOfRange(reply, 32, 38));
        } finally {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
