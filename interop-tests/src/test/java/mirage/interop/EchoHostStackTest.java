package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same examples/echo configured with {@code --stack=host}: its image holds no network
 * device, listens on the host's ports shifted by {@code --port-offset}, and serves HTTP, TCP and
 * UDP echo to the JDK's own clients over loopback. Needs no root.
 */
class EchoHostStackTest {
    @TempDir
    static Path work;

    static int freeBase() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort() - 80;
            }
            if (base > 1024 && base < 60000) {
                return base;
            }
        }
        throw new AssertionError("no port range free");
    }

    @Test
    void stackHost_imageWithoutDevices_servesHttpTcpAndUdpOnShiftedPorts() throws Exception {
        Path image = Mirage.buildExample("echo", work, "--stack=host");
        assertEquals("mirage-manifest 1\n", Files.readString(image.resolve("mirage-manifest")));
        assertEquals("stack=host\n", Files.readString(work.resolve("echo/_build/keys")), "remembered for later builds");

        int offset = freeBase();
        Path log = work.resolve("echo.log");
        Process echo = new ProcessBuilder(List.of(image.resolve("bin/echo").toString(), "--port-offset=" + offset))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Host.Netns.awaitLine(log, "HTTP on port 80", echo, Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (80 + offset) + "/bytes/1000000"))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertEquals(1_000_000, r.body().length);
            for (int i = 0; i < r.body().length; i += 4999) {
                assertEquals((byte) (i % 251), r.body()[i], "byte " + i);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), 7 + offset)) {
                OutputStream out = s.getOutputStream();
                out.write("tcp echo".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                in.transferTo(got);
                assertEquals("tcp echo", got.toString(StandardCharsets.US_ASCII));
            }
            try (DatagramSocket d = new DatagramSocket()) {
                d.setSoTimeout(5000);
                byte[] msg = "udp echo".getBytes(StandardCharsets.US_ASCII);
                d.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), 7 + offset));
                DatagramPacket back = new DatagramPacket(new byte[100], 100);
                d.receive(back);
                assertEquals("udp echo", new String(back.getData(), 0, back.getLength(), StandardCharsets.US_ASCII));
            }
        } finally {
            Host.stopTree(echo.toHandle()); // the launcher script and the JVM it started
            assertTrue(echo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
