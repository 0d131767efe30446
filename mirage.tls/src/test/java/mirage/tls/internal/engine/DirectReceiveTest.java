package mirage.tls.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import mirage.core.Rng;
import mirage.tls.Crypto;
import mirage.tls.internal.crypto.Backends;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsEngine#receive(long, byte[], int, int, ByteBuffer)}: application data goes straight
 * into the caller's buffer as far as it has room, the rest is queued, and whatever the sizes the
 * reader sees the writer's bytes once each, in order.
 */
class DirectReceiveTest {
    private static final long NOW = java.time.Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

    private static TlsEngine[] open(boolean tls12, Crypto crypto) {
        TlsEngine client = TlsEngine.client(RecordFuzzTest.client(tls12), "localhost", true,
                Backends.create(crypto, Rng.seeded(3)));
        TlsEngine server = TlsEngine.server(RecordFuzzTest.server(), Backends.create(crypto, Rng.seeded(4)));
        RecordFuzzTest.pump(client, server);
        assertInstanceOf(TlsEngine.Open.class, client.state());
        assertInstanceOf(TlsEngine.Open.class, server.state());
        return new TlsEngine[] {client, server};
    }

    private static byte[] data(int n, int seed) {
        byte[] b = new byte[n];
        Rng.seeded(seed).nextBytes(b);
        return b;
    }

    @Test
    void aSmallBufferTakesWhatFitsAndTheRestIsReadInOrder() {
        TlsEngine[] pair = open(false, Crypto.HYBRID);
        byte[] sent = data(40_000, 1); // three records
        pair[0].writeApplication(sent, 0, sent.length);
        byte[] records = RecordFuzzTest.output(pair[0]);
        ByteBuffer small = ByteBuffer.allocate(10_000);
        assertEquals(10_000, pair[1].receive(NOW, records, 0, records.length, small));
        assertEquals(30_000, pair[1].applicationAvailable());

        // More data while some is queued: all of it queued behind, none put in the buffer.
        byte[] more = data(5_000, 2);
        pair[0].writeApplication(more, 0, more.length);
        byte[] next = RecordFuzzTest.output(pair[0]);
        ByteBuffer big = ByteBuffer.allocate(1 << 16);
        assertEquals(0, pair[1].receive(NOW, next, 0, next.length, big));
        assertEquals(35_000, pair[1].applicationAvailable());
        pair[1].readApplication(big);

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.write(small.array(), 0, small.position());
        got.write(big.array(), 0, big.position());
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(sent, 0, sent.length);
        want.write(more, 0, more.length);
        assertArrayEquals(want.toByteArray(), got.toByteArray());
    }

    @Test
    void handshakeRecordsStillGoToBouncyCastle() {
        // The handshake's own records arrive with a buffer given: nothing lands in it.
        TlsEngine client = TlsEngine.client(RecordFuzzTest.client(false), "localhost", true,
                Backends.create(Crypto.HYBRID, Rng.seeded(3)));
        TlsEngine server = TlsEngine.server(RecordFuzzTest.server(), Backends.create(Crypto.HYBRID, Rng.seeded(4)));
        ByteBuffer dst = ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < 8; i++) {
            byte[] c = RecordFuzzTest.output(client);
            byte[] s = RecordFuzzTest.output(server);
            assertEquals(0, server.receive(NOW, c, 0, c.length, dst));
            assertEquals(0, client.receive(NOW, s, 0, s.length, dst));
        }
        assertInstanceOf(TlsEngine.Open.class, client.state());
        assertInstanceOf(TlsEngine.Open.class, server.state());
        assertEquals(0, dst.position());
    }

    @Test
    void everySplitDeliversTheBytesOnceInOrder() {
        qt().withExamples(60).forAll(
                lists().of(integers().between(0, 20_000)).ofSizeBetween(1, 6),
                lists().of(integers().between(0, 40_000)).ofSizeBetween(1, 6),
                booleans().all()).checkAssert((writes, capacities, tls12) -> {
                    TlsEngine[] pair = open(tls12, tls12 ? Crypto.BOUNCY_CASTLE : Crypto.HYBRID);
                    ByteArrayOutputStream want = new ByteArrayOutputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    for (int i = 0; i < writes.size(); i++) {
                        byte[] sent = data(writes.get(i), i);
                        want.write(sent, 0, sent.length);
                        if (sent.length > 0) {
                            pair[0].writeApplication(sent, 0, sent.length);
                        }
                        byte[] records = RecordFuzzTest.output(pair[0]);
                        ByteBuffer dst = ByteBuffer.allocate(capacities.get(i % capacities.size()));
                        int direct = pair[1].receive(NOW, records, 0, records.length, dst);
                        assertEquals(dst.position(), direct);
                        got.write(dst.array(), 0, direct);
                        if (i % 2 == 1) { // sometimes leave queued data behind for the next receive
                            drain(pair[1], got);
                        }
                    }
                    drain(pair[1], got);
                    assertArrayEquals(want.toByteArray(), got.toByteArray());
                });
    }

    private static void drain(TlsEngine engine, ByteArrayOutputStream into) {
        ByteBuffer b = ByteBuffer.allocate(7_000);
        int n;
        while ((n = engine.readApplication(b.clear())) > 0) {
            into.write(b.array(), 0, n);
        }
    }
}
