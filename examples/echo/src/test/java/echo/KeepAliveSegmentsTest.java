package echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;
import mirage.tls.ClientConfig;
import mirage.tls.Credentials;
import mirage.tls.ServerConfig;
import mirage.tls.Tls;
import mirage.tls.Trust;
import org.junit.jupiter.api.Test;

/**
 * Issue 20 on the simulation, segment by segment: echo's keep-alive responses leave the server's
 * stack as one TCP segment each (head and 1,000-byte body together; over TLS, as one record in
 * one segment), and none waits for the client's delayed ACK (40 ms of virtual time). The client
 * is our own stack, whose delayed ACK is Linux's 40 ms; the simulated network has no latency, so
 * an exchange takes no virtual time unless something is held back.
 */
class KeepAliveSegmentsTest {
    static final Ipv4Address SERVER = Ipv4Address.parse("192.168.9.2");
    static final int REQUESTS = 20;

    /** One TCP segment with data that the server's interface sent. */
    record Sent(int sourcePort, int payload, int firstByte) {}

    /** The server's interface, recording the TCP segments with data it sends. */
    static final class Recording implements Netif {
        final Netif inner;
        final List<Sent> sent = new ArrayList<>();

        Recording(Netif inner) {
            this.inner = inner;
        }

        @Override
        public MacAddress mac() {
            return inner.mac();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public void send(ByteBuffer frame) throws NetException {
            int at = frame.position();
            if (frame.getShort(at + 12) == 0x0800 && frame.get(at + 23) == 6) {
                int ihl = (frame.get(at + 14) & 0xf) * 4;
                int total = frame.getShort(at + 16) & 0xffff;
                int tcp = at + 14 + ihl;
                int header = ((frame.get(tcp + 12) & 0xff) >> 4) * 4;
                int payload = total - ihl - header;
                if (payload > 0) {
                    sent.add(new Sent(frame.getShort(tcp) & 0xffff, payload, frame.get(tcp + header) & 0xff));
                }
            }
            inner.send(frame);
        }

        @Override
        public void listen(FrameReceiver receiver) {
            inner.listen(receiver);
        }

        @Override
        public Stats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    record World(Simulation sim, Recording wire, DirectStack server, DirectStack client) {}

    static World world() {
        Simulation sim = Simulation.create(20);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(21), SimulatedNetwork.Impairments.NONE);
        Recording wire = new Recording(net.port("server", MacAddress.parse("02:00:00:00:09:02"), 1500));
        DirectStack server = Stack.direct(wire, NetConfig.ipv4(Ipv4Cidr.parse("192.168.9.2/24")), sim.loop(), Rng.seeded(1));
        DirectStack client = Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:09:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.9.3/24")), sim.loop(), Rng.seeded(2));
        return new World(sim, wire, server, client);
    }

    /** Sends REQUESTS keep-alive requests one after another on {@code c}; returns the virtual nanoseconds each took. */
    static List<Long> requests(Simulation sim, Flow c) throws FlowException {
        List<Long> took = new ArrayList<>();
        byte[] request = "GET /bytes/1000 HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < REQUESTS; i++) {
            long t0 = sim.loop().now();
            c.write(ByteBuffer.wrap(request));
            int want = -1;
            StringBuilder got = new StringBuilder();
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (want < 0 || got.length() < want) {
                if (c.read(b.clear()) == Flow.EOF) {
                    throw new AssertionError("the server closed: " + got);
                }
                got.append(new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1));
                int end = got.indexOf("\r\n\r\n");
                if (end >= 0 && want < 0) {
                    want = end + 4 + 1000;
                }
            }
            took.add(sim.loop().now() - t0);
        }
        return took;
    }

    static void assertNoneHeld(List<Long> took) {
        assertEquals(REQUESTS, took.size());
        for (long t : took) {
            assertTrue(t < Duration.ofMillis(4).toNanos(), "a response took " + t / 1e6 + " ms of virtual time: " + took);
        }
    }

    @Test
    void http_eachKeepAliveResponseIsOneSegment_noneWaitsForADelayedAck() {
        World w = world();
        List<List<Long>> took = new ArrayList<>();
        w.sim().spawn("client", () -> {
            try (Tcp.Connection c = w.client().tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10))) {
                took.add(requests(w.sim(), c));
            }
        });
        try {
            Echo.serve(line -> { }, w.server());
        } catch (NetException e) {
            throw new AssertionError(e);
        }
        w.sim().runFor(Duration.ofSeconds(10));
        assertEquals(1, took.size(), "the client finished");
        assertNoneHeld(took.get(0));
        List<Sent> data = w.wire().sent.stream().filter(s -> s.sourcePort() == Echo.HTTP_PORT).toList();
        assertEquals(REQUESTS, data.size(), "one segment per response: " + data);
        for (Sent s : data) {
            assertTrue(s.payload() > 1000 && s.firstByte() == 'H', "head and body in one segment: " + s);
        }
    }

    @Test
    void https_eachKeepAliveResponseIsOneRecordInOneSegment_noneWaitsForADelayedAck() throws Exception {
        World w = world();
        Credentials credentials = Credentials.selfSigned("echo.test", Credentials.KeyType.ECDSA_P256, Rng.seeded(5),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
        Echo.serveHttps(line -> { }, w.server(), ServerConfig.builder(Rng.seeded(6), credentials).build());
        ClientConfig config = ClientConfig.builder(Trust.anchors(credentials.leaf()), Rng.seeded(7), java.time.InstantSource.system()).build();
        List<List<Long>> took = new ArrayList<>();
        w.sim().spawn("client", () -> {
            try (Flow c = Tls.client(w.client().tcp().connect(SERVER, Echo.HTTPS_PORT, Duration.ofSeconds(10)), config,
                    "echo.test")) {
                c.write(ByteBuffer.wrap("GET /bytes/1 HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                c.read(ByteBuffer.allocate(4096)); // the handshake and a first exchange: then count
                took.add(requests(w.sim(), c));
            }
        });
        w.sim().runFor(Duration.ofSeconds(30));
        assertEquals(1, took.size(), "the client finished");
        assertNoneHeld(took.get(0));
        List<Sent> records = w.wire().sent.stream()
                .filter(s -> s.sourcePort() == Echo.HTTPS_PORT && s.firstByte() == 23 && s.payload() > 1000).toList();
        assertEquals(REQUESTS, records.size(), "one segment per response, starting with an application_data record");
        for (Sent s : records) {
            // one record: 5-byte header, head and body, content type and 16-byte tag (TLS 1.3)
            assertTrue(s.payload() < 1000 + 150 + 5 + 17, "one record of head and body: " + s);
        }
    }
}
