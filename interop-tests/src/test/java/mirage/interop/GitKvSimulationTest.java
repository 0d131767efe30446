package mirage.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import mirage.block.Block;
import mirage.http.ClientRequest;
import mirage.http.Content;
import mirage.http.Headers;
import mirage.net.Tcp;
import mirage.time.Simulation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * examples/gitkv as {@code ./mirage build --storage=block} links it, booted under a simulation
 * (issue 19 item 5) with {@code --net:service=lan --block:storage=disk --ipv4=10.0.0.2/24}: its
 * store on a memory disk, its network an impaired simulated one. A client host PUTs keys (each
 * one commit) and GETs them back; then the unikernel is powered off (its simulation abandoned
 * at a seeded instant after the last answer, nothing closed or flushed) and a fresh one boots on
 * the same disk in a new simulation, where every acknowledged write is read back and one more
 * PUT lands on top of them. No root, no tools.
 */
class GitKvSimulationTest {
    @TempDir
    static Path work;
    static SimulatedUnikernel gitkv;

    @BeforeAll
    static void link() throws Exception {
        gitkv = SimulatedUnikernel.build("gitkv", work, "--storage=block");
    }

    static LongStream seeds() {
        return SimulatedLan.seeds();
    }

    /** A disk of 16 MiB of 512-byte sectors, zeroed, as {@code truncate -s 16M} makes one. */
    static Block disk() {
        return Block.memory(512, 16L * 1024 * 1024 / 512);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gitkv_asItBoots_keepsAcknowledgedWritesAcrossAPowerOff_onAnImpairedNetwork(long seed) throws Exception {
        String seedText = SimulatedLan.rerun(GitKvSimulationTest.class, seed);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, byte[]> written = new LinkedHashMap<>();
        int keys = 2 + random.nextInt(4);
        for (int i = 0; i < keys; i++) {
            byte[] value = new byte[random.nextInt(20_000)];
            random.nextBytes(value);
            written.put("k" + i + "/v" + random.nextInt(1000), value);
        }
        Block disk = disk();

        // first boot: every PUT acknowledged, every GET equal
        SimulatedLan first = SimulatedLan.create(seed, SimulatedLan.IMPAIRED);
        Simulation.Task server = boot(first, disk);
        List<String> answers = new ArrayList<>();
        Simulation.Task client = first.sim().spawn("client", () -> {
            first.sim().sleep().sleep(Duration.ofSeconds(1)); // the unikernel boots
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                SimulatedLan.Response put = request(first, new ClientRequest("PUT", "/kv/" + e.getKey(),
                        Headers.of("Host", "10.0.0.2", "X-Author", "Sim <sim@example.com>"), Content.of(e.getValue()), false));
                answers.add("PUT " + e.getKey() + " " + put.status());
            }
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                SimulatedLan.Response get = request(first, ClientRequest.get("10.0.0.2", "/kv/" + e.getKey()));
                answers.add("GET " + e.getKey() + " " + get.status() + " " + SimulatedLan.sha256(get.body()));
            }
        });
        long lastAnswer = runClient(first, client, server, seedText, "first boot");
        assertEquals(expected(written, true), answers, seedText + ": first boot");
        // power off: a seeded instant up to a second after the last answer, then nothing more runs
        first.sim().runUntil(lastAnswer + random.nextLong(1_000_000_000L));

        // second boot on the same disk, in a new world
        SimulatedLan second = SimulatedLan.create(seed ^ 0x5EED, SimulatedLan.IMPAIRED);
        Simulation.Task again = boot(second, disk);
        List<String> after = new ArrayList<>();
        byte[] more = "written after the reboot".getBytes(StandardCharsets.UTF_8);
        Simulation.Task reader = second.sim().spawn("client", () -> {
            second.sim().sleep().sleep(Duration.ofSeconds(1));
            for (Map.Entry<String, byte[]> e : written.entrySet()) {
                SimulatedLan.Response get = request(second, ClientRequest.get("10.0.0.2", "/kv/" + e.getKey()));
                after.add("GET " + e.getKey() + " " + get.status() + " " + SimulatedLan.sha256(get.body()));
            }
            SimulatedLan.Response put = request(second, new ClientRequest("PUT", "/kv/after", Headers.of("Host", "10.0.0.2"),
                    Content.of(more), false));
            after.add("PUT after " + put.status());
            SimulatedLan.Response get = request(second, ClientRequest.get("10.0.0.2", "/kv/after"));
            assertArrayEquals(more, get.body(), seedText);
            SimulatedLan.Response log = request(second, ClientRequest.get("10.0.0.2", "/log"));
            after.add("LOG " + log.status() + " " + count(new String(log.body(), StandardCharsets.UTF_8), "\"id\""));
        });
        runClient(second, reader, again, seedText, "second boot");
        List<String> expectedAfter = new ArrayList<>(expected(written, false));
        expectedAfter.add("PUT after 200");
        expectedAfter.add("LOG 200 " + (written.size() + 1));
        assertEquals(expectedAfter, after, seedText + ": after the power-off, on the same disk");
    }

    static Simulation.Task boot(SimulatedLan lan, Block disk) throws Exception {
        SimulatedUnikernel.Devices devices = new SimulatedUnikernel.Devices(gitkv.manifest(), 2)
                .network(SimulatedLan.LAN, lan).disk("disk", disk);
        return gitkv.boot(lan.sim(), "gitkv", devices, "--net:service=" + SimulatedLan.LAN, "--block:storage=disk",
                SimulatedLan.SERVER_IPV4);
    }

    /** One request on a connection of its own, as curl makes it. */
    static SimulatedLan.Response request(SimulatedLan lan, ClientRequest request) throws Exception {
        try (Tcp.Connection c = lan.client().tcp().connect(SimulatedLan.SERVER, 80, SimulatedLan.CONNECT)) {
            return SimulatedLan.exchange(c, request);
        }
    }

    /** Runs until {@code client} ends (at most 10 virtual minutes); checks it and the server; returns the instant it ended. */
    static long runClient(SimulatedLan lan, Simulation.Task client, Simulation.Task server, String seedText, String phase) {
        long limit = lan.sim().now() + Duration.ofMinutes(10).toNanos();
        while (!client.done() && lan.sim().now() < limit) {
            lan.sim().runFor(Duration.ofMillis(100));
        }
        lan.close(); // the captures, with -Dmirage.sim.pcap
        assertTrue(client.done(), seedText + ", " + phase + ": the client still runs after 10 virtual minutes\n"
                + lan.traceTail(30));
        assertTrue(client.failure().isEmpty(), () -> seedText + ", " + phase + ": the client failed: "
                + EchoSimulationTest.stack(client.failure().get()) + "\n" + lan.traceTail(30));
        assertFalse(server.done(), () -> seedText + ", " + phase + ": gitkv ended: " + server.failure() + "\n"
                + lan.traceTail(30));
        return lan.sim().now();
    }

    static List<String> expected(Map<String, byte[]> written, boolean puts) {
        List<String> lines = new ArrayList<>();
        if (puts) {
            written.keySet().forEach(k -> lines.add("PUT " + k + " 200"));
        }
        written.forEach((k, v) -> lines.add("GET " + k + " 200 " + SimulatedLan.sha256(v)));
        return lines;
    }

    static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
