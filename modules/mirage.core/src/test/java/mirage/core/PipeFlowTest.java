package mirage.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PipeFlowTest {

    @Test
    void pipe_bulkBothWaysThroughSmallBuffer_bytesArriveInOrder() throws Exception {
        Flow.Pair p = Flow.pipe(97);
        byte[] ab = random(300_000, 1);
        byte[] ba = random(200_000, 2);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> w1 = pool.submit(() -> writeAll(p.left(), ab));
            Future<?> w2 = pool.submit(() -> writeAll(p.right(), ba));
            Future<byte[]> r1 = pool.submit(() -> readAll(p.right()));
            Future<byte[]> r2 = pool.submit(() -> readAll(p.left()));
            w1.get();
            w2.get();
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(ab), MessageDigest.getInstance("SHA-256").digest(r1.get()));
            assertArrayEquals(ba, r2.get());
        }
    }

    @Test
    void pipe_shutdownWrite_peerReadsBufferedThenEof_andCanStillWriteBack() throws Exception {
        Flow.Pair p = Flow.pipe(16);
        p.left().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        p.left().shutdown(Flow.Direction.WRITE);
        ByteBuffer dst = ByteBuffer.allocate(8);
        assertEquals(3, p.right().read(dst));
        assertEquals(Flow.EOF, p.right().read(dst));
        p.right().write(ByteBuffer.wrap(new byte[] {9}));
        ByteBuffer back = ByteBuffer.allocate(1);
        assertEquals(1, p.left().read(back));
        assertThrows(FlowException.class, () -> p.left().write(ByteBuffer.wrap(new byte[] {1})));
    }

    @Test
    void pipe_closedEnd_ownOpsClosed_peerWritesReset_peerReadsEof() {
        Flow.Pair p = Flow.pipe(16);
        p.left().close();
        p.left().close();
        assertEquals(FlowException.Reason.CLOSED,
                assertThrows(FlowException.class, () -> p.left().read(ByteBuffer.allocate(1))).reason());
        assertEquals(FlowException.Reason.RESET,
                assertThrows(FlowException.class, () -> p.right().write(ByteBuffer.allocate(1))).reason());
        try {
            assertEquals(Flow.EOF, p.right().read(ByteBuffer.allocate(1)));
        } catch (FlowException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void pipe_closeWakesBlockedReader() throws Exception {
        Flow.Pair p = Flow.pipe(16);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> r = pool.submit(() -> p.right().read(ByteBuffer.allocate(4)));
            Thread.sleep(20);
            p.left().close();
            assertEquals(Flow.EOF, r.get());
        }
    }

    @Test
    void pipe_badArguments_rejected() {
        assertThrows(IllegalArgumentException.class, () -> Flow.pipe(0));
        assertThrows(IllegalArgumentException.class, () -> Flow.pipe(4).left().read(ByteBuffer.allocate(0)));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static Void writeAll(Flow f, byte[] data) throws FlowException {
        SplittableRandom r = new SplittableRandom(data.length);
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + r.nextInt(500));
            f.write(ByteBuffer.wrap(data, off, n));
            off += n;
        }
        f.shutdown(Flow.Direction.WRITE);
        return null;
    }

    private static byte[] readAll(Flow f) throws FlowException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(333);
        while (f.read(buf.clear()) != Flow.EOF) {
            out.write(buf.array(), 0, buf.position());
        }
        return out.toByteArray();
    }

    @Test
    void aReadTimeout_failsTheWaitingRead_withTimeout_andTheFlowStaysUsable() throws Exception {
        Flow.Pair p = Flow.pipe(16);
        assertEquals(true, p.right().readTimeout(java.time.Duration.ofMillis(20)));
        FlowException e = assertThrows(FlowException.class, () -> p.right().read(ByteBuffer.allocate(4)));
        assertEquals(FlowException.Reason.TIMEOUT, e.reason());
        p.left().write(ByteBuffer.wrap(new byte[] {1, 2}));
        assertEquals(2, p.right().read(ByteBuffer.allocate(4)), "usable after a timeout");
        p.right().readTimeout(java.time.Duration.ZERO);
        p.left().shutdown(Flow.Direction.WRITE);
        assertEquals(Flow.EOF, p.right().read(ByteBuffer.allocate(4)));
        assertThrows(IllegalArgumentException.class, () -> p.right().readTimeout(java.time.Duration.ofNanos(-1)));
    }
}
