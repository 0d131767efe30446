package mirage.net.internal.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * The direct stack at its connection limit (issue 19 item 3), on virtual time: two client stacks
 * open 4,400 connections at once to a server stack that holds 4,096 (with a backlog of 128, so
 * most handshakes are SYN cookies); the server holds exactly its limit, every connection it took
 * echoes, the rest are dropped and counted; as the first close, waiting peers are taken (their
 * cookies still hold) or reset (expired); nothing hangs, and the server holds nothing after.
 */
class TcpLimitsStackTest {
    static final Ipv4Address SERVER = Ipv4Address.parse("10.0.0.2");
    static final int LIMIT = 4096;
    static final int PER_CLIENT = 2200;

    @Test
    void moreConnectionsThanTheLimit_theRestDroppedAndCounted_eachTakenOneEchoes_thenAcceptsAgain() {
        Simulation sim = Simulation.create(77);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(78), SimulatedNetwork.Impairments.NONE);
        DirectStack server = Stack.direct(net.port("s", MacAddress.parse("02:00:00:00:00:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/16")), sim.loop(), Rng.seeded(79));
        DirectStack[] clients = new DirectStack[2];
        for (int i = 0; i < 2; i++) {
            clients[i] = Stack.direct(net.port("c" + i, MacAddress.parse("02:00:00:00:01:0" + i), 1500),
                    NetConfig.ipv4(Ipv4Cidr.parse("10.0.1." + (i + 1) + "/16")), sim.loop(), Rng.seeded(80 + i));
        }
        try {
            server.tcp().listen(7, c -> {
                ByteBuffer b = ByteBuffer.allocate(64);
                while (c.read(b.clear()) != Flow.EOF) {
                    c.write(b.flip());
                }
            });
        } catch (mirage.net.NetException e) {
            throw new AssertionError(e);
        }
        AtomicInteger echoed = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        AtomicInteger otherFailures = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        for (int i = 0; i < 2 * PER_CLIENT; i++) {
            DirectStack from = clients[i % 2];
            int n = i;
                sim.spawn("client-" + i, () -> {
                Tcp.Connection c;
                try {
                    c = from.tcp().connect(SERVER, 7, Duration.ofSeconds(20));
                } catch (FlowException e) {
                    (e.reason() == FlowException.Reason.TIMEOUT ? timedOut : otherFailures).incrementAndGet();
                    return;
                }
                open.incrementAndGet();
                byte[] msg = ("hello " + n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                ByteBuffer got = ByteBuffer.allocate(64);
                try {
                    c.write(ByteBuffer.wrap(msg));
                    while (got.position() < msg.length) {
                        if (c.read(got) == Flow.EOF) {
                            break;
                        }
                    }
                } catch (FlowException e) {
                    (e.reason() == FlowException.Reason.TIMEOUT ? timedOut : otherFailures).incrementAndGet();
                    c.close();
                    return;
                }
                if (got.position() == msg.length && java.util.Arrays.equals(msg, java.util.Arrays.copyOf(got.array(), msg.length))) {
                    echoed.incrementAndGet();
                }
                sim.sleep().sleep(Duration.ofSeconds(60)); // hold it while the others try
                c.close();
            });
        }
        Simulation.Outcome o = sim.runFor(Duration.ofSeconds(40));
        Tcp.Stats s = server.tcp().stats();
        String seen = "open " + open + ", timed out " + timedOut + ", other " + otherFailures + ", tasks failed "
                + o.tasksFailed() + ", " + s + ", trace " + sim.trace().subList(Math.max(0, sim.trace().size() - 3), sim.trace().size());
        assertEquals(LIMIT, s.established(), "the server holds its limit: " + seen);
        assertEquals(LIMIT, echoed.get(), "every connection it took echoes: " + seen);
        assertTrue(s.overLimit() > 0, "the connections past it dropped and counted: " + seen);
        assertEquals(0, otherFailures.get() + timedOut.get(), seen);
        o = sim.runFor(Duration.ofSeconds(900));
        s = server.tcp().stats();
        seen = "open " + open + ", echoed " + echoed + ", timed out " + timedOut + ", other " + otherFailures + ", tasks failed "
                + o.tasksFailed() + ", " + s;
        // Past the limit, as Linux with a full accept queue: a SYN is dropped, or answered with a
        // cookie whose ACK is then dropped; the peer retransmits, and is taken once a connection
        // frees while its cookie holds (one 64 s tick), else reset when it has expired.
        assertEquals(2 * PER_CLIENT, open.get(), "no connect hung: " + seen);
        assertEquals(2 * PER_CLIENT, echoed.get() + otherFailures.get() + timedOut.get(), "every client ended: " + seen);
        assertTrue(echoed.get() > LIMIT, "some waiting ones were taken once the first closed: " + seen);
        assertEquals(0, o.tasksFailed(), seen);
        int[] footprint = ((Direct) server).tcpBinding().footprint();
        assertEquals(0, footprint[0], "the server holds nothing once all closed: " + seen);
        AtomicInteger again = new AtomicInteger();
        sim.spawn("again", () -> {
            try (Tcp.Connection c = clients[0].tcp().connect(SERVER, 7, Duration.ofSeconds(5))) {
                again.incrementAndGet();
            }
        });
        sim.runFor(Duration.ofSeconds(10));
        assertEquals(1, again.get(), "accepts again below the limit");
    }
}
