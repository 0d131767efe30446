package echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.NetException;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Issue 19 item 3 on virtual time: echo's HTTP server (as {@code start} serves it, with the
 * platform's clock) drops a client that connects and sends nothing, one that sends its head a
 * byte a second (slowloris), and one that stops reading a response, each within its bound, while
 * a normal client on the same server is served; the stack counts what it ended.
 */
class HttpTimeoutsTest {
    static final Ipv4Address SERVER = Ipv4Address.parse("192.168.9.2");

    record World(Simulation sim, DirectStack server, DirectStack client) {}

    static World world(long seed) throws NetException {
        Simulation sim = Simulation.create(seed);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(seed + 1), SimulatedNetwork.Impairments.NONE);
        DirectStack server = Stack.direct(net.port("server", MacAddress.parse("02:00:00:00:09:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.9.2/24")), sim.loop(), Rng.seeded(seed + 2));
        DirectStack client = Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:09:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.9.3/24")), sim.loop(), Rng.seeded(seed + 3));
        Echo.serve(line -> { }, server, Duration.ZERO, sim.wallClock());
        return new World(sim, server, client);
    }

    /** What a client read until the end or a failure, and when (virtual seconds since the start). */
    record Ending(String read, String how, double atSeconds) {}

    static Ending readToEnd(Simulation sim, Flow c) {
        StringBuilder got = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(4096);
        try {
            while (c.read(b.clear()) != Flow.EOF) {
                got.append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
            }
            return new Ending(got.toString(), "EOF", sim.loop().now() / 1e9);
        } catch (FlowException e) {
            return new Ending(got.toString(), e.reason().toString(), sim.loop().now() / 1e9);
        }
    }

    @Test
    void silentClient_closedAfterTheIdleTimeout_normalClientServed() throws Exception {
        World w = world(40);
        List<Ending> silent = new ArrayList<>();
        List<String> normal = new ArrayList<>();
        w.sim().spawn("silent", () -> {
            try (Tcp.Connection c = w.client().tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10))) {
                silent.add(readToEnd(w.sim(), c));
            }
        });
        w.sim().spawn("normal", () -> {
            w.sim().sleep().sleep(Duration.ofSeconds(5));
            try (Tcp.Connection c = w.client().tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10))) {
                c.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                normal.add(readToEnd(w.sim(), c).read());
            }
        });
        w.sim().runFor(Duration.ofSeconds(200));
        assertEquals(1, normal.size());
        assertTrue(normal.get(0).startsWith("HTTP/1.1 200 OK"), normal.get(0));
        assertEquals(1, silent.size(), "the silent client's connection ended");
        Ending s = silent.get(0);
        assertEquals("", s.read(), "closed without an answer (RFC 9112 section 9.5)");
        assertEquals("EOF", s.how());
        assertTrue(s.atSeconds() >= 60 && s.atSeconds() < 61, "at the server's 60 s idle wait: " + s);
    }

    @Test
    void slowloris_aByteASecond_408AtTheHeadTimeout() throws Exception {
        World w = world(41);
        List<Ending> slow = new ArrayList<>();
        w.sim().spawn("slowloris", () -> {
            try (Tcp.Connection c = w.client().tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10))) {
                c.options(c.options().withNoDelay(true));
                byte[] head = ("GET / HTTP/1.1\r\nHost: s\r\nX-Slow: " + "a".repeat(500) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                double start = w.sim().loop().now() / 1e9;
                try {
                    for (byte b : head) {
                        c.write(ByteBuffer.wrap(new byte[] {b}));
                        w.sim().sleep().sleep(Duration.ofSeconds(1));
                        if (w.sim().loop().now() / 1e9 - start > 40) {
                            break; // the server has answered by now; read it
                        }
                    }
                } catch (FlowException e) {
                    // the server closed under the writes
                }
                slow.add(readToEnd(w.sim(), c));
            }
        });
        w.sim().runFor(Duration.ofSeconds(200));
        assertEquals(1, slow.size());
        assertTrue(slow.get(0).read().startsWith("HTTP/1.1 408 "), "a head not whole in 30 s: " + slow.get(0));
        // The answer came while the client was still trickling (it stops at 40 s); a bound per
        // read only would have answered 30 s after its last byte, at 70 s.
        assertTrue(slow.get(0).atSeconds() < 45, "408 within the head timeout of the first byte: " + slow.get(0));
    }

    @Test
    void clientThatStopsReading_resetByTheTcpIdleTimeout_andCounted() throws Exception {
        World w = world(42);
        List<Ending> stuck = new ArrayList<>();
        w.sim().spawn("stuck", () -> {
            Tcp.Connection c = w.client().tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10));
            c.write(ByteBuffer.wrap("GET /bytes/1000000000 HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            w.sim().sleep().sleep(Duration.ofSeconds(300)); // reads nothing: the windows fill and stay full
            stuck.add(readToEnd(w.sim(), c));
            c.close();
        });
        w.sim().runFor(Duration.ofSeconds(400));
        assertEquals(1, w.server().tcp().stats().idleTimeouts(), "the server's connection ended by its idle timeout");
        assertEquals(1, stuck.size());
        assertEquals("RESET", stuck.get(0).how(), "the client sees the reset once it reads what it had: " + stuck.get(0).how());
        assertEquals(0, w.server().tcp().stats().established());
    }
}
