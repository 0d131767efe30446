package mirage.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: a TLS flow's {@code writev} is one record (when it fits 16 KiB) in one transport
 * write; writes under a cork are packed into full records; a long write goes out four records a
 * transport write. The server's transport records every write it is given.
 */
class RecordPackingTest {
    /** A transport that records the bytes of each write (each {@code writev} is one), and the size of each read. */
    static final class Recording implements Flow {
        final Flow inner;
        final List<byte[]> writes = new ArrayList<>();
        /** Per read: the room it was given and what it returned. */
        final List<int[]> reads = new ArrayList<>();
        int corks;

        Recording(Flow inner) {
            this.inner = inner;
        }

        @Override
        public int read(ByteBuffer dst) throws FlowException {
            int room = dst.remaining();
            int n = inner.read(dst);
            synchronized (reads) {
                reads.add(new int[] {room, n});
            }
            return n;
        }

        @Override
        public void write(ByteBuffer src) throws FlowException {
            byte[] b = new byte[src.remaining()];
            src.get(src.position(), b);
            synchronized (writes) {
                writes.add(b);
            }
            inner.write(src);
        }

        @Override
        public void cork() {
            corks++;
        }

        @Override
        public void shutdown(Direction direction) throws FlowException {
            inner.shutdown(direction);
        }

        @Override
        public void close() {
            inner.close();
        }

        /** The application data records (TLS 1.3: opaque type 23) of every write since {@link #clear}, by write. */
        List<List<Integer>> records() {
            List<List<Integer>> out = new ArrayList<>();
            synchronized (writes) {
                for (byte[] w : writes) {
                    List<Integer> lengths = new ArrayList<>();
                    for (int at = 0; at + 5 <= w.length; ) {
                        int length = (w[at + 3] & 0xff) << 8 | (w[at + 4] & 0xff);
                        if (w[at] == 23) {
                            lengths.add(length);
                        }
                        at += 5 + length;
                    }
                    out.add(lengths);
                }
            }
            return out;
        }

        void clear() {
            synchronized (writes) {
                writes.clear();
            }
        }
    }

    interface ServerSide {
        void run(TlsFlow flow, Recording transport) throws Exception;
    }

    /** A TLS 1.3 session; the server runs {@code side} on its flow, the client reads everything; returns what it read. */
    static byte[] session(ServerSide side) throws Exception {
        Credentials credentials = Fixtures.localhost(Credentials.KeyType.ECDSA_P256);
        Flow.Pair pipe = Flow.pipe(1 << 20);
        Recording transport = new Recording(pipe.right());
        CompletableFuture<Void> server = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (TlsFlow flow = Tls.server(transport, Fixtures.server(Crypto.HYBRID, credentials).build())) {
                flow.handshake();
                transport.clear();
                side.run(flow, transport);
                flow.shutdown(Flow.Direction.WRITE);
                server.complete(null);
            } catch (Exception | AssertionError e) {
                server.completeExceptionally(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (TlsFlow client = Tls.client(pipe.left(), Fixtures.client(Crypto.HYBRID, credentials).build(), "localhost")) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (client.read(b.clear()) != Flow.EOF) {
                got.write(b.array(), 0, b.position());
            }
        }
        server.get(60, TimeUnit.SECONDS);
        return got.toByteArray();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    @Test
    void writev_headAndBody_oneRecordInOneTransportWrite() throws Exception {
        byte[] head = bytes(107, 1);
        byte[] body = bytes(1000, 2);
        List<List<List<Integer>>> seen = new ArrayList<>();
        byte[] got = session((flow, transport) -> {
            flow.writev(ByteBuffer.wrap(head), ByteBuffer.wrap(body));
            seen.add(transport.records());
        });
        assertEquals(List.of(List.of(1107 + 17)), seen.get(0), "one write, one record: 1,107 bytes, type and tag");
        assertArrayEquals(concat(head, body), got);
    }

    @Test
    void corkedPieces_packedIntoFullRecords_oneTransportWriteAtUncork() throws Exception {
        byte[] data = bytes(40_000, 3);
        List<List<List<Integer>>> seen = new ArrayList<>();
        byte[] got = session((flow, transport) -> {
            flow.cork();
            for (int at = 0; at < data.length; at += 1000) {
                flow.write(ByteBuffer.wrap(data, at, 1000));
            }
            seen.add(transport.records());
            flow.uncork();
            seen.add(transport.records());
        });
        assertEquals(List.of(), seen.get(0), "nothing before the uncork: fewer than four records' worth");
        assertEquals(List.of(List.of(16384 + 17, 16384 + 17, 40_000 - 2 * 16384 + 17)), seen.get(1),
                "two full records and the rest, in one transport write");
        assertArrayEquals(data, got);
    }

    @Test
    void longWrite_fourRecordsATransportWrite() throws Exception {
        byte[] data = bytes(200_000, 4);
        List<List<List<Integer>>> seen = new ArrayList<>();
        byte[] got = session((flow, transport) -> {
            flow.write(ByteBuffer.wrap(data));
            seen.add(transport.records());
        });
        List<List<Integer>> writes = seen.get(0);
        assertEquals(4, writes.size(), "13 records in 4 writes: " + writes);
        assertEquals(List.of(4, 4, 4, 1), writes.stream().map(List::size).toList());
        assertTrue(writes.stream().flatMap(List::stream).limit(12).allMatch(n -> n == 16384 + 17), writes.toString());
        assertArrayEquals(data, got);
    }

    @Test
    void corkedAndClosed_theHeldBytesGoBeforeCloseNotify() throws Exception {
        byte[] data = bytes(3000, 5);
        Credentials credentials = Fixtures.localhost(Credentials.KeyType.ECDSA_P256);
        Flow.Pair pipe = Flow.pipe(1 << 20);
        Thread server = Thread.ofVirtual().start(() -> {
            try (TlsFlow flow = Tls.server(pipe.right(), Fixtures.server(Crypto.HYBRID, credentials).build())) {
                flow.cork();
                flow.write(ByteBuffer.wrap(data));
            } catch (FlowException e) {
                throw new AssertionError(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (TlsFlow client = Tls.client(pipe.left(), Fixtures.client(Crypto.HYBRID, credentials).build(), "localhost")) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (client.read(b.clear()) != Flow.EOF) {
                got.write(b.array(), 0, b.position());
            }
        }
        server.join();
        assertArrayEquals(data, got.toByteArray(), "read to a clean close_notify: nothing lost");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
