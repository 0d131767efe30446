package mirage.platform.solo5.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import mirage.core.ArgumentException;
import mirage.core.spi.Manifest;
import mirage.net.MacAddress;
import mirage.net.NetException;
import mirage.net.Netif;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The framed-stream device against a server of the test's own: a UNIX-domain
 * {@code ServerSocketChannel} speaking QEMU's and passt's framing (4-byte big-endian length,
 * then the frame). The test thread plays the event loop, calling {@code yield}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamNetifTest {
    static final Manifest NET = NetBindTest.NET;
    static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:2a");

    @TempDir
    Path dir;
    ServerSocketChannel server;
    SocketChannel peer;
    Solo5Platform platform;
    Netif netif;
    final List<byte[]> received = new ArrayList<>();

    @BeforeEach
    void connect() throws IOException, ArgumentException {
        Path path = dir.resolve("net.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        platform = new Solo5Platform(NET);
        platform.bind(List.of("--net:service=unix:" + path, "--net-mac:service=" + MAC));
        peer = server.accept();
        netif = (Netif) platform.device("service").orElseThrow();
        netif.listen(frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(frame.position(), b);
            received.add(b);
        });
    }

    @AfterEach
    void close() throws IOException {
        platform.close();
        peer.close();
        server.close();
    }

    static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (seed + i);
        }
        f[12] = 0x08; // IPv4, whatever the seed
        f[13] = 0x00;
        return f;
    }

    static ByteBuffer framed(byte[]... frames) {
        int n = 0;
        for (byte[] f : frames) {
            n += 4 + f.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] f : frames) {
            b.putInt(f.length).put(f);
        }
        return b.flip();
    }

    /** Yields until {@code done} or 10 s; returns the union of the ready sets. */
    long loopUntil(BooleanSupplier done) {
        long ready = 0;
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < limit) {
            ready |= platform.yield(platform.monotonicNanos() + 50_000_000L);
        }
        assertTrue(done.getAsBoolean(), "timed out");
        return ready;
    }

    byte[] readFramed() throws IOException {
        ByteBuffer len = ByteBuffer.allocate(4);
        while (len.hasRemaining()) {
            if (peer.read(len) < 0) {
                throw new IOException("eof");
            }
        }
        ByteBuffer f = ByteBuffer.allocate(len.flip().getInt());
        while (f.hasRemaining()) {
            if (peer.read(f) < 0) {
                throw new IOException("eof");
            }
        }
        return f.array();
    }

    @Test
    void framesArriveWholeAndInOrderWithTheirHandle() throws IOException {
        assertEquals(MAC, netif.mac());
        assertEquals(1500, netif.mtu());
        byte[] a = frame(60, 1);
        byte[] b = frame(1514, 2);
        byte[] c = frame(14, 3);
        ByteBuffer all = framed(a, b, c);
        while (all.hasRemaining()) {
            peer.write(all);
        }
        long ready = loopUntil(() -> received.size() == 3);
        assertEquals(1L, ready, "bit 0: the device's handle");
        assertArrayEquals(a, received.get(0));
        assertArrayEquals(b, received.get(1));
        assertArrayEquals(c, received.get(2));
        Netif.Stats s = netif.stats();
        assertEquals(3, s.rxFrames());
        assertEquals(60 + 1514 + 14, s.rxBytes());
    }

    @Test
    void framesSplitAcrossWritesAreReassembled() throws Exception {
        byte[] a = frame(100, 7);
        ByteBuffer all = framed(a, a);
        // one byte at a time, the loop polling in between
        while (all.hasRemaining()) {
            peer.write(all.slice(all.position(), 1));
            all.position(all.position() + 1);
            platform.yield(platform.monotonicNanos() + 1_000_000L);
        }
        loopUntil(() -> received.size() == 2);
        assertArrayEquals(a, received.get(1));
    }

    @Test
    void moreFramesThanOneTurnTakesAreDeliveredOverSeveralYields() throws IOException {
        int n = 300;
        byte[][] frames = new byte[n][];
        for (int i = 0; i < n; i++) {
            frames[i] = frame(64 + i, i);
        }
        ByteBuffer all = framed(frames);
        while (all.hasRemaining()) {
            peer.write(all);
        }
        loopUntil(() -> received.size() == n);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(frames[i], received.get(i));
        }
    }

    @Test
    void sentFramesReachThePeerFramed() throws Exception {
        byte[] a = frame(42, 9);
        byte[] b = frame(1514, 4);
        ByteBuffer buf = ByteBuffer.wrap(b);
        netif.send(ByteBuffer.wrap(a));
        netif.send(buf);
        assertEquals(0, buf.position(), "the buffer is borrowed, not consumed");
        assertArrayEquals(a, readFramed());
        assertArrayEquals(b, readFramed());
        assertEquals(2, netif.stats().txFrames());
        assertEquals(42 + 1514, netif.stats().txBytes());
    }

    @Test
    void aSlowPeerMakesTheQueueFlushThroughThePoll() throws Exception {
        // more than the socket buffers hold: the rest waits in the queue until POLLOUT
        byte[] f = frame(1514, 5);
        int n = 400;
        int sent = 0;
        for (int i = 0; i < n; i++) {
            netif.send(ByteBuffer.wrap(f));
        }
        Netif.Stats s = netif.stats();
        assertEquals(n, s.txFrames() + s.txDropped());
        peer.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocate(4 + 1514);
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent < s.txFrames() && System.nanoTime() < limit) {
            platform.yield(platform.monotonicNanos() + 1_000_000L);
            while (peer.read(in) > 0) {
                if (!in.hasRemaining()) {
                    in.flip();
                    assertEquals(1514, in.getInt());
                    sent++;
                    in.clear();
                }
            }
        }
        assertEquals(s.txFrames(), sent, "every queued frame arrives whole");
    }

    @Test
    void shortFramesAreCountedNotThrown_framesAboveTheMtuAreTaken() throws Exception {
        byte[] tiny = new byte[10];
        byte[] big = frame(4042, 1); // passt sends up to its own MTU, 65520, and never fragments
        byte[] ok = frame(60, 2);
        ByteBuffer all = framed(tiny, big, ok);
        while (all.hasRemaining()) {
            peer.write(all);
        }
        loopUntil(() -> received.size() == 2);
        assertArrayEquals(big, received.get(0));
        assertArrayEquals(ok, received.get(1));
        assertEquals(1, netif.stats().rxErrors());
    }

    @Test
    void tooLongAndTooShortSendsAreRefused() {
        NetException e = assertThrows(NetException.class, () -> netif.send(ByteBuffer.wrap(frame(1515, 0))));
        assertEquals(NetException.Reason.MESSAGE_TOO_LONG, e.reason());
        byte[] tagged = frame(1518, 0);
        tagged[12] = (byte) 0x81;
        tagged[13] = 0;
        assertThrows(NetException.class, () -> netif.send(ByteBuffer.wrap(frame(1519, 0))));
        assertThrows(IllegalArgumentException.class, () -> netif.send(ByteBuffer.allocate(13)));
        try {
            netif.send(ByteBuffer.wrap(tagged));
        } catch (NetException x) {
            throw new AssertionError("a tagged frame of MTU + 18 bytes is allowed", x);
        }
    }

    @Test
    void aPeerThatClosesDisconnectsTheDevice() throws Exception {
        peer.close();
        loopUntil(() -> ((mirage.platform.solo5.internal.net.HostNetif) netif).failure() != null);
        NetException e = assertThrows(NetException.class, () -> netif.send(ByteBuffer.wrap(frame(60, 0))));
        assertEquals(NetException.Reason.DISCONNECTED, e.reason());
        assertEquals("net device service failed: the peer closed the stream", e.getMessage());
    }

    @Test
    void closedDevicesRefuseToSend() {
        netif.close();
        netif.close();
        NetException e = assertThrows(NetException.class, () -> netif.send(ByteBuffer.wrap(frame(60, 0))));
        assertEquals(NetException.Reason.DISCONNECTED, e.reason());
        assertEquals(0L, platform.yield(platform.monotonicNanos() + 1_000_000L));
    }

    @Test
    void wakeEndsAYieldThatWaitsOnDevices() throws Exception {
        Thread waker = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            platform.wake();
        });
        assertEquals(0L, platform.yield(Long.MAX_VALUE));
        waker.join();
    }

    @Test
    void framesReceivedBeforeListenAreDroppedAndCounted() throws Exception {
        netif.listen(frame -> {});
        ByteBuffer all = framed(frame(60, 1));
        while (all.hasRemaining()) {
            peer.write(all);
        }
        loopUntil(() -> netif.stats().rxFrames() == 1);
        netif.listen(frame -> {
            throw new IllegalStateException("receiver bug");
        });
        all = framed(frame(60, 1));
        while (all.hasRemaining()) {
            peer.write(all);
        }
        loopUntil(() -> netif.stats().rxDropped() == 1);
    }
}
