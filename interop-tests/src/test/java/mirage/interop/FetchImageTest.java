package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/fetch on the direct stack downloads 100 MB of random bytes from a Linux HTTP server
 * (Python's http.server) on the TAP's kernel side, in a network namespace, and its SHA-256
 * matches the file's. Needs root.
 */
class FetchImageTest {
    static final String TAP = "tapfetch";

    @TempDir
    static Path work;

    @Test
    void fetch_100MBFromALinuxServer_shaMatches() throws Exception {
        Host.assumeRoot();
        Path image = Mirage.buildExample("fetch", work);

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

        try (Host.Netns ns = new Host.Netns("mirage-fetch")) {
            // the TAP exists before the unikernel starts, so the server can listen on its address
            ns.exec("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
            ns.exec("ip", "addr", "add", "10.81.0.1/24", "dev", TAP);
            ns.exec("ip", "link", "set", TAP, "up");
            Path serverLog = work.resolve("server.log");
            Process server = ns.start(serverLog, "python3", "-m", "http.server", "--bind", "10.81.0.1", "--directory",
                    site.toString(), "8000");
            Host.Netns.awaitLine(serverLog, "Serving HTTP", server, Duration.ofSeconds(30));
            Path log = work.resolve("fetch.log");
            Process fetch = ns.start(log, image.resolve("bin/fetch").toString(), "--net:service=" + TAP,
                    "--ipv4=10.81.0.2/24", "--server=10.81.0.1", "--port=8000", "--path=/big.bin");
            assertTrue(fetch.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "fetch finished:\n" + Host.read(log));
            String out = Host.read(log);
            assertEquals(0, fetch.exitValue(), out);
            assertTrue(out.startsWith("fetch: HTTP/1.0 200 OK, 104857600 bytes, sha256 " + expected + ", "), out);
        }
    }
}
