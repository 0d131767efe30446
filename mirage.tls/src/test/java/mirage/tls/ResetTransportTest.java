package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.core.Flow;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/**
 * A transport whose peer reset the connection takes no more writes from TLS: closing the flow
 * after a read failed with {@code RESET} writes no close_notify (it could only fail); after any
 * other failure it still does.
 */
class ResetTransportTest {

    /** Passes everything through until told to fail reads; counts writes. */
    private static final class FailingReads implements Flow {
        private final Flow inner;
        volatile FlowException.Reason failWith;
        final AtomicInteger writes = new AtomicInteger();

        FailingReads(Flow inner) {
            this.inner = inner;
        }

        @Override
        public int read(ByteBuffer dst) throws FlowException {
            FlowException.Reason r = failWith;
            if (r != null) {
                throw new FlowException(r, "test: " + r);
            }
            return inner.read(dst);
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            writes.incrementAndGet();
            inner.write(src);
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

    private static int writesOfCloseAfterReadFailed(FlowException.Reason reason) throws Exception {
        Credentials credentials = Fixtures.localhost(Credentials.KeyType.ECDSA_P256);
        ClientConfig clientConfig = Fixtures.client(Crypto.HYBRID, credentials).build();
        ServerConfig serverConfig = Fixtures.server(Crypto.HYBRID, credentials).build();
        Flow.Pair pipe = Flow.pipe(64 * 1024);
        FailingReads transport = new FailingReads(pipe.right());
        Thread client = Thread.ofVirtual().start(() -> {
            try (TlsFlow c = Tls.client(pipe.left(), clientConfig, "localhost")) {
                c.handshake();
                c.read(ByteBuffer.allocate(100)); // until the server's side ends
            } catch (FlowException e) {
                // the server went away: expected
            }
        });
        try (TlsFlow server = Tls.server(transport, serverConfig)) {
            server.handshake();
            transport.failWith = reason;
            FlowException e = assertThrows(FlowException.class, () -> server.read(ByteBuffer.allocate(100)));
            assertEquals(reason, e.reason());
            int before = transport.writes.get();
            server.close();
            return transport.writes.get() - before;
        } finally {
            client.join(60_000);
        }
    }

    @Test
    void afterAReset_closeWritesNothing() throws Exception {
        assertEquals(0, writesOfCloseAfterReadFailed(FlowException.Reason.RESET));
    }

    @Test
    void afterATimeout_closeStillSendsCloseNotify() throws Exception {
        assertTrue(writesOfCloseAfterReadFailed(FlowException.Reason.TIMEOUT) > 0);
    }
}
