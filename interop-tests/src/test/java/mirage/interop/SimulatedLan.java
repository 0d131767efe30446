package mirage.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;
import mirage.core.Flow;
import mirage.core.FlowException;
import mirage.core.Rng;
import mirage.http.ClientRequest;
import mirage.http.ClientResponse;
import mirage.http.HttpClient;
import mirage.net.DirectStack;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.Netif;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.time.Simulation;

/**
 * One seed's world for {@link SimulatedUnikernel}s: a simulation, an impaired network
 * {@value #LAN} on it, and a client host (our own direct stack at {@link #CLIENT}) that talks
 * to the unikernel at {@link #SERVER}. Seeds come as the lossy TCP simulations take them:
 * {@code -Dmirage.sim.seeds=N} (default {@value #SEEDS}) from {@code -Dmirage.sim.seed=FIRST}
 * (default 1).
 */
record SimulatedLan(Simulation sim, SimulatedNetwork network, DirectStack client, List<Netif> captured) {
    /** Seeds in the normal build. */
    static final int SEEDS = 100;
    static final String LAN = "lan";
    static final Ipv4Address SERVER = Ipv4Address.parse("10.0.0.2");
    static final Ipv4Address CLIENT = Ipv4Address.parse("10.0.0.1");
    /** The unikernel's address argument. */
    static final String SERVER_IPV4 = "--ipv4=10.0.0.2/24";
    /** The simulation's wall clock starts here (the test certificate is valid from 2026-12-06 for 100 years). */
    static final Instant EPOCH = Instant.parse("2027-01-01T00:00:00Z");
    /**
     * What the lossy TCP simulations of mirage.net do to every delivery: 5% lost, 2% held back
     * 4 ms (reordered), 1% duplicated, 1% with a bit flipped, 1 ms delay with 0.5 ms jitter.
     */
    static final SimulatedNetwork.Impairments IMPAIRED =
            new SimulatedNetwork.Impairments(0.05, 1_000_000, 500_000, 0.02, 4_000_000, 0.01, 0.01);

    static LongStream seeds() {
        int n = Integer.getInteger("mirage.sim.seeds", SEEDS);
        long first = Long.getLong("mirage.sim.seed", 1);
        return LongStream.range(first, first + n);
    }

    /** What a failing seed prints: the seed, and how to run it alone. */
    static String rerun(Class<?> test, long seed) {
        return "seed " + seed + " (rerun alone: nice -n 19 ./mvnw -B -ntp -pl interop-tests -am verify -Dtest="
                + test.getSimpleName() + " -Dsurefire.failIfNoSpecifiedTests=false -Dmirage.sim.seed=" + seed
                + " -Dmirage.sim.seeds=1)";
    }

    /** A world for {@code seed}, with a client host already on the network. */
    static SimulatedLan create(long seed, SimulatedNetwork.Impairments impairments) {
        Simulation sim = Simulation.create(seed, EPOCH);
        SimulatedNetwork network = SimulatedNetwork.create(sim.loop(), Rng.seeded(seed, 101), impairments);
        List<Netif> captured = new java.util.ArrayList<>();
        Netif port = attach(sim, network, captured, "client", MacAddress.parse("02:00:00:00:ff:01"));
        DirectStack client = Stack.direct(port, NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.1/24")), sim.loop(),
                Rng.seeded(seed, 102));
        return new SimulatedLan(sim, network, client, captured);
    }

    /**
     * A new port of the network for host {@code host}; with {@code -Dmirage.sim.pcap=DIR}, what
     * it sends and receives is also written to {@code DIR/seed-SEED-HOST.pcap} (Wireshark's
     * format, virtual wall-clock times) once {@link #close} is called.
     */
    Netif attach(String host, MacAddress mac) {
        return attach(sim, network, captured, host, mac);
    }

    private static Netif attach(Simulation sim, SimulatedNetwork network, List<Netif> captured, String host, MacAddress mac) {
        Netif port = network.port(host, mac, 1500);
        String dir = System.getProperty("mirage.sim.pcap");
        if (dir == null) {
            return port;
        }
        try {
            Path file = Files.createDirectories(Path.of(dir)).resolve("seed-" + sim.seed() + "-" + host + ".pcap");
            Netif capture = Netif.capture(port, file, sim.wallClock());
            captured.add(capture);
            return capture;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes out the captures, if any. */
    void close() {
        captured.forEach(Netif::close);
        captured.clear();
    }

    /**
     * The last lines of the trace, the client host's ARP entries and the network's impairments
     * so far, for a failure's message.
     */
    String traceTail(int lines) {
        List<String> t = sim.trace();
        return String.join("\n", t.subList(Math.max(0, t.size() - lines), t.size())) + "\nclient ARP: "
                + client.arp().entries() + "\nclient ARP stats: " + client.arp().stats() + "\nnetwork: " + network.stats();
    }

    /** A response: its status and body. */
    record Response(int status, byte[] body) {}

    /** One HTTP exchange on {@code flow}, the body read as the response delimits it. */
    static Response exchange(Flow flow, ClientRequest request) throws FlowException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        ClientResponse response = HttpClient.exchange(flow, request, data -> {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            body.writeBytes(b);
        });
        return new Response(response.status(), body.toByteArray());
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test resource's bytes. */
    static byte[] resource(String name) {
        try (InputStream in = SimulatedLan.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How long the client waits for a connection (the stack's connect timeout). */
    static final Duration CONNECT = Duration.ofSeconds(60);
}
