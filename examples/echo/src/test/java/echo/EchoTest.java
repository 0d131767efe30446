package echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.DirectStack;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.time.Simulation;
import org.junit.jupiter.api.Test;

/** The echo unikernel and a client on a simulated network with loss, on virtual time. */
class EchoTest {
    static final Ipv4Address SERVER = Ipv4Address.parse("192.168.7.2");

    @Test
    void echo_overLossyNetwork_everyAnsweredDatagramIsTheOneSent_andPingsAreAnswered() throws Exception {
        Simulation sim = Simulation.create(5);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(9),
                new SimulatedNetwork.Impairments(0.1, 1_000_000, 500_000, 0.05, 3_000_000, 0.01, 0));
        DirectStack server = Stack.direct(net.port("server", MacAddress.parse("02:00:00:00:07:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.7.2/24")), sim.loop(), Rng.seeded(1));
        DirectStack client = Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:07:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.7.3/24")), sim.loop(), Rng.seeded(2));
        List<String> console = new ArrayList<>();
        Echo.serve(console::add, server);
        assertEquals(List.of("echo: ipv4 [192.168.7.2/24]", "echo: UDP and TCP echo on port 7, HTTP on port 80"), console);

        List<byte[]> echoed = new ArrayList<>();
        client.udp().listen(5555, (src, sp, dst, data) -> {
            assertEquals(SERVER, src);
            assertEquals(Echo.PORT, sp);
            byte[] b = new byte[data.remaining()];
            data.get(b);
            echoed.add(b);
        });
        int[] pings = new int[1];
        client.icmpv4().listen((src, id, seq, data) -> pings[0]++);
        sim.spawn("client", () -> {
            for (int i = 0; i < 100; i++) {
                client.udp().send(5555, SERVER, Echo.PORT, ByteBuffer.wrap(payload(i)));
                client.icmpv4().ping(SERVER, 1, i, ByteBuffer.allocate(32));
                sim.sleep().sleep(Duration.ofMillis(20));
            }
        });
        sim.runFor(Duration.ofSeconds(10));
        // loss both ways: most come back, and each one that does is byte-for-byte one that was sent
        assertTrue(echoed.size() > 60 && echoed.size() <= 110, "echoed " + echoed.size());
        for (byte[] b : echoed) {
            assertArrayEquals(payload(b[0]), b);
        }
        assertTrue(pings[0] > 60, "ping replies " + pings[0]);
    }

    static byte[] payload(int i) {
        byte[] b = new byte[1 + i * 13];
        b[0] = (byte) i;
        for (int k = 1; k < b.length; k++) {
            b[k] = (byte) (i + k);
        }
        return b;
    }

    @Test
    void tcpEchoAndHttp_overLossyNetwork_keepAliveRequestsAndPatternedBodies() throws Exception {
        Simulation sim = Simulation.create(8);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(10),
                new SimulatedNetwork.Impairments(0.02, 1_000_000, 0, 0.01, 2_000_000, 0.005, 0.005));
        DirectStack server = Stack.direct(net.port("server", MacAddress.parse("02:00:00:00:07:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.7.2/24")), sim.loop(), Rng.seeded(1));
        DirectStack client = Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:07:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.7.3/24")), sim.loop(), Rng.seeded(2));
        Echo.serve(line -> { }, server);
        List<String> results = new ArrayList<>();
        StringBuilder stats = new StringBuilder();
        sim.spawn("client", () -> {
            try (mirage.net.Tcp.Connection c = client.tcp().connect(SERVER, Echo.PORT, Duration.ofSeconds(10))) {
                byte[] sent = payload(77);
                c.write(ByteBuffer.wrap(sent));
                c.shutdown(mirage.core.Flow.Direction.WRITE);
                results.add("echo " + java.util.Arrays.equals(sent, readAll(c)));
            }
            try (mirage.net.Tcp.Connection c = client.tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10))) {
                c.write(ByteBuffer.wrap(("GET /bytes/300000 HTTP/1.1\r\nHost: s\r\n\r\n"
                        + "GET / HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                byte[] all = readAll(c);
                String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
                int bodyStart = text.indexOf("\r\n\r\n") + 4;
                results.add(text.substring(0, text.indexOf("\r\n")));
                boolean pattern = true;
                for (int i = 0; i < 300_000; i++) {
                    pattern &= all[bodyStart + i] == (byte) (i % 251);
                }
                results.add("pattern " + pattern);
                String second = text.substring(bodyStart + 300_000);
                results.add(second.substring(0, second.indexOf("\r\n")));
                results.add("close " + second.contains("Connection: close"));
            }
            try (mirage.net.Tcp.Connection c = client.tcp().connect(SERVER, Echo.HTTP_PORT, Duration.ofSeconds(10))) {
                c.write(ByteBuffer.wrap("GET /stats HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                stats.append(new String(readAll(c), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        sim.runFor(Duration.ofMinutes(2));
        assertEquals(List.of("echo true", "HTTP/1.1 200 OK", "pattern true", "HTTP/1.1 200 OK", "close true"), results);
        // the counters page: a line per layer, the server's own figures (three passive opens so far)
        String page = stats.toString();
        assertTrue(page.startsWith("HTTP/1.1 200 OK"), page);
        for (String layer : List.of("netif", "ethernet", "arp", "ipv4", "icmpv4", "udp", "tcp")) {
            assertTrue(page.contains("\n" + layer + " "), layer + " in " + page);
        }
        assertTrue(page.contains(" passiveOpens=3 "), page);
        assertTrue(page.contains("\ntcp activeOpens=0 "), page);
    }

    static byte[] readAll(mirage.core.Flow f) throws mirage.core.FlowException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (f.read(b.clear()) != mirage.core.Flow.EOF) {
            out.write(b.array(), 0, b.position());
        }
        return out.toByteArray();
    }
}
