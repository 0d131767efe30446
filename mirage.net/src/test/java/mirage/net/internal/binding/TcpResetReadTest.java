package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.core.spi.EventLoop;
import mirage.net.DirectStack;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Reads of a connection the peer reset (decision 0076): the bytes that came before the reset
 * are read first, then the reset; once the engine holds nothing more, a read reports the reset
 * without handing anything to the loop (as {@code openssl s_time} resets right after its last
 * message, before the server's handler reads again).
 */
class TcpResetReadTest {

    /** The simulation's loop, counting what application tasks hand to it. */
    static final class CountingLoop implements EventLoop {
        final EventLoop inner;
        final AtomicInteger handOffs = new AtomicInteger();

        CountingLoop(EventLoop inner) {
            this.inner = inner;
        }

        private void count() {
            if (!inner.inLoop()) {
                handOffs.incrementAndGet();
            }
        }

        @Override
        public long now() {
            return inner.now();
        }

        @Override
        public void execute(Runnable action) {
            count();
            inner.execute(action);
        }

        @Override
        public void executeLazily(Runnable action, long latestNanos) {
            count();
            inner.executeLazily(action, latestNanos);
        }

        @Override
        public Timer schedule(long deadlineNanos, Runnable action) {
            return inner.schedule(deadlineNanos, action);
        }

        @Override
        public boolean inLoop() {
            return inner.inLoop();
        }

        @Override
        public void sleepUntil(long deadlineNanos) throws InterruptedException {
            inner.sleepUntil(deadlineNanos);
        }

        @Override
        public <T, X extends Exception> T call(Action<T, X> action) throws X {
            count();
            return inner.call(action);
        }

        @Override
        public Waiter waiter() {
            return inner.waiter();
        }

        @Override
        public void spawn(String name, Runnable task) {
            inner.spawn(name, task);
        }
    }

    /**
     * Server a writes {@code hello} (or nothing), waits until it is delivered, then its
     * handler fails, so the stack resets the connection; client b reads only after the reset
     * arrived.
     */
    private static List<String> readAfterReset(long seed, String hello) {
        Simulation sim = Simulation.create(seed);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(seed * 31 + 1), SimulatedNetwork.Impairments.NONE);
        DirectStack a = Stack.direct(net.port("a", MacAddress.parse("02:00:00:00:00:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(seed * 31 + 2));
        CountingLoop loopB = new CountingLoop(sim.loop());
        DirectStack b = Stack.direct(net.port("b", MacAddress.parse("02:00:00:00:00:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.3/24")), loopB, Rng.seeded(seed * 31 + 3));
        try {
            a.tcp().listen(443, c -> {
                if (!hello.isEmpty()) {
                    c.write(ByteBuffer.wrap(hello.getBytes(StandardCharsets.US_ASCII)));
                }
                sim.sleep().sleep(Duration.ofMillis(100));
                throw new IllegalStateException("handler fails: the stack resets the connection");
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        List<String> got = new ArrayList<>();
        sim.spawn("client", () -> {
            try (Tcp.Connection c = b.tcp().connect(TcpStackTest.A, 443, Duration.ofSeconds(5))) {
                sim.sleep().sleep(Duration.ofSeconds(1)); // the bytes and the reset are in
                ByteBuffer buf = ByteBuffer.allocate(100);
                for (int i = 0; i < 3; i++) {
                    int before = loopB.handOffs.get();
                    try {
                        int n = c.read(buf.clear());
                        got.add(new String(buf.array(), 0, Math.max(n, 0), StandardCharsets.US_ASCII));
                    } catch (FlowException e) {
                        got.add(e.reason() + ", " + (loopB.handOffs.get() - before) + " hand-offs");
                    }
                }
            }
        });
        Simulation.Outcome o = sim.runFor(Duration.ofSeconds(10));
        assertEquals(0, o.tasksFailed());
        return got;
    }

    @Test
    void nothingLeftToRead_readsReportTheReset_withNoHandOff() {
        assertEquals(List.of("RESET, 0 hand-offs", "RESET, 0 hand-offs", "RESET, 0 hand-offs"), readAfterReset(41, ""));
    }

    @Test
    void bytesBeforeTheReset_areReadFirst() {
        List<String> got = readAfterReset(42, "hello");
        assertEquals("hello", got.get(0), got.toString());
        assertEquals(FlowException.Reason.RESET.toString(), got.get(1).replaceAll(",.*", ""), got.toString());
        assertEquals(got.get(1).replaceAll(",.*", ""), got.get(2).replaceAll(",.*", ""), got.toString());
    }
}
