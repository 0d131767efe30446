package gitkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mirage.core.Flow;
import mirage.core.Rng;
import mirage.gitstore.Author;
import mirage.gitstore.CommitId;
import mirage.gitstore.CommitInfo;
import mirage.gitstore.GitStore;
import mirage.kv.Key;
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
 * The gitkv unikernel and a client on a simulated network with loss, on virtual time: writes
 * over HTTP become commits that a store of the client's clones over the git port, and what the
 * client pushes back is read over HTTP.
 */
class GitKvTest {
    static final Ipv4Address SERVER = Ipv4Address.parse("192.168.8.2");

    @Test
    void httpWritesAreCommits_clonedOverGit_andAPushIsReadBackOverHttp() throws Exception {
        Simulation sim = Simulation.create(11);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(12),
                new SimulatedNetwork.Impairments(0.02, 1_000_000, 0, 0.01, 2_000_000, 0.005, 0.005));
        DirectStack server = Stack.direct(net.port("server", MacAddress.parse("02:00:00:00:08:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.8.2/24")), sim.loop(), Rng.seeded(1));
        DirectStack client = Stack.direct(net.port("client", MacAddress.parse("02:00:00:00:08:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("192.168.8.3/24")), sim.loop(), Rng.seeded(2));
        GitStore served = GitStore.memory(sim.wallClock());
        List<String> console = new ArrayList<>();
        GitKv.serve(console::add, server, served);
        assertEquals(List.of("gitkv: HTTP on port 80, git on port 9418"), console);

        GitStore local = GitStore.memory(sim.wallClock());
        List<String> results = new ArrayList<>();
        sim.spawn("client", () -> {
            try (Tcp.Connection c = client.tcp().connect(SERVER, GitKv.HTTP_PORT, Duration.ofSeconds(10))) {
                StringBuilder requests = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    String body = "value " + i + " ".repeat(i * 500);
                    requests.append("PUT /kv/k/").append(i).append(" HTTP/1.1\r\nHost: s\r\nX-Author: Ann <ann@example.com>\r\n")
                            .append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
                }
                requests.append("GET /kv/k/3 HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
                c.write(ByteBuffer.wrap(requests.toString().getBytes(StandardCharsets.ISO_8859_1)));
                String answers = new String(readAll(c), StandardCharsets.ISO_8859_1);
                results.add("answers " + (answers.split("HTTP/1.1 200 OK", -1).length - 1));
            }
            try (Tcp.Connection c = client.tcp().connect(SERVER, GitKv.GIT_PORT, Duration.ofSeconds(10))) {
                CommitId head = local.fetch(c, "/store", GitStore.MAIN);
                local.testAndSetHead(GitStore.MAIN, Optional.empty(), Optional.of(head));
            }
            results.add("cloned " + local.main().log(0, 100).size());
            local.main().set(Key.parse("/k/pushed"), "from the client".getBytes(StandardCharsets.UTF_8),
                    CommitInfo.of(new Author("Bo", "bo@example.com"), "pushed"));
            try (Tcp.Connection c = client.tcp().connect(SERVER, GitKv.GIT_PORT, Duration.ofSeconds(10))) {
                local.push(c, "/store", GitStore.MAIN);
            }
            try (Tcp.Connection c = client.tcp().connect(SERVER, GitKv.HTTP_PORT, Duration.ofSeconds(10))) {
                c.write(ByteBuffer.wrap("GET /kv/k/pushed HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1)));
                String answer = new String(readAll(c), StandardCharsets.ISO_8859_1);
                results.add(answer.substring(0, answer.indexOf("\r\n")) + " " + answer.substring(answer.indexOf("\r\n\r\n") + 4));
            }
        });
        sim.runFor(Duration.ofMinutes(2));
        assertEquals(List.of("answers 11", "cloned 10", "HTTP/1.1 200 OK from the client"), results);
        assertEquals(served.main().head(), local.main().head());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(local.main().get(Key.parse("/k/" + i)).orElseThrow(), served.main().get(Key.parse("/k/" + i)).orElseThrow());
        }
        assertEquals("Ann", served.main().log(9, 1).getFirst().author().name());
    }

    static byte[] readAll(Flow f) throws mirage.core.FlowException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (f.read(b.clear()) != Flow.EOF) {
            out.write(b.array(), 0, b.position());
        }
        return out.toByteArray();
    }
}
