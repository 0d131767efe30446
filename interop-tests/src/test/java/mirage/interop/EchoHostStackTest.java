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
 * UDP echo, and HTTPS with a certificate its TLS server device made at boot, to the JDK's own
 * clients over loopback. Needs no root.
 */
class EchoHostStackTest {
    @TempDir
    static Path work;

    /**
     * A port offset for echo on the host's loopback: echo's ports (TCP 7, 80, 443; UDP 7) shifted
     * by it lie below Linux's ephemeral range (32768 and up), where no outgoing connection of
     * another process takes them between this check and echo's bind, and are free now.
     */
    static int freeBase() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom();
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = random.nextInt(10_000, 32_000);
            if (free(base + 7, true) && free(base + 80, false) && free(base + 443, false)) {
                return base;
            }
        }
        throw new AssertionError("no port range free below 32768");
    }

    private static boolean free(int port, boolean udpToo) {
        try (ServerSocket s = new ServerSocket(port)) {
            if (udpToo) {
                new java.net.DatagramSocket(port).close();
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
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
            // HTTPS with the description's TLS server device: no --tls-cert, so a certificate for
            // --tls-name (localhost) made at boot, valid for 30 days from an hour before it
            javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
            trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String auth) { }
                @Override public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String auth) { }
                @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
            }}, null);
            try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), 443 + offset)) {
                tls.setSoTimeout(30_000);
                tls.startHandshake();
                java.security.cert.X509Certificate leaf = (java.security.cert.X509Certificate) tls.getSession().getPeerCertificates()[0];
                assertEquals("CN=localhost", leaf.getSubjectX500Principal().getName());
                assertEquals(Duration.ofDays(30), Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()));
                tls.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(tls.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
        } finally {
            Host.stopTree(echo.toHandle()); // the launcher script and the JVM it started
            assertTrue(echo.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }
}
