package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import org.junit.jupiter.api.Test;

/**
 * A TLS flow reads its transport into a small buffer until a read fills it, then into one that
 * holds a whole record (decision 0076): a connection that only shakes hands allocates no
 * record-sized buffers, and a bulk transfer still reads records whole, every byte in order.
 */
class TransportReadBufferTest {
    /** 5-byte header, 2^14 bytes of plaintext, 256 of expansion: EngineFlow's record. */
    private static final int RECORD = 5 + 16384 + 256;

    @Test
    void smallReadsUntilOneFillsTheBuffer_thenWholeRecords_andEveryByteArrives() throws Exception {
        Credentials credentials = Fixtures.localhost(Credentials.KeyType.ECDSA_P256);
        Flow.Pair pipe = Flow.pipe(1 << 20);
        RecordPackingTest.Recording transport = new RecordPackingTest.Recording(pipe.right());
        byte[] up = RecordPackingTest.bytes(200_000, 76);
        CompletableFuture<byte[]> atServer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (TlsFlow flow = Tls.server(transport, Fixtures.server(Crypto.HYBRID, credentials).build())) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer b = ByteBuffer.allocate(1 << 16);
                while (flow.read(b.clear()) != Flow.EOF) {
                    got.write(b.array(), 0, b.position());
                }
                atServer.complete(got.toByteArray());
            } catch (Exception | AssertionError e) {
                atServer.completeExceptionally(e);
            }
        });
        try (TlsFlow client = Tls.client(pipe.left(), Fixtures.client(Crypto.HYBRID, credentials).build(), "localhost")) {
            client.handshake();
            client.write(ByteBuffer.wrap(up));
            client.shutdown(Flow.Direction.WRITE);
            assertArrayEquals(up, atServer.get(60, TimeUnit.SECONDS));
        }
        List<int[]> reads;
        synchronized (transport.reads) {
            reads = List.copyOf(transport.reads);
        }
        assertEquals(4096, reads.get(0)[0], "the first read (the ClientHello's) has a small buffer");
        boolean grown = false;
        for (int i = 0; i < reads.size(); i++) {
            int room = reads.get(i)[0];
            assertTrue(room == (grown ? RECORD : 4096), "read " + i + " had room for " + room + " bytes");
            if (reads.get(i)[1] == room) {
                grown = true; // a read that filled the buffer: whole records from the next read on
            }
        }
        assertTrue(grown, "200,000 bytes filled a 4 KiB read at least once");
        assertTrue(reads.stream().filter(r -> r[0] == RECORD).count() >= 2, "bulk reads are record-sized");
    }
}
