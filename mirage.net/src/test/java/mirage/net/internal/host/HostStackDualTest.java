package mirage.net.internal.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mirage.core.Flow;
import mirage.net.IpAddress;
import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.testkit.HostLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host-socket stack on both families: by default it listens on {@code ::}, and one listener
 * takes connections to {@code ::1} and to {@code 127.0.0.1}; UDP over IPv6 loopback echoes.
 * Skipped on a host without IPv6.
 */
class HostStackDualTest {
    final HostLoop loop = HostLoop.start();
    final int offset = HostStackTest.freePort() - 7;
    Stack stack;

    @AfterEach
    void close() {
        if (stack != null) {
            stack.close();
        }
        loop.close();
    }

    @Test
    void defaultStack_oneListener_takesIpv6AndIpv4Loopback_andUdpEchoesOverIpv6() throws Exception {
        assumeTrue(HostStack.wildcard() instanceof Ipv6Address, "this host cannot bind ::");
        stack = Stack.host(loop, offset);
        List<IpAddress> peers = new CopyOnWriteArrayList<>();
        stack.tcp().listen(7, c -> {
            peers.add(c.remote().address());
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (c.read(b.clear()) != Flow.EOF) {
                c.write(b.flip());
            }
            c.shutdown(Flow.Direction.WRITE);
        });
        for (IpAddress to : List.of(Ipv6Address.LOOPBACK, Ipv4Address.parse("127.0.0.1"))) {
            try (Tcp.Connection c = stack.tcp().connect(to, 7 + offset, Duration.ofSeconds(5))) {
                c.write(ByteBuffer.wrap(("hello " + to).getBytes()));
                c.shutdown(Flow.Direction.WRITE);
                assertArrayEquals(("hello " + to).getBytes(), HostStackTest.readAll(c));
            }
        }
        assertEquals(List.of(Ipv6Address.LOOPBACK, Ipv4Address.parse("127.0.0.1")), peers,
                "an IPv4 peer of the dual socket is reported as IPv4, not IPv4-mapped");
        stack.udp().listen(7, (src, sp, dst, data) -> {
            try {
                stack.udp().send(7, src, sp, data);
            } catch (mirage.net.NetException e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<byte[]> back = new CompletableFuture<>();
        stack.udp().listen(9, (src, sp, dst, data) -> {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            back.complete(b);
        });
        stack.udp().send(9, Ipv6Address.LOOPBACK, 7 + offset, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, back.get(10, TimeUnit.SECONDS));
    }
}
