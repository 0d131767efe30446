package mirage.benchmarks;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mirage.core.Rng;
import mirage.net.Ipv4Address;
import mirage.net.Ipv4Cidr;
import mirage.net.MacAddress;
import mirage.net.NetConfig;
import mirage.net.SimulatedNetwork;
import mirage.net.Stack;
import mirage.net.Tcp;
import mirage.time.Simulation;

/**
 * Java heap retained per idle, established TCP connection end, for {@code n} connections
 * (default 1000) between a client and a server stack in one process: the direct stacks on a
 * simulated network, and the host-socket stack over loopback (whose kernel socket memory is
 * not in the heap and not counted). Heap in use after full collections before and after
 * opening them, divided by 2n. Run alone with a stop-the-world collector:
 *
 * <pre>java -XX:+UseSerialGC --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar mirage.benchmarks.TcpFootprint</pre>
 */
public final class TcpFootprint {
    private TcpFootprint() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        System.out.printf("direct stack: %,d bytes per idle connection end (%d connections)%n", direct(n), n);
        System.out.printf("host stack:   %,d bytes per idle connection end (%d connections; kernel memory not counted)%n", host(n), n);
    }

    static long direct(int n) throws Exception {
        Simulation sim = Simulation.create(1);
        SimulatedNetwork net = SimulatedNetwork.create(sim.loop(), Rng.seeded(2), SimulatedNetwork.Impairments.NONE);
        Stack client = Stack.direct(net.port("c", MacAddress.parse("02:00:00:00:00:02"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.2/24")), sim.loop(), Rng.seeded(3));
        Stack server = Stack.direct(net.port("s", MacAddress.parse("02:00:00:00:00:03"), 1500),
                NetConfig.ipv4(Ipv4Cidr.parse("10.0.0.3/24")), sim.loop(), Rng.seeded(4));
        server.tcp().listen(7, c -> sim.sleep().sleep(Duration.ofDays(1)));
        List<Tcp.Connection> open = new ArrayList<>();
        Simulation.Task warm = sim.spawn("warm", () -> client.tcp().connect(Ipv4Address.parse("10.0.0.3"), 7, Duration.ofSeconds(5)));
        sim.runFor(Duration.ofSeconds(2));
        long before = TimersFootprint.usedAfterGc();
        sim.spawn("open", () -> {
            for (int i = 0; i < n; i++) {
                open.add(client.tcp().connect(Ipv4Address.parse("10.0.0.3"), 7, Duration.ofSeconds(5)));
            }
        });
        sim.runFor(Duration.ofSeconds(30));
        if (open.size() != n || !warm.done()) {
            throw new IllegalStateException("opened " + open.size() + " of " + n);
        }
        long after = TimersFootprint.usedAfterGc();
        java.lang.ref.Reference.reachabilityFence(open);
        java.lang.ref.Reference.reachabilityFence(server);
        return (after - before) / (2L * n);
    }

    static long host(int n) throws Exception {
        int offset;
        try (ServerSocket s = new ServerSocket(0)) {
            offset = s.getLocalPort() - 7;
        }
        Simulation sim = Simulation.create(5); // the host stack's TCP never uses the loop
        Stack server = Stack.host(sim.loop(), Ipv4Address.parse("127.0.0.1"), offset);
        Stack client = Stack.host(sim.loop(), Ipv4Address.parse("127.0.0.1"), 0);
        java.util.concurrent.CountDownLatch accepted = new java.util.concurrent.CountDownLatch(n + 1);
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        server.tcp().listen(7, c -> {
            accepted.countDown();
            hold.await();
        });
        List<Tcp.Connection> open = new ArrayList<>();
        open.add(client.tcp().connect(Ipv4Address.parse("127.0.0.1"), 7 + offset, Duration.ofSeconds(5)));
        Thread.sleep(200);
        long before = TimersFootprint.usedAfterGc();
        for (int i = 0; i < n; i++) {
            open.add(client.tcp().connect(Ipv4Address.parse("127.0.0.1"), 7 + offset, Duration.ofSeconds(5)));
        }
        accepted.await();
        long after = TimersFootprint.usedAfterGc();
        hold.countDown();
        java.lang.ref.Reference.reachabilityFence(open);
        client.close();
        server.close();
        return (after - before) / (2L * n);
    }
}
