package mirage.net.internal.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.net.Ipv4Address;
import mirage.net.NetException;
import mirage.net.Tcp;
import mirage.testkit.HostLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The host-socket stack on the loopback interface: TCP and UDP echo, errors, close. */
class HostStackTest {
    static final Ipv4Address LOCALHOST = Ipv4Address.parse("127.0.0.1");

    final HostLoop loop = HostLoop.start();
    final int offset = freePort() - 7;
    final HostStack stack = HostStack.open(loop, LOCALHOST, offset);

    @AfterEach
    void close() {
        stack.close();
        loop.close();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] readAll(Flow f) throws FlowException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (f.read(b.clear()) != Flow.EOF) {
            out.write(b.array(), 0, b.position());
        }
        return out.toByteArray();
    }

    @Test
    void tcp_echoOfAMegabyte_throughTheOffsetPort_withHalfClose() throws Exception {
        stack.tcp().listen(7, c -> {
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (c.read(b.clear()) != Flow.EOF) {
                c.write(b.flip());
            }
            c.shutdown(Flow.Direction.WRITE);
        });
        byte[] data = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(data);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor();
                Tcp.Connection c = stack.tcp().connect(LOCALHOST, 7 + offset, Duration.ofSeconds(5))) {
            assertEquals(new Tcp.Endpoint(LOCALHOST, 7 + offset), c.remote());
            Future<byte[]> back = pool.submit(() -> readAll(c));
            c.write(ByteBuffer.wrap(data));
            c.shutdown(Flow.Direction.WRITE);
            assertArrayEquals(data, back.get(20, TimeUnit.SECONDS));
            assertThrows(FlowException.class, () -> c.write(ByteBuffer.allocate(1)));
        }
        assertEquals(1, stack.tcp().stats().passiveOpens());
        assertEquals(1, stack.tcp().stats().activeOpens());
    }

    /** A cork holds writes in user space (java.nio has no TCP_CORK); uncork and shutdown send them, in order. */
    @Test
    void tcp_corkedWrites_arriveWholeAndInOrder_afterUncorkAndBeforeTheFin() throws Exception {
        byte[] data = new byte[200_000];
        new SplittableRandom(2).nextBytes(data);
        stack.tcp().listen(7, c -> {
            c.cork();
            c.write(ByteBuffer.wrap(data, 0, 10));
            c.writev(ByteBuffer.wrap(data, 10, 20), ByteBuffer.wrap(data, 30, 100_000)); // more than the 64 KiB held
            c.uncork();
            c.cork();
            c.cork();
            c.write(ByteBuffer.wrap(data, 100_030, 99_960));
            c.uncork(); // still corked once: held
            c.write(ByteBuffer.wrap(data, 199_990, 10));
            c.shutdown(Flow.Direction.WRITE); // sends what is held, then the FIN
        });
        try (Tcp.Connection c = stack.tcp().connect(LOCALHOST, 7 + offset, Duration.ofSeconds(5))) {
            assertArrayEquals(data, readAll(c));
        }
    }

    @Test
    void tcp_connectToClosedPort_refused_andPortInUse_refused() throws Exception {
        int closed = freePort();
        FlowException e = assertThrows(FlowException.class, () -> stack.tcp().connect(LOCALHOST, closed, Duration.ofSeconds(5)));
        assertEquals(FlowException.Reason.REFUSED, e.reason());
        stack.tcp().listen(7, c -> { });
        assertEquals(NetException.Reason.ADDRESS_IN_USE,
                assertThrows(NetException.class, () -> stack.tcp().listen(7, c -> { })).reason());
        assertEquals(1, stack.tcp().stats().failedAttempts());
    }

    @Test
    void tcp_handlerThrows_peerSeesReset() throws Exception {
        stack.tcp().listen(7, c -> {
            throw new IllegalStateException("handler bug");
        });
        Tcp.Connection c;
        try {
            c = stack.tcp().connect(LOCALHOST, 7 + offset, Duration.ofSeconds(5));
        } catch (FlowException e) {
            // the kernel completed the handshake and the handler failed before connect looked at
            // the socket: connect itself sees the reset (ECONNRESET), which it reports as refused
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
            assertEquals(FlowException.Reason.REFUSED, e.reason(), e.getMessage());
            c = null;
        }
        if (c != null) {
            try (Tcp.Connection open = c) {
                FlowException e = assertThrows(FlowException.class, () -> open.read(ByteBuffer.allocate(10)));
                assertEquals(FlowException.Reason.RESET, e.reason());
                assertEquals(FlowException.Reason.RESET, assertThrows(FlowException.class, () -> open.read(ByteBuffer.allocate(1))).reason(),
                        "a failure is sticky");
            }
        }
        assertTrue(waitFor(() -> stack.tcp().stats().handlerFailures() == 1));
    }

    @Test
    void udp_receiverRunsOnTheLoop_andEchoesToAHostSocket() throws Exception {
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        stack.udp().listen(7, (src, sp, dst, data) -> {
            onLoop.complete(loop.inLoop());
            try {
                stack.udp().send(7, src, sp, data);
            } catch (NetException e) {
                throw new AssertionError(e);
            }
        });
        try (DatagramChannel client = DatagramChannel.open()) {
            client.bind(new InetSocketAddress("127.0.0.1", 0));
            byte[] sent = new byte[3000];
            new SplittableRandom(2).nextBytes(sent);
            client.send(ByteBuffer.wrap(sent), new InetSocketAddress("127.0.0.1", 7 + offset));
            ByteBuffer got = ByteBuffer.allocate(65536);
            InetSocketAddress from = (InetSocketAddress) client.receive(got);
            assertEquals(7 + offset, from.getPort());
            assertArrayEquals(sent, java.util.Arrays.copyOf(got.array(), got.position()));
        }
        assertTrue(onLoop.get(5, TimeUnit.SECONDS));
        assertEquals(1, stack.udp().stats().datagramsReceived());
    }

    @Test
    void close_laterOperationsDisconnected_andPortsFreed() throws Exception {
        stack.tcp().listen(7, c -> { });
        stack.udp().listen(7, (src, sp, dst, data) -> { });
        stack.close();
        stack.close();
        assertEquals(NetException.Reason.DISCONNECTED,
                assertThrows(NetException.class, () -> stack.udp().send(0, LOCALHOST, 9, ByteBuffer.allocate(1))).reason());
        // the listener's descriptor is released once its accepting thread has seen the close
        assertTrue(waitFor(() -> {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress("127.0.0.1", 7 + offset));
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }), "the port is free again");
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
