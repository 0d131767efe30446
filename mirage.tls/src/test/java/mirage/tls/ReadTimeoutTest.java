package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/**
 * A TLS flow bounds its reads as its transport does (issue 19: over HTTPS a request body's wait
 * must be bounded too): a read that gets nothing within the bound throws {@code TIMEOUT}, and
 * the flow stays usable, the bytes that come later going to the next read.
 */
class ReadTimeoutTest {

    @Test
    void readTimeout_appliedThroughTheTransport_timedOutReadLeavesTheFlowUsable() throws Exception {
        Credentials credentials = Fixtures.localhost(Credentials.KeyType.ECDSA_P256);
        ClientConfig clientConfig = Fixtures.client(Crypto.HYBRID, credentials).build();
        ServerConfig serverConfig = Fixtures.server(Crypto.HYBRID, credentials).build();
        Flow.Pair pipe = Flow.pipe(64 * 1024);
        CountDownLatch timedOut = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread client = Thread.ofVirtual().start(() -> {
            try (TlsFlow c = Tls.client(pipe.left(), clientConfig, "localhost")) {
                c.handshake();
                timedOut.await(); // silent until the server's read gave up
                c.write(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII)));
                done.await();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        try (TlsFlow server = Tls.server(pipe.right(), serverConfig)) {
            server.handshake();
            assertTrue(server.readTimeout(Duration.ofMillis(200)), "a pipe's end applies read timeouts, so TLS over it does");
            FlowException e = assertThrows(FlowException.class, () -> server.read(ByteBuffer.allocate(100)));
            assertEquals(FlowException.Reason.TIMEOUT, e.reason());
            timedOut.countDown();
            ByteBuffer got = ByteBuffer.allocate(100);
            server.readTimeout(Duration.ZERO);
            int n = server.read(got);
            assertEquals("late", new String(got.array(), 0, n, StandardCharsets.US_ASCII));
            done.countDown();
        } finally {
            timedOut.countDown();
            done.countDown();
            client.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertFalse(client.isAlive());
    }
}
