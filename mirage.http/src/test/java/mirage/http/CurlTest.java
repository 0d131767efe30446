package mirage.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.testkit.HostFlows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against curl, a client no one here wrote, over loopback TCP: persistent
 * connections, uploads with {@code Expect: 100-continue}, chunked uploads and downloads, HTTP/1.0.
 * Skipped when curl is not installed.
 */
class CurlTest {
    @TempDir
    Path dir;
    ServerSocketChannel listener;
    ExecutorService pool;
    /** Everything the server wrote, per connection. */
    final List<ByteArrayOutputStream> written = new ArrayList<>();

    static final Handler HANDLER = r -> switch (r.path()) {
        case "/hello" -> Response.text(200, "OK", "hello\n");
        case "/echo" -> new Response(200, "OK", Headers.of("Content-Type", "application/octet-stream"), Content.of(r.body().readAll()));
        case "/chunked" -> new Response(200, "OK", Headers.EMPTY, new Content.Chunked(sink -> {
            for (int i = 0; i < 100; i++) {
                sink.write(ByteBuffer.wrap(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
        }));
        default -> Response.text(404, "Not Found", "no\n");
    };

    static boolean curlInstalled() {
        try {
            return new ProcessBuilder("curl", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @BeforeEach
    void start() throws IOException {
        assumeTrue(curlInstalled(), "curl is not installed");
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        pool = Executors.newVirtualThreadPerTaskExecutor();
        pool.submit(() -> {
            while (true) {
                SocketChannel s = listener.accept();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                synchronized (written) {
                    written.add(out);
                }
                pool.submit(() -> {
                    try (Flow f = new Recording(HostFlows.of(s), out)) {
                        HttpServer.serve(f, HANDLER);
                    }
                    return null;
                });
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort() + path;
    }

    static byte[] curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "curl " + String.join(" ", args));
        return out;
    }

    @Test
    void twoGetsOnOneConnection() throws Exception {
        String out = new String(curl("-w", "connects=%{num_connects}\\n", url("/hello"), url("/hello")), StandardCharsets.US_ASCII);
        assertEquals("hello\nconnects=1\nhello\nconnects=0\n", out, "the second request reuses the connection");
    }

    @Test
    void uploadWithExpectContinue_answeredAndEchoed() throws Exception {
        byte[] body = new byte[300_000];
        new SplittableRandom(1).nextBytes(body);
        Path file = Files.write(dir.resolve("up"), body);
        byte[] back = curl("--expect100-timeout", "30", "-H", "Expect: 100-continue", "-T", file.toString(), url("/echo"));
        assertArrayEquals(body, back);
        String server = written.getFirst().toString(StandardCharsets.ISO_8859_1);
        assertTrue(server.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), server.substring(0, 60));
    }

    @Test
    void chunkedUpload_andChunkedDownload() throws Exception {
        byte[] body = new byte[100_000];
        new SplittableRandom(2).nextBytes(body);
        Path file = Files.write(dir.resolve("up"), body);
        assertArrayEquals(body, curl("-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, url("/echo")));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            lines.append("line ").append(i).append('\n');
        }
        assertEquals(lines.toString(), new String(curl(url("/chunked")), StandardCharsets.US_ASCII));
        assertEquals(lines.toString(), new String(curl("--http1.0", url("/chunked")), StandardCharsets.US_ASCII),
                "an HTTP/1.0 client gets the body to the close");
    }

    /** {@code inner}, recording what is written to it. */
    record Recording(Flow inner, ByteArrayOutputStream out) implements Flow {
        @Override
        public int read(ByteBuffer dst) throws FlowException {
            return inner.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            writev(src);
        }

        @Override
        public void writev(ByteBuffer... srcs) throws FlowException {
            for (ByteBuffer b : srcs) {
                out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            }
            inner.writev(srcs);
        }

        @Override
        public void shutdown(Direction direction) throws FlowException {
            inner.shutdown(direction);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
